#!/usr/bin/env bash
# build-base.sh: the base image's build script ships inside the package
# (harness/sandbox/assets/, beside the package list it reads); this runs it from a checkout.
exec bash "$(dirname "${BASH_SOURCE[0]}")/../harness/sandbox/assets/build-base.sh" "$@"
