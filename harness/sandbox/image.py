"""The sandbox images: the base, the grading runtime, and a cached layer per submission.

This module pulls nothing (there may be no registry): the base image is present locally
(made by `grade sandbox build`, see setup.py, or named by `GRADE_BASE_IMAGE`). The runtime
(`assets/Dockerfile`) and a submission's own requirements (`assets/requirements.Dockerfile`)
are installed from wheels the host downloads first, so every build runs with no network.
What the builds read ships inside the package (`harness/sandbox/assets/`, package data), so
an install from the wheel builds the same images as a checkout. Tags are content hashes: the
base's of its package list, the runtime's of the base and its files, a layer's of the
runtime and the requirements; an image whose tag exists is reused as it is, without pip or a
build. Harnesses on one machine build one tag at a time (a file lock per tag): two builds of
the same tag would both finish, and the first one's image would be left untagged.

The host's pip only ever sees binary wheels for the image's platform (`--only-binary`), so
nothing from a submission runs on the host; a submission's requirements are reduced to plain
requirements by name before pip reads them (no options, no URLs, no paths), and pip runs
in an empty folder, so no name can be taken for a file of the host's.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import docker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import InvalidWheelFilename, canonicalize_name, parse_wheel_filename

from harness.errors import SandboxError
from harness.sandbox.docker import (
    DOCTOR_HINT,
    BuildStepError,
    build_image,
    connect,
    find_image,
    new_build_id,
    prune_build,
)
from harness.sandbox.leftovers import owned_temp_dir

ASSETS = Path(__file__).resolve().parent / "assets"
"""The image files, package data: found the same way in a checkout and in a wheel."""
BASE_REPOSITORY = "grade-base"
BASE_SUITE = "bookworm"
BASE_PACKAGES = "base-packages.txt"
BASE_ENV = "GRADE_BASE_IMAGE"
RUNTIME_REPOSITORY = "grade-runtime"
SUBMISSION_REPOSITORY = "grade-sub"
RUNTIME_DOCKERFILE = "Dockerfile"
RUNTIME_REQUIREMENTS = "runtime-requirements.txt"
TIKTOKEN_SCRIPT = "tiktoken_cache.py"
RUNTIME_CONTEXT = (RUNTIME_REQUIREMENTS, TIKTOKEN_SCRIPT)
"""The files the runtime's Dockerfile copies from its build context (beside the wheels)."""
REQUIREMENTS_DOCKERFILE = "requirements.Dockerfile"
BASE_DOCKERFILE = "base.Dockerfile"
BUILD_BASE_SCRIPT = "build-base.sh"
START_ENGINE_SCRIPT = "start-engine.sh"
BASE_HINT = (
    "run `grade sandbox build` (where no registry answers it builds the base from Debian "
    "packages, as root)"
)
PIP_TIMEOUT_S = 1800.0
LOG_TAIL_BYTES = 4096

IMAGE_GLIBC_MINOR = 36
"""glibc 2.36 (Debian bookworm, the base): the newest manylinux tag the image can run."""
WHEEL_PLATFORMS = (
    *(f"manylinux_2_{minor}_x86_64" for minor in range(IMAGE_GLIBC_MINOR, 4, -1)),
    "manylinux2014_x86_64",  # pip adds manylinux2010 and manylinux1 to this one itself
)
"""pip does not widen `manylinux_2_X` to older glibcs by itself, so every one is named."""
PIP_TARGET = (
    "--only-binary=:all:",
    *(f"--platform={platform}" for platform in WHEEL_PLATFORMS),
    "--python-version=3.11",
    "--implementation=cp",
    "--abi=cp311",  # pure `none-any` and `abi3` wheels stay allowed
)

Progress = Callable[[str], None]
_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


@dataclass(frozen=True)
class BuiltImage:
    """The grading runtime image, ready to run."""

    tag: str
    image_id: str
    reused: bool
    """True when the tag already existed and nothing was built."""


@dataclass(frozen=True)
class InstallOutcome:
    """How installing a submission's own requirements went: a result, never an exception."""

    ok: bool
    tag: str | None
    """The image to run the submission in; None when the install failed."""
    image_id: str | None
    log: str
    """pip's own output (its last 4 KB), or why the requirements were refused."""
    duration_s: float
    reused: bool
    """True when an image for the same requirements and runtime already existed."""


