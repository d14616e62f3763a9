"""similarity.json: the format the report and the cohort page read."""

from __future__ import annotations

import json
from pathlib import Path

from harness.similarity import Fragment, SimilarPair, write_similarity

FRAGMENT = Fragment("a.py", (3, 40), "b.py", (1, 38), "def f():\n    return 1")
PAIR = SimilarPair("sub-1", "sub-2", 0.83333, (FRAGMENT,))
REFERENCE = SimilarPair("sub-2", "reference:careful", 0.7, ())


def test_the_format_from_this_submission_s_side(tmp_path: Path) -> None:
    (tmp_path / "result.json").write_text(json.dumps({"submission": {"id": "sub-2"}}))
    path = write_similarity(tmp_path, [PAIR, REFERENCE], {"sub-1": "Ann"}, 0.5)
    assert path == tmp_path / "similarity.json"
    document = json.loads(path.read_text())
    assert document["engine"].startswith("copydetect 0.")
    assert document == {
        "engine": document["engine"],
        "threshold": 0.5,
        "pairs": [
            {
                "other": "sub-1",
                "other_label": "Ann",
                "score": 0.833,
                "fragments": [
                    {
                        "file": "b.py",
                        "lines": [1, 38],
                        "other_file": "a.py",
                        "other_lines": [3, 40],
                        "excerpt": "def f():\n    return 1",
                    }
                ],
            },
            {
                "other": "reference:careful",
                "other_label": "reference:careful",
                "score": 0.7,
                "fragments": [],
            },
        ],
    }
    assert sorted(p.name for p in tmp_path.iterdir()) == ["result.json", "similarity.json"]


def test_this_side_given_or_from_the_folder_name(tmp_path: Path) -> None:
    given = json.loads(write_similarity(tmp_path, [PAIR], {}, 0.5, this="sub-1").read_text())
    assert given["pairs"][0]["other"] == "sub-2"
    assert given["pairs"][0]["fragments"][0]["file"] == "a.py"
    folder = tmp_path / "sub-2"
    named = json.loads(write_similarity(folder, [PAIR], {}, 0.5).read_text())
    assert named["pairs"][0]["other"] == "sub-1"
    empty = json.loads(write_similarity(tmp_path, [], {}, 0.5).read_text())
    assert empty["pairs"] == []
