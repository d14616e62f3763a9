"""Allow `python -m harness` as well as the `grade` console script."""

from harness.cli import main

main()
