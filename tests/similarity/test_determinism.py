"""The same folders give the same pairs whatever Python's hash salt (copydetect uses hash())."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.similarity.solutions import DISGUISED, LOGISTIC, write_folder

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, sys
from pathlib import Path
from harness.similarity import find_similar
pairs = find_similar({"a": Path(sys.argv[1]), "b": Path(sys.argv[2])}, {}, [], threshold=0.0)
print(json.dumps([[p.a, p.b, p.score, [f.lines for f in p.fragments]] for p in pairs]))
"""


def test_scores_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    a = write_folder(tmp_path / "a", LOGISTIC)
    b = write_folder(tmp_path / "b", DISGUISED)
    outputs = []
    for seed in ("1", "2"):
        env = os.environ | {"PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run(
            [sys.executable, "-c", SCRIPT, str(a), str(b)],
            capture_output=True, text=True, env=env, check=True, cwd=ROOT,
        )  # fmt: skip
        outputs.append(json.loads(run.stdout))
    assert outputs[0] == outputs[1]
    assert outputs[0][0][2] > 0.5