class WheelFetchError(SandboxError):
    """pip could not download wheels for every requirement; `pip_log` says why."""

    def __init__(self, message: str, pip_log: str) -> None:
        super().__init__(
            message, hint="every requirement needs a wheel for CPython 3.11 on x86_64 Linux"
        )
        self.pip_log = pip_log


# --- tags -------------------------------------------------------------------------------------


def sandbox_dir() -> Path:
    """The folder of the image files (`harness/sandbox/assets/`), checked complete: a broken
    install says which file it lacks instead of failing half-way through a build."""
    names = (
        RUNTIME_DOCKERFILE, *RUNTIME_CONTEXT, REQUIREMENTS_DOCKERFILE, BASE_PACKAGES,
        BASE_DOCKERFILE, BUILD_BASE_SCRIPT,
    )  # fmt: skip
    for name in names:
        if not (ASSETS / name).is_file():
            raise SandboxError(
                f"{ASSETS / name} is missing",
                hint="reinstall grade: its sandbox files ship inside the package",
            )
    return ASSETS


def base_packages(text: str) -> tuple[str, ...]:
    """The Debian package names of a base-packages.txt: one a word, `#` comments dropped,
    sorted and without repeats, as build-base.sh reads them."""
    names = {word for line in text.splitlines() for word in line.split("#", 1)[0].split()}
    return tuple(sorted(names))


def base_tag_for(packages: tuple[str, ...]) -> str:
    """`grade-base:bookworm-<12 hex>`, the hex a SHA-256 of the comma-joined package list
    (what `build-base.sh --print-tag` prints): a base missing a package has another tag."""
    digest = hashlib.sha256(",".join(packages).encode()).hexdigest()[:12]
    return f"{BASE_REPOSITORY}:{BASE_SUITE}-{digest}"


BASE_TAG = base_tag_for(base_packages((ASSETS / BASE_PACKAGES).read_text()))
"""The base image this package's runtime is built on."""


def runtime_tag(client: docker.DockerClient | None = None) -> str:
    """`grade-runtime:<12 hex>` for the base image present now and this package's files."""
    return runtime_tag_for(ensure_base(client or connect()), sandbox_dir())


def runtime_tag_for(base_id: str, sandbox: Path) -> str:
    """The runtime tag as a pure function of the base image id and the runtime's files."""
    digest = hashlib.sha256(base_id.encode())
    for name in (RUNTIME_DOCKERFILE, *RUNTIME_CONTEXT):
        digest.update(b"\0" + (sandbox / name).read_bytes())
    return f"{RUNTIME_REPOSITORY}:{digest.hexdigest()[:12]}"


def current_images(client: docker.DockerClient) -> set[str]:
    """The tags `grade sandbox clean` keeps: the runtime this package builds and its base
    (one built on a pulled image carries the harness's label too), if any."""
    try:
        return {runtime_tag(client), BASE_TAG}
    except SandboxError:
        return set()


def submission_tag(requirements: bytes, runtime: str) -> str:
    """`grade-sub:<16 hex>`, keyed by the submission's requirements and the runtime tag."""
    digest = hashlib.sha256(requirements + b"\0" + runtime.encode()).hexdigest()
    return f"{SUBMISSION_REPOSITORY}:{digest[:16]}"


# --- the base and the runtime -------------------------------------------------------------------


def ensure_base(client: docker.DockerClient) -> str:
    """The base image's id: `GRADE_BASE_IMAGE` if set, else BASE_TAG. Never pulls."""
    wanted = os.environ.get(BASE_ENV, "").strip() or BASE_TAG
    image_id = find_image(client, wanted)
    if image_id is None:
        if wanted != BASE_TAG:
            raise SandboxError(
                f"the base image {wanted} named by {BASE_ENV} is not present locally",
                hint=f"load or build it first, or unset {BASE_ENV} and {BASE_HINT}",
            )
        raise SandboxError(f"the base image {BASE_TAG} is not present", hint=BASE_HINT)
    return image_id


def build_runtime(client: docker.DockerClient, progress: Progress) -> BuiltImage:
    """The grading runtime image, built only when no image has its tag yet."""
    sandbox = sandbox_dir()
    base_id = ensure_base(client)
    tag = runtime_tag_for(base_id, sandbox)
    existing = find_image(client, tag)
    if existing is None:
        with build_lock(tag, progress):
            existing = find_image(client, tag)  # another harness may have built it meanwhile
            if existing is None:
                return _build_runtime(client, sandbox, base_id, tag, progress)
    return BuiltImage(tag=tag, image_id=existing, reused=True)


