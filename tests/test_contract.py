"""`assessment.toml`: one folder per case under tests/data/contracts/.

Each case holds an `assessment.toml` and an `expected.txt`: `ok` for a valid contract, or
lines that must each appear in the one-line error. Adding a case is adding a folder.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.contract import load_contract, parse_contract
from harness.errors import ContractError

CASES = Path(__file__).parent / "data" / "contracts"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir()), ids=str)
def test_contract_case(case: str) -> None:
    folder = CASES / case
    expected = (folder / "expected.txt").read_text().strip().splitlines()
    if expected == ["ok"]:
        contract = load_contract(folder)
        assert contract.commands.train and contract.commands.predict
        return
    with pytest.raises(ContractError) as caught:
        load_contract(folder)
    line = caught.value.one_line()
    assert "\n" not in line
    for fragment in expected:
        assert fragment in line


def test_a_valid_contract_is_read_fully() -> None:
    contract = load_contract(CASES / "valid-full")
    assert contract.challenge == "customer-churn"
    assert contract.commands.serve == "python -m mymodel.serve --model {artifacts} --port {port}"
    assert contract.serve is not None and contract.serve.health == "/health"
    assert (contract.estimate.metric, contract.estimate.value) == ("roc_auc", 0.78)
    assert contract.estimate.method == "5-fold GroupKFold by customer_id"


def test_serve_without_a_serve_section_warns_and_uses_the_defaults() -> None:
    text = (CASES / "valid-full" / "assessment.toml").read_text()
    text = text.replace('[serve]\nhealth  = "/health"\npredict = "/predict"\n', "")
    contract = parse_contract(text.encode())
    assert contract.serve is not None and contract.serve.predict == "/predict"
    assert any("[serve] is not given" in warning for warning in contract.warnings)


def test_a_missing_contract_says_where_it_should_be(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match=r"has no assessment\.toml at its top level"):
        load_contract(tmp_path)


def test_a_nested_contract_says_where_it_was_found(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "assessment.toml").write_text("")
    with pytest.raises(ContractError, match="must be at the top of the zip, but it is at a/b/"):
        load_contract(tmp_path)


def test_a_contract_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(ContractError, match="is not UTF-8 text"):
        parse_contract(b'[submission]\nchallenge = "caf\xe9"\n')


def test_literal_braces_are_allowed_when_doubled() -> None:
    text = (CASES / "valid-minimal" / "assessment.toml").read_text()
    text = text.replace('"python train.py {data}', '"python train.py --opts {{}} {data}')
    assert "{{}}" in parse_contract(text.encode()).commands.train


def _with_train(train: str) -> bytes:
    text = (CASES / "valid-minimal" / "assessment.toml").read_text()
    old = next(line for line in text.splitlines() if line.startswith("train"))
    return text.replace(old, f"train = {train!r}").encode()


@pytest.mark.parametrize(
    ("train", "written"),
    [
        ("python t.py {data:d}", "{data:d}"),
        ("python t.py {data!r}", "{data!r}"),
        ("python t.py {data!x}", "{data!x}"),
        ("python t.py {data!r:>3}", "{data!r:>3}"),
        ("python t.py {data:{artifacts}}", "{data:{artifacts}}"),
    ],
)
def test_a_placeholder_with_a_format_spec_or_conversion_is_refused(
    train: str, written: str
) -> None:
    with pytest.raises(ContractError) as caught:
        parse_contract(_with_train(train))
    line = caught.value.one_line()
    assert f"[commands] train writes {written}: placeholders take no format spec" in line
    assert "write {data}" in line
    assert "does not use {data}" not in line  # the placeholder is named once, not twice


def test_a_huge_format_spec_is_shortened_in_the_message() -> None:
    with pytest.raises(ContractError) as caught:
        parse_contract(_with_train("python t.py {data:>" + "9" * 5000 + "}"))
    line = caught.value.one_line()
    assert "[commands] train writes {data:>999" in line and "write {data}" in line
    assert len(line) < 400


@pytest.mark.parametrize("train", ["python t.py {} {data}", "python t.py {0} {data}"])
def test_a_nameless_or_positional_placeholder_is_refused(train: str) -> None:
    with pytest.raises(ContractError, match="which is not a placeholder"):
        parse_contract(_with_train(train))


def _with_serve(health: str) -> bytes:
    text = (CASES / "valid-full" / "assessment.toml").read_text()
    return text.replace('health  = "/health"', f"health = {_toml_string(health)}").encode()


def _toml_string(value: str) -> str:
    escaped = "".join(
        c if c.isprintable() and c not in '"\\' else f"\\u{ord(c):04x}" for c in value
    )
    return f'"{escaped}"'


@pytest.mark.parametrize(
    "health",
    ["/health\r\nX: 1", "/health\n", "/he\x00alth", "/he\talth", "/he alth", "/\x7f", "/\u0085",
     "/\u202ehealth", "/h\u00e9alth", "health", "", "/a#b", "/a\\b", '/a"b', "/a<b>"],
)  # fmt: skip
def test_a_serve_path_with_a_control_or_unsafe_character_is_refused(health: str) -> None:
    with pytest.raises(ContractError) as caught:
        parse_contract(_with_serve(health))
    line = caught.value.one_line()
    assert '[serve] health must be a URL path: "/" then letters, digits and' in line
    assert 'e.g. "/health"' in line
    assert line.isprintable()


@pytest.mark.parametrize(
    "health", ["/", "/health", "/v1/health", "/api/health?deep=1", "/a%20b", "/~me/h-1_2.ok"]
)
def test_an_ordinary_serve_path_is_accepted(health: str) -> None:
    contract = parse_contract(_with_serve(health))
    assert contract.serve is not None and contract.serve.health == health
