#!/usr/bin/env bash
# start-engine.sh: make a Docker engine available on this machine, idempotently.
#
# - If `docker info` already works, say so and exit 0.
# - Otherwise (root only): install docker.io / debootstrap with apt-get if
#   missing, start dockerd in the background (log: $DOCKERD_LOG), wait until
#   `docker info` answers (timeout: $DOCKERD_TIMEOUT seconds).
# - Never pulls an image.
#
# Environment overrides:
#   DOCKERD_LOG             dockerd log file   (default /var/log/dockerd-grade.log)
#   DOCKERD_TIMEOUT         seconds to wait    (default 60)
#   DOCKERD_STORAGE_DRIVER  e.g. vfs, if overlay2 does not work here (default: dockerd's choice)
#
# Exit codes: 0 engine ready, 1 engine failed to start, 2 not root / bad setup.
set -euo pipefail

readonly NAME="start-engine"
readonly DOCKERD_LOG="${DOCKERD_LOG:-/var/log/dockerd-grade.log}"
readonly DOCKERD_TIMEOUT="${DOCKERD_TIMEOUT:-60}"
readonly DOCKERD_STORAGE_DRIVER="${DOCKERD_STORAGE_DRIVER:-}"
readonly SOCKET="/var/run/docker.sock"

say() { printf '%s: %s\n' "${NAME}" "$*"; }
die() {
    local code="$1"
    shift
    printf '%s: ERROR: %s\n' "${NAME}" "$*" >&2
    exit "${code}"
}

# One-line summary of the engine, using whichever docker client is first on PATH.
engine_summary() {
    docker info --format \
        'server {{.ServerVersion}}, storage driver {{.Driver}}, cgroup v{{.CgroupVersion}} ({{.CgroupDriver}} driver)' \
        2>/dev/null
}

# Client and server versions in one line (client = first docker on PATH).
version_summary() {
    docker version --format \
        'client {{.Client.Version}} (API {{.Client.APIVersion}}, {{.Client.Os}}), server {{.Server.Version}} (API {{.Server.APIVersion}}, min {{.Server.MinAPIVersion}})' \
        2>/dev/null || true
}

# Last lines of the dockerd log, each prefixed so CI output stays attributable.
show_log() {
    tail -n 20 "${DOCKERD_LOG}" 2>/dev/null | sed "s/^/${NAME}: dockerd log: /" >&2 || true
}

engine_ready() {
    docker info >/dev/null 2>&1
}

# --- 1. Already running? --------------------------------------------------------
if command -v docker >/dev/null 2>&1 && engine_ready; then
    say "docker engine already running: $(engine_summary)"
    say "$(version_summary)"
    exit 0
fi

# The engine answers, but not to the docker client first on PATH (for example
# /usr/local/bin/docker newer than Debian's dockerd): say how to fix it.
client_mismatch() {
    local client
    client="$(command -v docker || true)"
    [[ -S "${SOCKET}" && -x /usr/bin/docker && "${client}" != /usr/bin/docker ]] &&
        ! docker info >/dev/null 2>&1 && /usr/bin/docker info >/dev/null 2>&1
}
mismatch_hint() {
    local api err
    api="$(/usr/bin/docker version --format '{{.Server.APIVersion}}' 2>/dev/null || true)"
    err="$(docker version 2>&1 >/dev/null | grep -m1 -i 'error' || true)"
    die 1 "engine is up but '$(command -v docker || true)' cannot talk to it (${err}); use /usr/bin/docker (put /usr/bin first on PATH) or export DOCKER_API_VERSION=${api}"
}
if client_mismatch; then
    mismatch_hint
fi

# --- 2. Must be root from here on ------------------------------------------------
if [[ "${EUID}" -ne 0 ]]; then
    if [[ -S "${SOCKET}" && ! -w "${SOCKET}" ]]; then
        die 2 "dockerd is running but ${SOCKET} is not writable by $(id -un): run as root or add the user to the docker group"
    fi
    die 2 "docker engine is not reachable and starting it needs root: run it as root (sudo $0)"
fi

# --- 3. Install what is missing ----------------------------------------------------
missing=()
command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
if [[ "${#missing[@]}" -gt 0 ]]; then
    apt_log="/var/log/grade-apt-install.log"
    say "installing ${missing[*]} with apt-get (apt-get update first; log: ${apt_log})"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get update </dev/null >"${apt_log}" 2>&1; then
        tail -n 10 "${apt_log}" >&2 || true
        die 1 "apt-get update failed (see ${apt_log}); check /etc/apt/sources.list* and network access"
    fi
    if ! apt-get install -y --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${missing[@]}" </dev/null >>"${apt_log}" 2>&1; then
        tail -n 10 "${apt_log}" >&2 || true
        die 1 "apt-get install ${missing[*]} failed (see ${apt_log})"
    fi
    say "installed ${missing[*]}"
else
    say "dockerd and debootstrap already installed"
fi
command -v dockerd >/dev/null 2>&1 || die 1 "dockerd still not found on PATH after install"
command -v docker >/dev/null 2>&1 || die 1 "docker client not found on PATH after install"

# --- 4. Start dockerd unless one is already running -----------------------------------
if pgrep -x dockerd >/dev/null 2>&1; then
    say "dockerd already running (pid $(pgrep -x dockerd | head -n1)) but not answering yet; waiting for it"
else
    # A stale socket/pidfile from a killed dockerd makes the new one refuse to start.
    if [[ -S "${SOCKET}" ]]; then
        rm -f "${SOCKET}"
    fi
    rm -f /var/run/docker.pid
    # containerd is started by dockerd itself (managed mode) when no system
    # containerd runs; the Debian package's systemd units are not used here
    # because PID 1 may not be systemd.
    args=(--host "unix://${SOCKET}")
    if [[ -n "${DOCKERD_STORAGE_DRIVER}" ]]; then
        args+=(--storage-driver "${DOCKERD_STORAGE_DRIVER}")
    fi
    mkdir -p "$(dirname "${DOCKERD_LOG}")"
    say "starting dockerd in the background (log: ${DOCKERD_LOG})"
    nohup setsid dockerd "${args[@]}" >>"${DOCKERD_LOG}" 2>&1 </dev/null &
    disown || true
fi

# --- 5. Wait for the socket and `docker info` ------------------------------------------
say "waiting up to ${DOCKERD_TIMEOUT}s for the engine to answer"
deadline=$((SECONDS + DOCKERD_TIMEOUT))
until [[ -S "${SOCKET}" ]] && engine_ready; do
    if client_mismatch; then
        mismatch_hint
    fi
    if ((SECONDS >= deadline)); then
        say "engine did not answer within ${DOCKERD_TIMEOUT}s; last lines of ${DOCKERD_LOG}:" >&2
        show_log
        die 1 "dockerd failed to start (see ${DOCKERD_LOG}); if overlay2 is the problem, retry with DOCKERD_STORAGE_DRIVER=vfs"
    fi
    if ! pgrep -x dockerd >/dev/null 2>&1; then
        say "dockerd exited early; last lines of ${DOCKERD_LOG}:" >&2
        show_log
        die 1 "dockerd failed to start (see ${DOCKERD_LOG}); if overlay2 is the problem, retry with DOCKERD_STORAGE_DRIVER=vfs"
    fi
    sleep 1
done

say "docker engine ready after ${SECONDS}s: $(engine_summary)"
say "$(version_summary)"
