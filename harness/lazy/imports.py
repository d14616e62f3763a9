"""Stand-ins for functions and classes of other modules, imported on their first call.

`grade --help` would otherwise import pandas, scikit-learn and the Docker SDK (1.5 s, 175 MB)
to print a page of text. A stand-in is bound where the real name would be, so the code that
calls it reads the same, and a test that monkeypatches the name in its module still works.
"""

from __future__ import annotations

import importlib
from typing import Any


class Deferred:
    """`module.name`, imported when it is called: calling it calls the real thing.

    The real thing is looked up again at every call (a dictionary look-up once imported), so
    replacing it in its own module (a test's monkeypatch) takes effect here too."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str) -> None:
        self.module = module
        self.name = name

    def resolve(self) -> Any:
        """The real function or class, imported now if it was not yet."""
        return getattr(importlib.import_module(self.module), self.name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<deferred {self.module}:{self.name}>"


def deferred(module: str, *names: str) -> tuple[Deferred, ...]:
    """One stand-in per name of `module`, in order, for `a, b = deferred("m", "a", "b")`."""
    return tuple(Deferred(module, name) for name in names)


def load(target: str) -> Any:
    """What "module:attribute" names, imported now; a malformed target is a ValueError."""
    module, sep, name = target.partition(":")
    if not sep or not module or not name:
        raise ValueError(f"{target!r}: expected 'module:attribute'")
    return Deferred(module, name).resolve()