def _build_runtime(
    client: docker.DockerClient, sandbox: Path, base_id: str, tag: str, progress: Progress
) -> BuiltImage:
    with owned_temp_dir("grade-runtime-") as context:
        for name in RUNTIME_CONTEXT:
            shutil.copy2(sandbox / name, context / name)
        progress(f"downloading the runtime's wheels ({RUNTIME_REQUIREMENTS})")
        fetch_wheels(sandbox / RUNTIME_REQUIREMENTS, context / "wheelhouse")
        progress(f"building {tag} from {base_id[:19]} with no network (about a minute)")
        dockerfile = (sandbox / RUNTIME_DOCKERFILE).read_text()
        image_id, _log = _build(client, context, dockerfile, tag, BASE=base_id)
    progress(f"built {tag}")
    return BuiltImage(tag=tag, image_id=image_id, reused=False)


def build_base_on(
    client: docker.DockerClient, parent_id: str, progress: Progress, tag: str = BASE_TAG
) -> str:
    """The base (`tag`) made from a pulled Debian-based Python image (`assets/base.Dockerfile`):
    the packages of base-packages.txt added with apt, so it holds what a debootstrapped base
    holds. The one build with network: apt reaches the Debian mirror the parent names."""
    sandbox = sandbox_dir()
    with owned_temp_dir("grade-base-") as context:
        shutil.copy2(sandbox / BASE_PACKAGES, context / BASE_PACKAGES)
        progress(f"building {tag} on {parent_id[:19]}: apt-get install {BASE_PACKAGES}")
        dockerfile = (sandbox / BASE_DOCKERFILE).read_text()
        image_id, _log = _build(client, context, dockerfile, tag, "default", FROM=parent_id)
    return image_id


def _build(
    client: docker.DockerClient, context: Path, dockerfile: str, tag: str,
    network: str = "none", **args: str,
) -> tuple[str, str]:  # fmt: skip
    """build_image with the Dockerfile's ARG defaults set to `args` (build_image takes no
    build args), then the removal of the untagged images the build left behind. The build
    id names this process, so a sweep can tell a dead build's images from a running one's."""
    build = new_build_id()
    for name, value in {**args, "BUILD": build}.items():
        dockerfile = _pin_arg(dockerfile, name, value)
    (context / "Dockerfile").write_text(dockerfile)
    labels = {"grade.image": tag.partition(":")[0]}
    try:
        return build_image(client, context, tag, labels, network=network)
    finally:
        prune_build(client, build)


@contextlib.contextmanager
def build_lock(tag: str, progress: Progress) -> Iterator[None]:
    """Hold the lock of `tag` (a file under `~/.cache/grade/locks/`) until the block ends;
    the lock goes with the process, however it ends. Says so when another harness holds it."""
    folder = _cache_root() / "grade" / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / f"{_UNSAFE.sub('_', tag)}.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            progress(f"waiting for another harness building {tag}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield  # closing the file releases the lock


def _pin_arg(dockerfile: str, name: str, value: str) -> str:
    prefix = f"ARG {name}="
    lines = dockerfile.splitlines()
    found = [i for i, line in enumerate(lines) if line.startswith(prefix)]
    if not found:
        raise SandboxError(f"a sandbox Dockerfile has no `{prefix}...` line")
    lines[found[0]] = prefix + value
    return "\n".join(lines) + "\n"


# --- wheels -------------------------------------------------------------------------------------


def fetch_wheels(requirements: Path, dest: Path) -> None:
    """Put wheels for `requirements` and their dependencies, for the image's platform, in
    `dest`. They are cached under `~/.cache/grade/wheels/`: the same file again downloads
    nothing. Raises WheelFetchError with pip's output when a requirement has no wheel."""
    cached = _wheel_cache(requirements.read_bytes())
    if not cached.is_dir():
        _download(requirements, cached)
    _link_wheels(cached.glob("*.whl"), dest)


def _wheel_cache(requirements: bytes) -> Path:
    key = hashlib.sha256(requirements + "\0".join(PIP_TARGET).encode()).hexdigest()[:16]
    return _cache_root() / "grade" / "wheels" / key


