#!/usr/bin/env bash
# The main job, from a fresh clone: set up grade, then run it on the bundled example
# submission. Grading lands in later work; until then this inspects the submission.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
grade_setup

example=examples/submissions/customer-churn
zip=build/example-submission.zip
mkdir -p build
rm -f "$zip"
.venv/bin/python - "$example" "$zip" <<'PY'
import sys, zipfile
from pathlib import Path
folder, target = Path(sys.argv[1]), sys.argv[2]
skip = {"__pycache__", ".pytest_cache", ".ruff_cache", ".venv"}
with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not skip & set(path.parts):
            archive.write(path, Path(folder.name) / path.relative_to(folder))
PY
echo "demo: packed $example into $zip"
.venv/bin/grade inspect "$zip"
