"""`grade` starts without the heavy libraries: `--help`, `--version` and every command's
`--help` import none of pandas, scikit-learn, the Docker SDK (nor numpy, scipy, jinja2,
pydantic, rich); what the commands call is imported when they run; a command defined in
another package is registered by one line and imported only when it runs or is listed."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from harness import cli as cli_module
from harness.challenges.catalog import ENV_VAR
from harness.cli import CHALLENGES_ENV, COHORT_SORT_KEYS, EXTERNAL_COMMANDS, cli
from harness.cohort import SORT_KEYS
from harness.lazy.group import LazyGroup
from harness.lazy.imports import Deferred

HEAVY = ("pandas", "sklearn", "docker", "numpy", "scipy", "jinja2", "pydantic", "rich")
ROOT = Path(__file__).resolve().parents[1]

PROBE = """\
import json, sys
{before}
from harness.cli import cli
try:
    cli({args!r}, prog_name="grade")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
heavy = sorted({{name.split(".")[0] for name in sys.modules}} & set({heavy!r}))
print(json.dumps({{"code": code, "heavy": heavy}}), file=sys.stderr)
"""


def _imported_by(args: list[str], before: str = "") -> tuple[int, list[str]]:
    """Run the click group in a fresh interpreter, as the console script does; which heavy
    libraries did it import, and its exit code."""
    script = PROBE.format(before=before, args=args, heavy=HEAVY)
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=False
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    return report["code"], report["heavy"]


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["-h"]])
def test_help_and_version_import_no_heavy_library(args: list[str]) -> None:
    code, heavy = _imported_by(args)
    assert code == 0
    assert heavy == []


def test_the_probe_sees_a_heavy_import_when_there_is_one() -> None:
    """The probe above is not blind: the same script with pandas imported reports it."""
    code, heavy = _imported_by(["--version"], before="import pandas")
    assert code == 0
    assert heavy == ["numpy", "pandas"]


def _command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[list[str]]:
    context = click.Context(group)
    for name in group.list_commands(context):
        command = group.get_command(context, name)
        assert command is not None, name
        yield [*prefix, name]
        if isinstance(command, click.Group):
            yield from _command_paths(command, (*prefix, name))


def test_every_command_help_imports_no_heavy_library() -> None:
    """One interpreter per command would take a minute: one interpreter prints every help
    page (each through the group, as `grade CMD --help` does) and reports once."""
    paths = list(_command_paths(cli))
    assert ["sandbox", "run"] in paths and ["batch"] in paths and ["submission"] in paths
    calls = "\n".join(
        f"try:\n    cli({[*path, '--help']!r}, prog_name='grade')\nexcept SystemExit as e:\n"
        f"    assert e.code == 0, ({path!r}, e.code)"
        for path in paths
    )
    code, heavy = _imported_by(["--help"], before=f"from harness.cli import cli\n{calls}")
    assert code == 0
    assert heavy == []


def test_running_a_command_imports_what_it_calls() -> None:
    """The other side of the coin: the stand-ins really import their modules when called."""
    code, heavy = _imported_by(["schema"])
    assert code == 0
    assert "pydantic" in heavy


def _type_checking_names() -> dict[str, str]:
    """name -> module of every import in cli.py's `if TYPE_CHECKING:` block."""
    tree = ast.parse(Path(cli_module.__file__).read_text())
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING"
    )
    return {
        alias.asname or alias.name: statement.module or ""
        for statement in block.body
        if isinstance(statement, ast.ImportFrom)
        for alias in statement.names
    }


TYPES_ONLY = {"Backend", "Requested"}  # annotations: never called, so no stand-in


def test_each_stand_in_is_the_name_mypy_checked_and_resolves() -> None:
    """The two halves of cli.py's import block agree, name for name and module for module,
    and every stand-in imports to a real callable of that name."""
    checked = _type_checking_names()
    stand_ins = {
        name: value for name, value in vars(cli_module).items() if isinstance(value, Deferred)
    }
    assert set(stand_ins) == set(checked) - TYPES_ONLY
    for name, stand_in in stand_ins.items():
        assert (stand_in.module, stand_in.name) == (checked[name], name)
        assert callable(stand_in.resolve()), name


def test_the_constants_copied_to_stay_light_are_the_real_ones() -> None:
    assert CHALLENGES_ENV == ENV_VAR
    assert COHORT_SORT_KEYS == SORT_KEYS


EXTERNAL = '''\
"""A command defined outside harness/cli.py, as harness/portfolio/command.py will be."""
import click

from harness.cli import reports_errors, verbose_option
from harness.errors import HarnessError


@click.command("hello")
@click.argument("name")
@verbose_option
@reports_errors
def hello(name: str) -> None:
    """Say hello to NAME (a command registered by one line)."""
    if name == "nobody":
        raise HarnessError("nobody is not a name", hint="pass a name")
    click.echo(f"hello {name}")


NOT_A_COMMAND = 42
'''


@pytest.fixture
def external(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real module on the path defining a command, registered in `grade` by one entry."""
    (tmp_path / "outside_command.py").write_text(textwrap.dedent(EXTERNAL))
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "outside_command", raising=False)
    assert isinstance(cli, LazyGroup)
    monkeypatch.setitem(cli.lazy_commands, "hello", "outside_command:hello")
    yield "outside_command"
    assert "hello" not in cli.commands  # the group's own commands stay its own


def test_an_external_command_is_listed_run_and_fails_like_the_others(external: str) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["--help"], terminal_width=100)
    assert listed.exit_code == 0
    assert "hello      Say hello to NAME (a command registered by one line)." in listed.output
    ran = runner.invoke(cli, ["hello", "world"])
    assert (ran.exit_code, ran.stdout) == (0, "hello world\n")
    refused = runner.invoke(cli, ["hello", "nobody"])
    assert refused.exit_code == 2
    assert refused.stderr == "grade: error: nobody is not a name (pass a name)\n"


def test_an_external_command_is_not_imported_until_needed(external: str) -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0
    assert external not in sys.modules
    CliRunner().invoke(cli, ["hello", "again"])
    assert external in sys.modules


def test_a_registration_that_is_not_a_command_is_a_bug_named_plainly(
    external: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(cli.lazy_commands, "broken", "outside_command:NOT_A_COMMAND")
    with pytest.raises(TypeError, match="outside_command:NOT_A_COMMAND is not a click command"):
        cli.get_command(click.Context(cli), "broken")
    monkeypatch.setitem(cli.lazy_commands, "broken", "outside_command.hello")
    with pytest.raises(ValueError, match="expected 'module:attribute'"):
        cli.get_command(click.Context(cli), "broken")


def test_the_registered_external_commands_resolve_and_clash_with_none() -> None:
    """Whatever the lead registers: each entry imports to a click command, and no entry
    shadows (or is shadowed by) a command defined in cli.py."""
    eager = set(cli.commands)
    for name, target in EXTERNAL_COMMANDS.items():
        assert name not in eager, f"{name} is defined in cli.py and registered as {target}"
        assert isinstance(cli.get_command(click.Context(cli), name), click.Command), name
