"""Property: whatever an entry is called, intake writes inside its target or refuses."""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.errors import IntakeError
from harness.intake import unpack
from tests.zipkit import tree

PIECES = st.sampled_from(["..", ".", "", "a", "b.py", "__MACOSX", "C:", "~", " ", "\\", "é"])
NAMES = st.one_of(
    st.lists(PIECES, min_size=1, max_size=6).map("/".join).filter(bool),
    st.text(alphabet=st.characters(blacklist_categories=["Cs"]), min_size=1, max_size=40),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(NAMES, min_size=1, max_size=4))
def test_any_entry_names_land_inside_the_target_or_are_refused(names: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        sandbox = base / "sandbox"
        sandbox.mkdir()
        zip_path = sandbox / "s.zip"
        with warnings.catch_warnings(), zipfile.ZipFile(zip_path, "w") as archive:
            warnings.simplefilter("ignore", UserWarning)
            for name in names:
                info = zipfile.ZipInfo("placeholder")
                info.filename = name  # as is: ZipInfo() would sanitise it
                archive.writestr(info, b"payload")
        try:
            unpacked = unpack(zip_path, sandbox / "out")
        except IntakeError as err:
            assert "\n" not in err.one_line()
            assert tree(base) == {"sandbox", "sandbox/s.zip"}
            return
        written = {p.relative_to(sandbox / "out").as_posix() for p in unpacked.root.rglob("*")}
        assert set(unpacked.files) <= written
        outside = tree(base) - {"sandbox", "sandbox/s.zip", "sandbox/out"}
        assert all(path.startswith("sandbox/out/") for path in outside)
        assert all(not p.is_symlink() for p in unpacked.root.rglob("*"))
