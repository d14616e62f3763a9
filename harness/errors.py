"""The one exception root of the harness, caught once at the command-line edge.

Every error a user can cause (a bad zip, a broken `assessment.toml`, a missing engine)
is a `HarnessError` whose message is one line that says what is wrong and, in `hint`,
what to do about it. Anything else reaching the CLI is a bug in the harness.
"""

from __future__ import annotations


class HarnessError(Exception):
    """A problem the user can fix; `str()` is the one-line message shown to them."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        """The message and the hint as a single line, newlines flattened."""
        text = self.message if not self.hint else f"{self.message} ({self.hint})"
        return " ".join(text.split())


class IntakeError(HarnessError):
    """The submission zip was refused: unsafe, corrupt or over a limit."""


class ContractError(HarnessError):
    """`assessment.toml` is missing or does not follow the submission contract."""


class SandboxError(HarnessError):
    """The sandbox cannot run: no engine, no image, or the engine failed us."""
