#!/usr/bin/env bash
# The main job, from a fresh clone: set up grade, then run it on the bundled example
# submission. Grading lands in later work; until then this inspects the submission.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
grade_setup

example=challenges/customer-churn/reference/careful
zip=build/example-submission.zip
mkdir -p build
rm -f "$zip"
.venv/bin/python -c "import sys; from pathlib import Path; from harness.packing import zip_folder; zip_folder(Path(sys.argv[1]), Path(sys.argv[2]))" "$example" "$zip"
echo "demo: packed $example into $zip"
.venv/bin/grade inspect "$zip"
