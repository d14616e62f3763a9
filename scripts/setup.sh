#!/usr/bin/env bash
# Create .venv (Python >= 3.11) and install grade (the grade-takehome distribution, editable)
# into it, once per change of pyproject.toml.
# Usage: source scripts/setup.sh [EXTRAS]   e.g. `dev` for the test tools.
set -euo pipefail

grade_setup() {
    local extras="${1:-}" python="${PYTHON:-python3}" spec="." stamp
    if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "setup: grade needs Python 3.11 or newer; set PYTHON=/path/to/python3.11" >&2
        return 2
    fi
    [ -n "$extras" ] && spec=".[$extras]"
    stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
    # an install with the dev tools serves the plain one too
    if [ -f "$stamp-${extras:-base}" ] || { [ -z "$extras" ] && [ -f "$stamp-dev" ]; }; then
        return 0
    fi
    echo "setup: installing grade-takehome$([ -n "$extras" ] && echo " with $extras tools") into .venv (about a minute the first time)"
    [ -x .venv/bin/python ] || "$python" -m venv .venv
    # pip's and setuptools' chatter goes to a log, shown only when the install fails. The
    # package was called `grade` before it had a name of its own (grade-takehome): an old
    # install under that name is removed, or two distributions would claim `bin/grade`.
    if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
           { .venv/bin/python -m pip uninstall --disable-pip-version-check --yes grade || true; } &&
           .venv/bin/python -m pip install --disable-pip-version-check -e "$spec"; } \
           >.venv/install.log 2>&1; then
        tail -n 30 .venv/install.log >&2
        echo "setup: installing grade failed; the full log is .venv/install.log" >&2
        return 1
    fi
    rm -f .venv/.installed-*
    touch "$stamp-${extras:-base}"
}
