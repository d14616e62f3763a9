#!/usr/bin/env bash
# The whole check, from a fresh clone: set up grade with its dev tools, then lint, type-check,
# run the test suite and the benchmarks' goals. Exits non-zero when anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/setup.sh
grade_setup dev

step() { echo; echo "== $*"; }
step "ruff check";   .venv/bin/ruff check .
step "ruff format";  .venv/bin/ruff format --check .
step "mypy";         .venv/bin/mypy
step "benchmarks";   .venv/bin/python bench/bench_intake.py
.venv/bin/python bench/bench_sandbox_build.py
.venv/bin/python bench/bench_statements.py
.venv/bin/python bench/bench_startup.py
.venv/bin/python bench/bench_memory.py
step "pytest";       .venv/bin/pytest "$@"