def _cache_root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


def _download(requirements: Path, cached: Path) -> None:
    """pip download into a scratch folder beside the cache entry, renamed into place only
    when complete, so an interrupted download is never taken for a cached one."""
    cached.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{cached.name}-", dir=cached.parent))
    try:
        _pip_download(requirements, scratch)
        try:
            scratch.rename(cached)
        except OSError:
            if not cached.is_dir():  # else another harness finished the same download first
                raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _pip_download(requirements: Path, dest: Path) -> None:
    argv = [
        sys.executable, "-m", "pip", "download", "--disable-pip-version-check", "--no-input",
        "--progress-bar=off", *PIP_TARGET, "--requirement", str(requirements.resolve()),
        "--dest", str(dest.resolve()),
    ]  # fmt: skip
    try:
        done = subprocess.run(
            argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=PIP_TIMEOUT_S,
            check=False, stdin=subprocess.DEVNULL, cwd=dest,
        )  # fmt: skip
    except subprocess.TimeoutExpired as err:
        raise SandboxError(
            f"pip download did not finish in {PIP_TIMEOUT_S:.0f}s",
            hint="check the host's access to PyPI",
        ) from err
    log = done.stdout.decode(errors="replace")
    if done.returncode != 0:
        raise WheelFetchError(f"pip download failed for {requirements.name}", _tail(log))


