"""Running untrusted submission code: the hardened Docker runner, its image, and its stages."""
