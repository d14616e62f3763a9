#!/usr/bin/env bash
# start-engine.sh: the engine script ships inside the package (harness/sandbox/assets/), so a
# wheel install has it too; this runs it from a checkout, where README, CI and scripts call it.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../harness/sandbox/assets/start-engine.sh" "$@"
