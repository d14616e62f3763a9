#!/usr/bin/env bash
# build-base.sh [--force] [--print-tag] [TAG]: build the grading base image locally,
# with no container registry: debootstrap a minimal Debian bookworm holding the
# packages of base-packages.txt (beside this script) and `docker import` it as TAG.
#
# - The default TAG is grade-base:bookworm-<12 hex>, the hex a SHA-256 of the package
#   list (names sorted, comma-separated): the tag harness/sandbox/image.py looks for,
#   so a changed list means a new base. --print-tag prints it and exits.
# - Idempotent: if TAG already exists, say so and exit 0 (unless --force).
# - The Debian mirror is taken from this machine's apt sources (override: MIRROR=...).
# - debootstrap output goes to $BUILD_LOG (default /var/log/grade-build-base.log).
# - Needs root, debootstrap and a running engine (run start-engine.sh first).
#
# Exit codes: 0 image ready, 1 build failed, 2 usage / missing prerequisite.
set -euo pipefail

readonly NAME="build-base"
readonly SUITE="bookworm"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE
readonly PACKAGE_LIST="${HERE}/base-packages.txt"
[[ -r "${PACKAGE_LIST}" ]] || { printf '%s: ERROR: %s is missing\n' build-base "${PACKAGE_LIST}" >&2; exit 2; }
# One name a word, comments dropped, sorted bytewise and comma-separated (debootstrap's form).
PACKAGES="$(sed -e 's/#.*//' "${PACKAGE_LIST}" | tr -s '[:space:]' '\n' | sed '/^$/d' | LC_ALL=C sort -u | paste -sd, -)"
readonly PACKAGES
DEFAULT_TAG="grade-base:${SUITE}-$(printf '%s' "${PACKAGES}" | sha256sum | cut -c1-12)"
readonly DEFAULT_TAG
readonly BUILD_LOG="${BUILD_LOG:-/var/log/grade-build-base.log}"

say() { printf '%s: %s\n' "${NAME}" "$*"; }
die() {
    local code="$1"
    shift
    printf '%s: ERROR: %s\n' "${NAME}" "$*" >&2
    exit "${code}"
}
usage() { printf 'usage: %s [--force] [--print-tag] [TAG]   (default TAG: %s)\n' "$0" "${DEFAULT_TAG}"; }

# --- arguments ---------------------------------------------------------------------
force=0
tag=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --force) force=1 ;;
        --print-tag)
            printf '%s\n' "${DEFAULT_TAG}"
            exit 0
            ;;
        -h | --help)
            usage
            exit 0
            ;;
        -*)
            usage >&2
            die 2 "unknown option: $1"
            ;;
        *)
            [[ -z "${tag}" ]] || die 2 "only one TAG may be given (got '${tag}' and '$1')"
            tag="$1"
            ;;
    esac
    shift
done
tag="${tag:-${DEFAULT_TAG}}"

# --- prerequisites -------------------------------------------------------------------
command -v docker >/dev/null 2>&1 || die 2 "docker client not found; run sandbox/start-engine.sh first"
docker info >/dev/null 2>&1 || die 2 "docker engine not reachable; run sandbox/start-engine.sh first"

old_id="$(docker image inspect --format '{{.Id}}' "${tag}" 2>/dev/null || true)"
if [[ -n "${old_id}" && "${force}" -eq 0 ]]; then
    say "image ${tag} already exists (${old_id:0:19}); nothing to do (use --force to rebuild)"
    exit 0
fi

[[ "${EUID}" -eq 0 ]] || die 2 "debootstrap needs root: run it as root (sudo $0)"
command -v debootstrap >/dev/null 2>&1 || die 2 "debootstrap not found; run sandbox/start-engine.sh (it installs it) or apt-get install debootstrap"

# First non-security Debian mirror that apt on this machine uses (deb822 and
# one-line formats), unless MIRROR is set.
find_mirror() {
    local files=()
    local f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f "${f}" ]] && files+=("${f}")
    done
    [[ "${#files[@]}" -gt 0 ]] || return 0
    awk '
        /^[[:space:]]*#/ { next }
        /^URIs:/ { for (i = 2; i <= NF; i++) print $i; next }
        /^deb[[:space:]]/ {
            for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/ && $i ~ /:\/\//) { print $i; break }
        }
    ' "${files[@]}" | grep -E '/debian/?$' | grep -v -- '-security' | head -n1 || true
}
mirror="${MIRROR:-$(find_mirror)}"
[[ -n "${mirror}" ]] || die 2 "no Debian mirror found in /etc/apt/sources.list*; set MIRROR=http://.../debian"

# --- temporary root filesystem, cleaned in a trap --------------------------------------
workdir="$(mktemp -d /var/tmp/grade-base.XXXXXX)"
rootfs="${workdir}/rootfs"
cleanup() {
    local m
    # debootstrap mounts proc/sys/dev/pts inside the target; an interrupted run
    # can leave them mounted, and rm -rf must never walk into them.
    if [[ -d "${workdir}" ]]; then
        while read -r m; do
            umount -l "${m}" 2>/dev/null || true
        done < <(awk -v d="${workdir}/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r)
        rm -rf --one-file-system "${workdir}"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

start=${SECONDS}
mkdir -p "$(dirname "${BUILD_LOG}")"
: >"${BUILD_LOG}"

say "step 1/4: debootstrap --variant=minbase ${SUITE} with ${PACKAGES} from ${mirror} (about 1 minute; log: ${BUILD_LOG})"
if ! debootstrap --variant=minbase --include="${PACKAGES}" "${SUITE}" "${rootfs}" "${mirror}" \
    >>"${BUILD_LOG}" 2>&1 </dev/null; then
    say "debootstrap failed; last lines of ${BUILD_LOG}:" >&2
    tail -n 15 "${BUILD_LOG}" >&2 || true
    die 1 "debootstrap failed after $((SECONDS - start))s"
fi

say "step 2/4: trimming apt caches and package lists from the root filesystem"
rm -rf "${rootfs}/var/cache/apt/archives/"*.deb "${rootfs}/var/cache/apt/"*.bin \
    "${rootfs}/var/lib/apt/lists/"* "${rootfs}/var/log/"*.log "${rootfs}/debootstrap"
printf 'grade-base %s built %s from %s with %s\n' "${SUITE}" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    "${mirror}" "${PACKAGES}" >"${rootfs}/etc/grade-base-release"

say "step 3/4: importing $(du -sh "${rootfs}" | cut -f1) root filesystem as ${tag}"
tar --numeric-owner -C "${rootfs}" -c . |
    docker import --change 'ENV LANG=C.UTF-8' --change 'CMD ["python3"]' - "${tag}" >/dev/null ||
    die 1 "docker import failed"

say "step 4/4: smoke test (python3 in ${tag}, no network, non-root)"
out="$(docker run --rm --network none --user 65534:65534 "${tag}" \
    python3 -c 'import sys, venv, pip; print(sys.version.split()[0])' 2>&1)" ||
    die 1 "smoke test failed: ${out}"

new_id="$(docker image inspect --format '{{.Id}}' "${tag}")"
if [[ -n "${old_id}" && "${old_id}" != "${new_id}" ]]; then
    if docker image rm "${old_id}" >/dev/null 2>&1; then
        say "removed the previous ${tag} image ${old_id:7:12}"
    else
        say "previous ${tag} image ${old_id:7:12} is still in use; left it in place"
    fi
fi

say "done in $((SECONDS - start))s: ${tag} ($(docker image inspect --format '{{.Size}}' "${tag}" | awk '{printf "%.0f MB", $1/1e6}'), python ${out})"
