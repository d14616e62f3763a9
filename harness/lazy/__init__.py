"""Importing what a command uses only when it runs, so `grade --help` starts in a blink.

`deferred` stands in for functions and classes of other modules until they are called;
`LazyGroup` is a click group whose commands may live in other packages, registered by name
("name": "module:attribute") and imported only when run or listed in `--help`. Both import
nothing but click and the standard library.
"""
