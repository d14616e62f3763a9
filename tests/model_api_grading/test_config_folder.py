"""The model API's config can be read from another folder than the challenge's: a
challenge's validation runs its references on a seed's generated data, whose canaries
and fault salt are that seed's own, not the committed data's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from harness.challenges.catalog import load_catalog
from harness.intake import intake
from harness.pipeline import model_api_config
from tests.model_api_grading import submissions
from tests.model_api_grading.challenge import CHALLENGE_ID, write_challenge

OTHER_CANARY = "someone.else.4471@example.org"


def test_the_config_of_a_seed_folder_carries_that_seed_s_canaries(tmp_path: Path) -> None:
    folder = write_challenge(tmp_path / "challenges")
    challenge = load_catalog([tmp_path / "challenges"]).get(CHALLENGE_ID)
    seeded = tmp_path / "seed-2"
    shutil.copytree(folder, seeded)
    private = seeded / "private" / "model_api.json"
    config = json.loads(private.read_text())
    private.write_text(json.dumps({**config, "canaries": [OTHER_CANARY], "fault_salt": "other"}))
    zipped = submissions.write_zip(tmp_path / "s.zip", "careful", CHALLENGE_ID)
    submission = intake(zipped, tmp_path / "unpacked")

    committed = model_api_config(submission, challenge)
    from_seed = model_api_config(submission, challenge, "graded", seeded)

    assert committed is not None and from_seed is not None
    assert OTHER_CANARY not in committed["canaries"]
    assert from_seed["canaries"] == [OTHER_CANARY]
    assert from_seed["faults"] != committed["faults"]  # the seed's own salt
