"""`grade challenge new ID --in DIR`: a new challenge folder to fill in, that already runs.

The scaffold is a working toy (a small classification generator with a planted leak, its
brief, trap and rubric) so the author starts from something `grade challenge validate` can
already read, and replaces it piece by piece. References are left for the author to write.
"""

from __future__ import annotations

import re
from pathlib import Path

from harness.challenges.generation import generate
from harness.challenges.model import REFERENCES, load_challenge
from harness.errors import HarnessError

ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TEMPLATE = Path(__file__).parent / "template"


def scaffold(challenge_id: str, parent: Path) -> list[Path]:
    """Create `parent/challenge_id/` from the template; never overwrite anything."""
    if not ID.match(challenge_id):
        raise HarnessError(
            f"{challenge_id!r} is not a challenge id",
            hint="use lower-case letters, digits and dashes, e.g. loan-default",
        )
    if not parent.is_dir():
        raise HarnessError(f"{parent}: no such folder", hint="create it, or pass another --in")
    target = parent / challenge_id
    if target.exists():
        raise HarnessError(f"{target}: already exists; nothing was changed")
    target.mkdir()
    for template in sorted(TEMPLATE.glob("*.tmpl")):
        text = template.read_text(encoding="utf-8").replace("CHALLENGE_ID", challenge_id)
        (target / template.name.removesuffix(".tmpl")).write_text(text, encoding="utf-8")
    for kind in REFERENCES:
        (target / "reference" / kind).mkdir(parents=True)
    generate(load_challenge(target), target)
    return sorted(p for p in target.rglob("*") if p.is_file())
