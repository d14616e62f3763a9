"""A click group whose commands may be defined in other packages and imported on demand.

Registering a command defined elsewhere is one entry, "name": "module:attribute", where the
attribute is a `click.Command` (or group). Its module is imported only when that command
runs, or when `--help` lists the commands (for its one-line help), so such a module should
import only click and the standard library at its top and the rest inside the command.
This is click's documented LazyGroup pattern.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import click

from harness.lazy.imports import load


class LazyGroup(click.Group):
    """A `click.Group` with commands named in `lazy_commands`, imported when first needed.

    A command defined in the group itself (`@group.command()`) wins over a lazy entry of
    the same name; tests/test_cli_lazy.py holds the registrations free of such clashes."""

    def __init__(
        self, *args: Any, lazy_commands: Mapping[str, str] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands: dict[str, str] = dict(lazy_commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The group's own command, else the lazy one (imported once, then a look-up in
        `sys.modules`); `self.commands` keeps only the group's own."""
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in self.lazy_commands:
            command = _command_at(self.lazy_commands[cmd_name])
        return command


def _command_at(target: str) -> click.Command:
    """The click command a registration names; anything else is a bug in the registration."""
    command = load(target)
    if not isinstance(command, click.Command):
        raise TypeError(f"{target} is not a click command but {type(command).__name__}")
    return command
