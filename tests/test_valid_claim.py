"""A claim made from a record without validating it again is the claim validation makes of the same data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from checker.corpus.records import dump, load_claim, read_file
from checker.formats.models import Claim, Derivation, Precision, Range, valid_claim

ROOT = Path(__file__).resolve().parent.parent


def _same(data: dict[str, Any]) -> None:
    """valid_claim(data) is what validation makes of it: the same values, of the same types, given the same way."""
    validated, made = Claim.model_validate(data), valid_claim(data)
    assert made == validated
    assert made.__pydantic_fields_set__ == validated.__pydantic_fields_set__
    assert list(made.__dict__) == list(validated.__dict__)
    for name, value in validated.__dict__.items():
        assert type(made.__dict__[name]) is type(value), name
    for nested in ("value", "derived"):
        if isinstance(validated.__dict__[nested], (Range, Derivation)):
            assert made.__dict__[nested].__pydantic_fields_set__ == validated.__dict__[nested].__pydantic_fields_set__
    assert made.model_dump_json() == validated.model_dump_json()
    assert repr(made) == repr(validated)


def _records(folder: Path) -> list[bytes]:
    written = []
    for path in sorted(folder.rglob("*.yaml")) + sorted(folder.rglob("*.jsonl")):
        for document in read_file(path, path.name).documents:
            written.extend(text for _, _, text, _ in document.claims)
    return written


@pytest.mark.parametrize("folder", ["claims", "examples"])
def test_every_claim_of_the_project_read_from_its_record_is_the_validated_claim(folder):
    written = _records(ROOT / folder)
    assert len(written) > 30  # the folder holds claims: the comparison is not empty
    for text in written:
        _same(load_claim(text))


_IDS = st.from_regex(r"[a-z0-9][a-z0-9_.-]{0,8}", fullmatch=True)
_TIMES = st.one_of(st.integers(1000, 9999), st.sampled_from(["2025", "2025-H1", "2025-06-30", "2025-10/2026-01"]))
_VALUES = st.one_of(
    st.booleans(),
    st.integers(-(10**30), 10**30),
    st.floats(-1e50, 1e50, allow_nan=False),
    st.text(min_size=0, max_size=5),
    st.lists(st.text(max_size=4), max_size=3),
    st.tuples(st.integers(-50, 50), st.one_of(st.integers(-50, 50), st.floats(-50, 50))).map(
        lambda ends: {"min": min(ends), "max": max(ends)}
    ),
)


@st.composite
def _claims(draw: st.DrawFn) -> dict[str, Any]:
    """Claim data with any of the format's keys, valid or not (the test keeps the valid)."""
    data: dict[str, Any] = {"id": draw(_IDS), "subject": "s", "metric": "m", "value": draw(_VALUES), "quote": "q"}
    optional = {
        "unit": st.sampled_from(["km", "billion USD"]),
        "precision": st.sampled_from([p.value for p in Precision]),
        "as_of": _TIMES,
        "period": _TIMES,
        "since": _TIMES,
        "to_date": st.booleans(),
        "scope": st.dictionaries(_IDS, _IDS, max_size=2),
        "complete": st.booleans(),
        "qualifier": _IDS,
        "origin": _IDS,
        "derived": st.fixed_dictionaries({"how": st.just("a + b")}, optional={"from": st.lists(_IDS, max_size=2)}),
        "note": st.text(max_size=5),
    }
    for key in draw(st.sets(st.sampled_from(sorted(optional)))):
        data[key] = draw(optional[key])
    return data


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(_claims())
def test_any_valid_claim_made_from_its_record_is_the_validated_claim(data):
    try:
        Claim.model_validate(data)
    except ValidationError:
        assume(False)
    _same(load_claim(dump(data)))


def test_the_claim_builder_knows_every_field_of_the_formats_it_builds():
    # a field added to these models must be taught to valid_claim (a default made by a factory, a nested model)
    assert list(Claim.model_fields) == [
        "id", "subject", "metric", "value", "unit", "precision", "as_of", "period", "since", "to_date", "scope",
        "complete", "qualifier", "quote", "origin", "derived", "note",
    ]  # fmt: skip
    assert [n for n, f in Claim.model_fields.items() if f.default_factory is not None] == ["scope"]
    assert list(Range.model_fields) == ["min", "max"]
    assert list(Derivation.model_fields) == ["from_", "how"]


@pytest.mark.parametrize("value", [10**30, -(2**63) - 1, 2**64, {"min": 2**70, "max": 2**71}, 1e30])
def test_a_number_beyond_64_bits_comes_back_from_a_record_as_it_was_written(value):
    data = {"id": "c", "subject": "s", "metric": "m", "value": value, "quote": "q"}
    made = valid_claim(load_claim(dump(data))).value
    assert made == Claim.model_validate(data).value
    assert type(made) is type(Claim.model_validate(data).value)
    if isinstance(value, dict):
        assert (type(made.min), made.min, made.max) == (int, 2**70, 2**71)


@pytest.mark.parametrize(
    "damaged",
    [
        {"id": "c"},
        {"id": "c", "subject": "s", "metric": "m", "value": 1, "quote": "q", "precision": "roughly"},
        {"id": "c", "subject": "s", "metric": "m", "value": {"min": 1}, "quote": "q"},
        {"id": "c", "subject": "s", "metric": "m", "value": 1, "quote": "q", "derived": ["a"]},
        [1, 2],
        "claim",
    ],
)
def test_data_not_shaped_like_a_claim_is_refused_not_made(damaged):
    with pytest.raises((KeyError, ValueError, TypeError)):
        valid_claim(damaged)


@pytest.mark.parametrize("written", [b"[1, 2]", b'"claim"', b'{"id": "c"}', b"{"])
def test_a_record_whose_claim_cannot_be_made_gives_a_finding_and_the_other_claims_are_resolved(written):
    from checker.corpus.records import DocumentRecord
    from checker.corpus.resolver import Resolver, resolve_documents
    from checker.vocabulary.rules import load_vocabulary

    vocabulary, problems = load_vocabulary(ROOT / "rules")
    assert not problems
    good = {"id": "ok", "subject": "vietnam", "metric": "comprehensive_strategic_partners", "value": 14,
            "as_of": "2025-12-31", "quote": "14 comprehensive strategic partners"}  # fmt: skip
    source = {"id": "s", "title": "T", "publisher": "P", "kind": "news-report", "published": "2026-01-10"}
    record = DocumentRecord(
        "s.yaml", "s.yaml", source, {}, ((0, "vietnam", written, b"[]"), (1, "vietnam", dump(good), b"[]"))
    )
    claims, findings = resolve_documents([(record, record.claims)], Resolver(vocabulary))
    assert [claim.claim.id for claim in claims] == ["ok"]
    assert [finding.message for _, finding in findings] == ["claim could not be read again"]
