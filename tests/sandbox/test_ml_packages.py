"""The gradient-boosting libraries candidates reach for train and predict in the real sandbox,
and the base image holds the system libraries they need, however it was made.

Each case is a small submission whose `requirements.txt` names one library (lightgbm, which
needs the base image's libgomp1; xgboost-cpu; catboost) and whose train and predict use it
for real on the customer-churn public data. The wheels are cached on the host and the layer
by its requirements' hash, so only the first run downloads and builds (about a minute each);
the layers are kept for that reason (`grade sandbox clean` removes them). The base's tag
names its package list, so a base made before libgomp1 was added is never taken for it."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest
from docker.errors import ContainerError, ImageNotFound

from harness.sandbox import doctor, image

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "challenges" / "customer-churn" / "public" / "data"
GRADE = Path(sys.executable).with_name("grade")
RUN_TIMEOUT_S = 1200

ASSESSMENT = """\
[submission]
challenge = "customer-churn"

[commands]
train   = "python train.py {data} {artifacts}"
predict = "python predict.py {artifacts} {input} {output}"

[estimate]
metric = "roc_auc"
value  = 0.7
method = "training fit only"
"""

TRAIN = """\
import sys
import joblib
import pandas as pd
from model import LIBRARY, new_model

frame = pd.read_csv(sys.argv[1] + "/train.csv")
features = frame.drop(columns=["customer_id", "churned"]).select_dtypes("number")
model = new_model().fit(features.fillna(-1), frame["churned"])
joblib.dump((list(features.columns), model), sys.argv[2] + "/model.joblib")
print(f"trained {type(model).__name__} of {LIBRARY.__name__} {LIBRARY.__version__}")
"""

PREDICT = """\
import sys
import joblib
import pandas as pd

