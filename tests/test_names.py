"""names: "did you mean" comes from one bounded matcher, searched once per distinct unknown name."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rapidfuzz import process

import checker.model.names as names
from checker.model.names import NameIndex, did_you_mean, fold, suggestion

from conftest import VOCABULARY, claim, one_source

#: folded names and aliases of a vocabulary, to the ids they name
KNOWN = {
    fold(name): entity_id
    for entity_id, entity in VOCABULARY["entities"].items()
    for name in (entity_id, entity["name"], *entity.get("aliases", ()))
}


@pytest.fixture
def searches(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names the matcher searches for, in order."""
    searched: list[str] = []

    def extract(query: str, *args, **kwargs):
        searched.append(query)
        return process.extract(query, *args, **kwargs)

    monkeypatch.setattr(names, "process", SimpleNamespace(extract=extract))
    return searched


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Fredonia", ["freedonia"]),
        ("freedomia", ["freedonia"]),
        ("Sylvanya", ["sylvania"]),
        ("Rufus Firefly", ["rufus"]),  # diacritics folded away: the exact name, once
        ("Rufus Fireflies", ["rufus"]),
        ("Chicolinni", ["chicolini"]),
        ("Press ofice", ["press-office"]),
        ("Atlantis", []),
        ("", []),
    ],
)
def test_a_misspelt_name_gets_the_names_close_to_it(name: str, expected: list[str]):
    assert did_you_mean(name, KNOWN) == expected


def test_the_closest_comes_first_and_a_thing_is_named_once():
    index = NameIndex({"freedonia": "freedonia", "fredonia": "fredonia", "freedoniaisle": "freedonia"})
    assert index.close("fredoni") == ["fredonia", "freedonia"]
    assert index.close("fredoni", limit=1) == ["fredonia"]


def test_a_name_too_long_to_be_a_misspelling_is_not_compared(searches: list[str]):
    index = NameIndex(KNOWN)
    assert index.close("freedonia" * 1_000) == []
    assert searches == []


def test_each_distinct_name_is_searched_once(searches: list[str]):
    index = NameIndex(KNOWN)
    for _ in range(50):
        assert index.close("Fredonia") == ["freedonia"]
        assert index.close("FREDONIA!") == ["freedonia"]  # the same name, folded
        assert index.close("Sylvanya") == ["sylvania"]
    assert searches == ["fredonia", "sylvanya"]


def test_a_small_mapping_is_indexed_once(searches: list[str]):
    keys = {"failon": "fail-on", "severity": "severity"}
    assert [suggestion("fail_on", dict(keys)) for _ in range(3)] == ['did you mean "fail-on"?'] * 3
    assert searches == ["failon"]


def test_a_run_searches_once_per_misspelt_subject(corpus, searches: list[str]):
    claims = [claim(f"f{n}", "partners", n, subject="Fredonia") for n in range(30)]
    claims += [claim(f"s{n}", "partners", n, subject="Sylvanya") for n in range(10)]
    result = corpus({"a.yaml": one_source("a", "2025-07-01", *claims)})
    unknown = [f for f in result.findings if "unknown entity" in f.message]
    assert len(unknown) == 40
    assert all(f.hint in ('did you mean "freedonia"?', 'did you mean "sylvania"?') for f in unknown)
    assert sorted(searches) == ["fredonia", "sylvanya"]


def test_names_added_to_a_vocabulary_are_suggested():
    from checker.vocabulary.rules import Vocabulary

    vocabulary = Vocabulary(entity_names={"freedonia": "freedonia"})
    assert vocabulary.entity_hint("Sylvanya") == "declare it under `entities:` in a rules file"
    vocabulary.entity_names["sylvania"] = "sylvania"
    assert vocabulary.entity_hint("Sylvanya") == 'did you mean "sylvania"?'
