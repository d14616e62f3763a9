"""code.tests: tests call the submission's own code however they import it (`src.model`,
a src layout, a single script), and imports of libraries are never the submission's code."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.registry import REGISTRY
from harness.models import Finding
from harness.sandbox.stages import TestCounts as JUnitCounts
from tests.checks.cases import write_submission
from tests.checks.contexts import make_context

CONTRACT = """\
[submission]
challenge = "customer-churn"

[commands]
train   = "python -m src.train --data {data} --out {artifacts}"
predict = "python -m src.predict --model {artifacts} --input {input} --output {output}"
test    = "pytest -q"

[estimate]
metric = "roc_auc"
value  = 0.8
method = "5-fold stratified cross-validation"
"""
CODE = "def train(frame):\n    return frame\n\n\ndef clean(frame):\n    return frame\n"


def graded(root: Path, files: dict[str, str]) -> Finding:
    write_submission(root, {"assessment.toml": CONTRACT, **files})
    context = make_context(root, tests=JUnitCounts(2, 0, 0, 0))
    return REGISTRY["code.tests"].run(context)


@pytest.mark.parametrize(
    ("files", "test"),
    [
        (
            {"src/__init__.py": "", "src/model.py": CODE},
            "from src.model import train\n\ndef test_train():\n    assert train([1]) == [1]\n",
        ),
        (
            {"src/pipeline.py": CODE},
            "import src.pipeline as p\n\ndef test_clean():\n    assert p.clean([1]) == [1]\n",
        ),
        (
            {"src/churnkit/__init__.py": "", "src/churnkit/features.py": CODE},
            "from churnkit import features\n\n"
            "def test_clean():\n    assert features.clean([1]) == [1]\n",
        ),
        (
            {"churn_model.py": CODE},
            "import sys\nsys.path.insert(0, '.')\nimport churn_model\n\n"
            "def test_train():\n    assert churn_model.train([1]) == [1]\n",
        ),
        (
            {"app/scoring/model.py": CODE},
            "from scoring.model import clean\n\ndef test_clean():\n    assert clean([1]) == [1]\n",
        ),
    ],
    ids=["from-src-module", "import-src-as", "src-layout", "single-script", "nested-path"],
)
def test_tests_that_import_the_submission_call_its_code(
    files: dict[str, str], test: str, tmp_path: Path
) -> None:
    found = graded(tmp_path, {**files, "tests/test_it.py": test})
    assert "never call the submission's own code" not in found.message, found.message
    calls = [e.value for e in found.evidence if e.excerpt and "calls from the tests" in e.excerpt]
    assert calls and calls[0] == 1


def test_library_imports_are_not_the_submission_code(tmp_path: Path) -> None:
    test = (
        "import json\nimport pandas as pd\nfrom sklearn.linear_model import LogisticRegression\n\n"
        "def test_frame():\n    assert len(pd.DataFrame({'a': [1]})) == 1\n"
        "    assert json.loads('1') == 1\n    LogisticRegression().fit\n"
    )
    found = graded(tmp_path, {"src/model.py": CODE, "tests/test_it.py": test})
    assert "never call the submission's own code" in found.message
    assert found.score is not None and found.score <= 0.3


def test_a_module_named_like_the_standard_library_is_not_own_code(tmp_path: Path) -> None:
    test = "import logging\n\ndef test_log():\n    logging.getLogger('x').info('hi')\n"
    found = graded(tmp_path, {"logging.py": CODE, "tests/test_it.py": test})
    assert "never call the submission's own code" in found.message
