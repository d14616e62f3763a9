"""What `grade challenge list` and `grade challenge validate` print."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from harness.challenges.catalog import Catalog
from harness.challenges.validation import NOISE_FACTOR, Separation, SignalRoom, Validation


def print_catalog(catalog: Catalog, console: Console) -> None:
    """One row per challenge, then the search path and anything shadowed."""
    table = Table("id", "version", "task", "metric", "title", box=None)
    for challenge in catalog.challenges.values():
        table.add_row(challenge.id, challenge.version, challenge.task, challenge.metrics[0],
                      challenge.title)  # fmt: skip
    console.print(table)
    console.print(f"search path: {' : '.join(str(r) for r in catalog.roots)}")
    for challenge_id, folders in catalog.shadowed.items():
        console.print(f"shadowed: {challenge_id} in {', '.join(map(str, folders))}")


def print_validation(validation: Validation, console: Console) -> None:
    """The references' numbers per seed, the separation of each evidence kind, the problems."""
    challenge = validation.challenge
    kinds = [separation.kind for separation in validation.separations]
    runs = Table("seed", "reference", f"holdout {challenge.metrics[0]}", *kinds, "lift", box=None)
    for run in validation.runs:
        measures = [_number(run.measures[kind].value) for kind in kinds]
        lift = _number(run.signal.lift if run.signal else None)
        runs.add_row(str(run.seed), run.reference, _number(run.holdout), *measures, lift)
    console.print(f"[bold]{challenge.id}[/] v{challenge.version}: the references on "
                  f"{len(validation.seeds)} seeds (higher leans on the trap more)")  # fmt: skip
    console.print(runs)
    table = Table("evidence", "threshold", "naive margin", "careful margin", "noise", "verdict",
                  box=None)  # fmt: skip
    for separation in validation.separations:
        table.add_row(*_separation_row(separation))
    console.print(table)
    console.print(f"a margin is the worst seed's distance from the threshold; it must be > 0 "
                  f"and at least {NOISE_FACTOR:g}x the noise (the larger seed-to-seed standard "
                  "deviation of the two references)")  # fmt: skip
    if validation.signal is not None:
        console.print(_signal_line(validation.signal, challenge.metrics[0]), highlight=False)
    if validation.cases:
        console.print(_cases_table(validation))
    for problem in validation.problems:
        console.print(f"[red]problem:[/] {problem}", highlight=False)
    verdict = "[green]valid[/]" if validation.ok else "[red]NOT valid[/]"
    console.print(f"{challenge.id}: {verdict}")


def _cases_table(validation: Validation) -> Table:
    """Each calibration case: its verdict, the five scores, and whether it met expectation."""
    table = Table(box=None, title="calibration cases")
    for name in ("case", "trap"):
        table.add_column(name, overflow="fold")  # a case's name whole, never cut with "…"
    for name in ("corr", "code", "deploy", "data", "comms", ""):
        table.add_column(name)
    for outcome in validation.cases:
        scores = [_number(score) for score in outcome.scores.values()]
        met = "[green]as expected[/]" if outcome.ok else "[red]outside expectation[/]"
        table.add_row(outcome.case.name, outcome.verdict, *scores, met)
    return table


def _signal_line(signal: SignalRoom, headline: str) -> str:
    """Both references beat the trivial baseline by more than the trap's signal margin."""
    room = "-" if signal.room is None else f"{signal.room:+.3f}"
    verdict = "[green]carries signal[/]" if signal.ok else "[red]does not carry signal[/]"
    return (f"signal: worst lift over the trivial baseline ({headline}) minus the margin "
            f"{signal.margin:g}: {room}, noise {signal.noise:.3f}: {verdict}")  # fmt: skip


def _separation_row(separation: Separation) -> tuple[str, ...]:
    margins = separation.margins
    naive, careful = ("-", "-") if margins is None else (f"{margins[0]:+.3f}", f"{margins[1]:+.3f}")
    verdict = "[green]separates[/]" if separation.ok else "[red]does not separate[/]"
    return (separation.kind, f"{separation.threshold:g}", naive, careful,
            f"{separation.noise:.3f}", verdict)  # fmt: skip


def _number(value: float | None) -> str:
    return "?" if value is None else f"{value:.3f}"
