"""A stage runner whose set-up fails part-way removes what it had made already."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from docker.errors import NotFound

from harness.contract import load_contract
from harness.sandbox.stages import StageInputs, StageRunner

ADVERSARIAL = Path(__file__).resolve().parents[1] / "adversarial"


@pytest.mark.docker
def test_a_keeper_that_cannot_start_leaves_no_volume(
    tmp_path: Path, docker_client: Any, no_leftovers: None
) -> None:
    submission = ADVERSARIAL / "label-snooping" / "submission"
    inputs = StageInputs(
        submission=submission,
        data=ADVERSARIAL / "_data" / "public",
        features=ADVERSARIAL / "_data" / "public" / "features.csv",
        contract=load_contract(submission),
        image="grade-no-such-image:never",
    )
    runner = StageRunner(docker_client, inputs, None, tmp_path)
    with pytest.raises(Exception), runner:  # noqa: B017  (the engine's own error)
        pass
    for name in (runner.artifacts, runner.output):
        with pytest.raises(NotFound):
            docker_client.volumes.get(name)
