#!/usr/bin/env bash
# The main job, from a fresh clone: set up grade, make sure a Docker engine answers and the
# sandbox images are built, then grade the bundled example submission (the customer-churn
# challenge's careful reference) and print where its report is.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
grade_setup

if ! docker info >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "demo: no Docker engine answers; start one (as root: sudo bash sandbox/start-engine.sh), then rerun" >&2
        exit 2
    fi
    bash sandbox/start-engine.sh
fi
.venv/bin/grade sandbox build

example=challenges/customer-churn/reference/careful
zip=build/example-submission.zip
mkdir -p build
rm -f "$zip"
.venv/bin/python -c "import sys; from pathlib import Path; from harness.packing import zip_folder; zip_folder(Path(sys.argv[1]), Path(sys.argv[2]))" "$example" "$zip"
echo "demo: packed $example into $zip; grading it (about a minute)"
.venv/bin/grade "$zip" --out reports
