"""Where a trap is judged by behaviour, trap.code still says truly where its columns are
named: through attribute access (`df.original_price`) as much as through strings."""

from __future__ import annotations

from pathlib import Path

from harness.checks import REGISTRY
from tests.checks.contexts import make_context

SCRIPT = """import pandas as pd
frame = pd.read_csv(DATA)
dealer = frame.source == frame.source.mode()[0]
frame.loc[dealer, "x"] = frame.original_price[dealer] / 100
"""


def _submission(folder: Path, script: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "assessment.toml").write_text(
        '[submission]\nchallenge = "equipment-resale"\n\n[commands]\n'
        'train = "python go.py {data} {artifacts}"\n'
        'predict = "python go.py {artifacts} {input} {output}"\n\n'
        '[estimate]\nmetric = "mae"\nvalue = 60\nmethod = "five folds"\n'
    )
    (folder / "go.py").write_text(script)
    return folder


def test_a_column_named_by_attribute_is_named_in_code(tmp_path: Path) -> None:
    finding = REGISTRY["trap.code"].run(make_context(_submission(tmp_path / "a", SCRIPT)))
    assert finding.status == "skipped"
    assert "never named in code" not in finding.message
    assert any(e.path == "go.py" for e in finding.evidence)


def test_a_script_without_the_columns_says_so(tmp_path: Path) -> None:
    finding = REGISTRY["trap.code"].run(
        make_context(_submission(tmp_path / "b", "print('hello')\n"))
    )
    assert "never named in code" in finding.message