def _link_wheels(wheels: Iterable[Path], dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    for wheel in wheels:
        try:
            os.link(wheel, dest / wheel.name)
        except OSError:  # another filesystem
            shutil.copy2(wheel, dest / wheel.name)


def _tail(log: str) -> str:
    """The last 4 KB of a log, without the colour codes the builder wraps stderr in."""
    data = _ANSI.sub("", log).encode()
    return data[-LOG_TAIL_BYTES:].decode(errors="replace")


# --- a submission's own requirements ----------------------------------------------------------


def build_requirements_layer(
    client: docker.DockerClient, runtime_tag: str, requirements: Path, progress: Progress
) -> InstallOutcome:
    """The runtime plus a submission's requirements, as an image cached by their hash. A
    requirement pip cannot install is an outcome with pip's own message, not an exception;
    the engine failing the build (a step killed, the engine refusing or gone) raises a
    SandboxError that says so: the submission is not to blame for it."""
    started = time.monotonic()
    runtime_id = find_image(client, runtime_tag)
    if runtime_id is None:
        raise SandboxError(f"the runtime image {runtime_tag} is not present", hint=DOCTOR_HINT)
    raw = requirements.read_bytes()
    tag = submission_tag(raw, runtime_tag)
    existing = find_image(client, tag)
    if existing is not None:
        return _installed(started, tag, existing, "", reused=True)
    plain = plain_requirements(raw.decode(errors="replace"))
    notes = "".join(f"{line}\n" for line in plain.ignored)
    if plain.refused:
        return _not_installed(started, notes + "\n".join(plain.refused))
    if not plain.kept:
        return _installed(started, runtime_tag, runtime_id, notes + "nothing to install\n", True)
    layer = _Layer(runtime_tag, runtime_id, tag, plain.kept, notes, requirements.name)
    with build_lock(tag, progress):
        existing = find_image(client, tag)  # another harness may have built it meanwhile
        if existing is not None:
            return _installed(started, tag, existing, notes, reused=True)
        return _build_layer(client, layer, started, progress)


@dataclass(frozen=True)
class _Layer:
    """What one submission layer is built from."""

    runtime_tag: str
    runtime_id: str
    tag: str
    kept: tuple[str, ...]
    notes: str
    name: str


def _build_layer(
    client: docker.DockerClient, layer: _Layer, started: float, progress: Progress
) -> InstallOutcome:
    pins = _runtime_pins(client, layer.runtime_tag)
    with owned_temp_dir("grade-sub-") as context:
        (context / "requirements.txt").write_text("".join(f"{line}\n" for line in layer.kept))
        progress(f"downloading wheels for {layer.name}")
        try:
            fetch_wheels(context / "requirements.txt", context / "wheelhouse")
        except WheelFetchError as err:
            return _not_installed(started, layer.notes + err.pip_log)
        _drop_installed(context / "wheelhouse", pins)
        progress(f"building {layer.tag} on {layer.runtime_tag} with no network")
        dockerfile = (sandbox_dir() / REQUIREMENTS_DOCKERFILE).read_text()
        try:
            image_id, log = _build(client, context, dockerfile, layer.tag, RUNTIME=layer.runtime_id)
        except BuildStepError as err:  # pip ran and failed: its own message
            return _not_installed(started, layer.notes + err.log)
        except SandboxError as err:
            raise SandboxError(
                f"the Docker engine failed while installing {layer.name}, not pip: {err.message}",
                hint=DOCTOR_HINT,
            ) from err
    return _installed(started, layer.tag, image_id, layer.notes + log, reused=False)


def _installed(started: float, tag: str, image_id: str, log: str, reused: bool) -> InstallOutcome:
    return InstallOutcome(
        ok=True, tag=tag, image_id=image_id, log=_tail(log),
        duration_s=time.monotonic() - started, reused=reused,
    )  # fmt: skip


def _not_installed(started: float, log: str) -> InstallOutcome:
    return InstallOutcome(
        ok=False, tag=None, image_id=None, log=_tail(log),
        duration_s=time.monotonic() - started, reused=False,
    )  # fmt: skip


@dataclass(frozen=True)
class PlainRequirements:
    """A submission's requirements file reduced to what the host's pip may read."""

    kept: tuple[str, ...]
    """Plain requirements by name (extras, versions and markers allowed), normalised."""
    ignored: tuple[str, ...]
    """Why option lines (`-r`, `-e`, `--index-url`, ...) were left out."""
    refused: tuple[str, ...]
    """Why lines that name a URL or a path, or are not requirements, stop the install."""


def plain_requirements(text: str) -> PlainRequirements:
    """Only plain requirements reach pip: an option could point the host's pip at another
    index, a host file (`-r /etc/...`) or a source build; `${VAR}` would expand the host's
    environment into the log."""
    kept: list[str] = []
    ignored: list[str] = []
    refused: list[str] = []
    for number, line in _logical_lines(text):
        if line.startswith("-"):
            ignored.append(f"line {number}: ignored `{line[:80]}` (pip options are not used)")
            continue
        requirement = _requirement(line.split(" --", 1)[0].strip())  # drops `--hash=...`
        if requirement is None or requirement.url or "$" in line:
            refused.append(
                f"line {number}: `{line[:80]}` is not a requirement by name; the sandbox "
                "installs only wheels from the package index"
            )
        else:
            kept.append(str(requirement))
    return PlainRequirements(kept=tuple(kept), ignored=tuple(ignored), refused=tuple(refused))


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) with comments dropped and `\\` continuations joined."""
    lines: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        first, before = pending or (number, "")
        joined = f"{before} {line}".strip()
        if line.endswith("\\"):
            pending = (first, joined[:-1].strip())
            continue
        pending = None
        if joined:
            lines.append((first, joined))
    if pending and pending[1]:
        lines.append(pending)
    return lines


def _requirement(text: str) -> Requirement | None:
    try:
        return Requirement(text)
    except InvalidRequirement:
        return None


def _runtime_pins(client: docker.DockerClient, runtime_tag: str) -> dict[str, str]:
    """The exact versions installed in `runtime_tag` when it is this package's runtime (its
    tag hashes runtime-requirements.txt), else none: nothing is assumed of another one."""
    try:
        current = runtime_tag_for(ensure_base(client), sandbox_dir())
    except SandboxError:
        return {}
    if current != runtime_tag:
        return {}
    text = (sandbox_dir() / RUNTIME_REQUIREMENTS).read_text()
    pins: dict[str, str] = {}
    for _number, line in _logical_lines(text):
        requirement = _requirement(line)
        specs = list(requirement.specifier) if requirement else []
        if requirement and len(specs) == 1 and specs[0].operator == "==":
            pins[canonicalize_name(requirement.name)] = specs[0].version
    return pins


def _drop_installed(wheelhouse: Path, pins: dict[str, str]) -> None:
    """Remove the wheels of versions the runtime already has: pip keeps an installed
    version that satisfies a requirement, and the layer need not store them again."""
    for wheel in wheelhouse.glob("*.whl"):
        try:
            name, version, _build, _tags = parse_wheel_filename(wheel.name)
        except InvalidWheelFilename:
            continue
        if pins.get(name) == str(version):
            wheel.unlink()
