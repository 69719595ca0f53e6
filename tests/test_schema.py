"""The published JSON Schemas are current and agree with the pydantic models."""

from __future__ import annotations

import copy
from typing import Any, Iterator

import jsonschema
import pytest
from pydantic import ValidationError

from checker.formats.models import ClaimFile, RulesFile
from checker.formats.schema import SCHEMAS, build_schema, published_schema

VALID_CLAIMS: dict[str, Any] = {
    "source": {
        "id": "src",
        "title": "T",
        "publisher": "P",
        "kind": "news-report",
        "published": "2026-01-12",
        "origin": "vns",
        "archive": "../a.txt",
    },
    "claims": [
        {
            "id": "c1",
            "subject": "vietnam",
            "metric": "partners",
            "value": 14,
            "precision": "nearly",
            "as_of": "2025-12-31",
            "scope": {"stage": "in-force"},
            "quote": "q",
            "derived": {"from": ["c0"], "how": "x"},
        },
        {"id": "c2", "subject": "v", "metric": "m", "value": {"min": 1, "max": 2}, "period": 2025, "quote": "q"},
        {"id": "c3", "subject": "v", "metric": "m", "value": ["a", "b"], "complete": True, "quote": "q"},
    ],
}
VALID_UNDATED = copy.deepcopy(VALID_CLAIMS)
del VALID_UNDATED["source"]["published"]
VALID_UNDATED["source"]["undated"] = {"estimate": "2025-10/2026-01", "argument": "a"}

VALID_RULES: dict[str, Any] = {
    "metrics": {
        "partners": {
            "label": "l",
            "kind": "count",
            "time": "stock",
            "trend": "non-decreasing",
            "tolerance": 0.1,
            "aliases": ["x"],
            "scope": {"stage": {"values": ["a", "b"], "default": "a"}},
        }
    },
    "entities": {"vietnam": {"name": "Việt Nam", "kind": "country", "aliases": ["Viet Nam"]}},
    "checks": {"value-conflict": {"enabled": True, "severity": {"timing": "info"}, "options": {"tolerance": 0.2}}},
}

WRONG_VALUES = [None, 0, -1, 1.5, "x", "", True, [], ["x"], {}, {"x": 1}, "2025-13", "Bad Id"]


def mutations(document: Any, path: tuple = ()) -> Iterator[tuple[str, Any]]:
    """The document with one thing changed at a time: a key removed or added, a value replaced."""
    if isinstance(document, dict):
        yield "/".join(map(str, path)) + "+unknown", {**document, "unknown_key": 1}
        for key, value in document.items():
            without = {k: v for k, v in document.items() if k != key}
            yield "/".join(map(str, path + (key,))) + "-removed", without
            for label, changed in mutations(value, path + (key,)):
                yield label, {**document, key: changed}
    elif isinstance(document, list):
        yield "/".join(map(str, path)) + "=empty", []
        for index, value in enumerate(document):
            for label, changed in mutations(value, path + (index,)):
                yield label, document[:index] + [changed] + document[index + 1 :]
    for wrong in WRONG_VALUES:
        if wrong != document:
            yield "/".join(map(str, path)) + f"={wrong!r}", wrong


def _pydantic_accepts(model, document) -> bool:
    try:
        model.model_validate(document)
        return True
    except ValidationError:
        return False


# Rules the JSON Schema cannot express; pydantic enforces them and the docs say so.
SEMANTIC_ONLY = ("range max below min", "precision range without {min, max}", "a range with a precision word")
# mutations that break only those rules: a range's max set below its min, a scope default outside its values
SEMANTIC_MUTATIONS = {"claims/1/value/max=0", "claims/1/value/max=-1"} | {
    f"metrics/partners/scope/stage/{label}" for label in ("values/0='x'", "values/0='2025-13'", "values=['x']",
                                                         "default='x'", "default='2025-13'")
}


@pytest.mark.parametrize(
    "name, model, valid",
    [("claims", ClaimFile, VALID_CLAIMS), ("claims", ClaimFile, VALID_UNDATED), ("rules", RulesFile, VALID_RULES)],
    ids=["claims-dated", "claims-undated", "rules"],
)
def test_schema_and_models_agree(name, model, valid):
    validator = jsonschema.Draft7Validator(published_schema(name))
    assert validator.is_valid(valid) and _pydantic_accepts(model, valid)
    disagreements = []
    count = 0
    for label, document in mutations(valid):
        count += 1
        by_schema = validator.is_valid(document)
        by_model = _pydantic_accepts(model, document)
        if by_schema != by_model and not (label in SEMANTIC_MUTATIONS and by_schema and not by_model):
            disagreements.append((label, by_schema, by_model))
    assert count > 200
    assert disagreements == []


@pytest.mark.parametrize(
    "claim_value",
    [{"value": {"min": 3, "max": 1}}, {"value": 1, "precision": "range"}, {"value": {"min": 1, "max": 3}, "precision": "about"}],
    ids=list(SEMANTIC_ONLY),
)
def test_semantic_rules_beyond_the_schema(claim_value):
    document = copy.deepcopy(VALID_CLAIMS)
    document["claims"][0] = {k: v for k, v in document["claims"][0].items() if k != "precision"} | claim_value
    assert jsonschema.Draft7Validator(published_schema("claims")).is_valid(document)
    assert not _pydantic_accepts(ClaimFile, document)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_published_schema_is_current(name):
    """Regenerate with: claimcheck schema NAME > checker/formats/schemas/NAME.schema.json"""
    assert published_schema(name) == build_schema(name)


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_schema_is_draft_07(name):
    schema = published_schema(name)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    jsonschema.Draft7Validator.check_schema(schema)
    assert "$defs" not in str(schema)