columns, model = joblib.load(sys.argv[1] + "/model.joblib")
frame = pd.read_csv(sys.argv[2])
probability = model.predict_proba(frame[columns].fillna(-1))[:, 1]
pd.DataFrame({
    "customer_id": frame["customer_id"],
    "prediction": (probability >= 0.5).astype(int),
    "probability": probability,
}).to_csv(sys.argv[3], index=False)
print(f"{len(set(probability.round(6)))} distinct probabilities")
"""

MODELS = {
    "lightgbm": (
        "lightgbm==4.7.0",
        "import lightgbm as LIBRARY\n"
        "def new_model():\n"
        "    return LIBRARY.LGBMClassifier(n_estimators=40, n_jobs=1, verbose=-1)\n",
    ),
    "xgboost": (
        "xgboost-cpu==3.2.0",
        "import xgboost as LIBRARY\n"
        "def new_model():\n"
        "    return LIBRARY.XGBClassifier(n_estimators=40, n_jobs=1)\n",
    ),
    "catboost": (
        "catboost==1.2.10",
        "import catboost as LIBRARY\n"
        "def new_model():\n"
        "    return LIBRARY.CatBoostClassifier(\n"
        "        iterations=40, thread_count=1, verbose=False, allow_writing_files=False\n"
        "    )\n",
    ),
}


def submission_zip(folder: Path, library: str) -> Path:
    requirement, model = MODELS[library]
    target = folder / f"{library}.zip"
    files = {
        "assessment.toml": ASSESSMENT,
        "requirements.txt": requirement + "\n",
        "model.py": model,
        "train.py": TRAIN,
        "predict.py": PREDICT,
    }
    with zipfile.ZipFile(target, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"{library}-submission/{name}", text)
    return target


def sandbox_run(zip_path: Path) -> dict[str, Any]:
    argv = [
        str(GRADE), "sandbox", "run", str(zip_path), "--data", str(DATA),
        "--features", str(DATA / "sample_features.csv"), "--json",
    ]  # fmt: skip
    done = subprocess.run(
        argv,
        capture_output=True,
        text=True,
        check=False,
        timeout=RUN_TIMEOUT_S,
        cwd=zip_path.parent,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, Any] = json.loads(done.stdout)
    return report


@pytest.mark.docker
@pytest.mark.parametrize("library", sorted(MODELS))
def test_the_library_trains_and_predicts_in_the_sandbox(
    tmp_path: Path, library: str, sandbox_image: str, no_leftovers: None
) -> None:
    report = sandbox_run(submission_zip(tmp_path, library))
    stages = report["stages"]
    verdicts = {name: stages[name]["verdict"] for name in ("install", "train", "predict")}
    assert verdicts == dict.fromkeys(verdicts, "ok"), json.dumps(stages, indent=1)[-4000:]
    assert f"of {library} " in stages["train"]["log_head"]
    distinct = int(stages["predict"]["log_head"].split(" distinct probabilities")[0].split()[-1])
    assert distinct > 1, "the model predicts one constant: it learned nothing"
    assert report["image"].startswith("grade-sub:")


# --- the base image -----------------------------------------------------------------------------


def _quiet(_message: str) -> None:
    pass


def _has_libgomp(client: Any, tag: str) -> bool:
    try:
        client.containers.run(
            tag, ["sh", "-c", "ldconfig -p | grep -q 'libgomp.so.1 '"], network_mode="none",
            remove=True,
        )  # fmt: skip
    except ContainerError:
        return False
    return True


def _remove(client: Any, tag: str) -> None:
    with contextlib.suppress(ImageNotFound):
        client.images.remove(tag, force=True)


def test_build_base_sh_prints_the_tag_the_harness_looks_for(tmp_path: Path) -> None:
    def print_tag(assets: Path) -> str:
        script = assets / image.BUILD_BASE_SCRIPT
        done = subprocess.run(
            ["bash", str(script), "--print-tag"], capture_output=True, text=True, check=True
        )
        return done.stdout.strip()

    assert print_tag(image.ASSETS) == image.BASE_TAG
    assets = tmp_path / "assets"
    shutil.copytree(image.ASSETS, assets)
    listing = "# a comment\npython3 python3-venv\n\npython3-pip  # why\nlibgomp1\nlibfoo1\n"
    (assets / image.BASE_PACKAGES).write_text(listing)
    changed = print_tag(assets)
    assert changed == image.base_tag_for(image.base_packages(listing)) != image.BASE_TAG
    assert image.base_packages(listing) == (
        "libfoo1", "libgomp1", "python3", "python3-pip", "python3-venv",
    )  # fmt: skip


@pytest.mark.docker
def test_doctor_says_a_base_of_another_package_list_is_not_the_current_one(
    docker_client: Any, sandbox_image: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(image.BASE_ENV, raising=False)
    current = image.BASE_TAG
    wanted = image.base_tag_for(("libgomp1", "libnew-in-this-list1", "python3"))
    monkeypatch.setattr(image, "BASE_TAG", wanted)
    found = {item.name: item for item in doctor.diagnose()}
    base = found["base image"]
    assert (base.ok, base.fix) == (False, doctor.BUILD)
    assert wanted in base.detail and current in base.detail
    assert "another package list" in base.detail
    assert not found["runtime image"].ok


@pytest.mark.docker
def test_a_base_made_on_a_pulled_image_gets_the_packages_with_apt(
    docker_client: Any, sandbox_image: str
) -> None:
    """The registry path (python:3.11-slim plus apt) on a parent without libgomp1: the
    current base with it removed stands in for the pulled image, which needs a registry."""
    suffix = uuid.uuid4().hex[:12]
    parent, made = f"grade-test-parent:{suffix}", f"grade-test-base:{suffix}"
    strip = f"FROM {image.ensure_base(docker_client)}\nRUN dpkg --purge libgomp1\n"
    try:
        docker_client.images.build(
            fileobj=io.BytesIO(strip.encode()), tag=parent, network_mode="none", rm=True,
            forcerm=True,
        )  # fmt: skip
        assert not _has_libgomp(docker_client, parent)
        parent_id = docker_client.images.get(parent).id
        made_id = image.build_base_on(docker_client, parent_id, _quiet, tag=made)
        assert docker_client.images.get(made).id == made_id
        assert _has_libgomp(docker_client, made)
    finally:
        _remove(docker_client, made)
        _remove(docker_client, parent)
