"""Writing files whole or not at all: every file the harness writes for a user goes through
here, so a crash, a full disk or an interrupt never leaves half a result, report or zip."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from harness.errors import HarnessError


@contextlib.contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside `out` to write; it replaces `out` when the block succeeds and
    is removed when it fails. An OS error becomes a one-line HarnessError naming `out`."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".partial")
        os.close(handle)
    except OSError as err:
        raise HarnessError(f"cannot write {out}: {err.strerror or err}") from err
    temporary = Path(name)
    try:
        yield temporary
        temporary.chmod(0o644)
        temporary.replace(out)
    except OSError as err:
        raise HarnessError(f"cannot write {out}: {err.strerror or err}") from err
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink()


def write_text(out: Path, text: str) -> Path:
    """Write a UTF-8 text file atomically."""
    with replacing(out) as temporary:
        temporary.write_text(text, encoding="utf-8")
    return out
