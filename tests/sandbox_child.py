"""A harness process for the signal tests: runs a never-ending train stage until killed.

Run as `python -m tests.sandbox_child SUBMISSION DATA WORK IMAGE`; prints `running` once the
stage's container has started.
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

from harness.contract import load_contract
from harness.sandbox import docker as engine
from harness.sandbox.stages import StageInputs, stage_runner
from harness.signals import sigterm_unwinds


def _announce_when_running(client: Any) -> None:
    while not list(engine.live_containers(client)):
        time.sleep(0.1)
    time.sleep(0.5)
    print("running", flush=True)


def main() -> None:
    submission, data, work, image = (Path(arg) for arg in sys.argv[1:5])
    inputs = StageInputs(
        submission=submission,
        data=data,
        features=data / "features.csv",
        contract=load_contract(submission),
        image=str(image),
    )
    with sigterm_unwinds(), stage_runner(inputs, work) as runner:
        threading.Thread(target=_announce_when_running, args=(runner.client,), daemon=True).start()
        runner.train()


if __name__ == "__main__":
    main()
