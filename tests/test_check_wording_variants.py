"""wording-variants: one thing under several names, and close wordings that may be aliases."""

from __future__ import annotations

from conftest import VOCABULARY, claim, findings_of, one_source

VOCAB = dict(
    VOCABULARY,
    entities=dict(
        VOCABULARY["entities"],
        convention={"name": "Hanoi Convention", "kind": "treaty",
                    "aliases": ["UN Convention against Cybercrime", "United Nations Convention on Countering Cybercrime"]},
    ),
    metrics=dict(VOCABULARY["metrics"], signed={"label": "signatories", "kind": "count", "time": "fixed"}),
)


def _claim(cid, quote):
    return claim(cid, "signed", 64, subject="convention", quote=quote)


def test_names_used_by_different_sources_are_listed(corpus):
    files = {
        "a.yaml": one_source("a", "2026-01-12", _claim("s", "64 countries signed the Hanoi Convention")),
        "b.yaml": one_source("b", "2026-01-30", _claim("s", "the UN Convention against Cybercrime drew 64 signatures")),
    }
    result = corpus(files, VOCAB)
    (finding,) = [f for f in findings_of(result, "wording-variants") if f.verdict == "variants"]
    assert '"Hanoi Convention" (a)' in finding.note and '"UN Convention against Cybercrime" (b)' in finding.note
    assert finding.severity == "info"
    assert findings_of(result, "value-conflict") == []


def test_spelling_that_folds_to_the_same_name_is_no_variant(corpus):
    files = {
        "a.yaml": one_source("a", "2026-01-12", _claim("s", "the Hanoi Convention")),
        "b.yaml": one_source("b", "2026-01-30", _claim("s", "the HANOI convention")),
    }
    assert findings_of(corpus(files, VOCAB), "wording-variants") == []


def test_close_wording_is_suggested_as_alias(corpus):
    files = {"a.yaml": one_source("a", "2026-01-12", _claim("s", "the UN Convention on Cybercrime drew 64"))}
    (finding,) = findings_of(corpus(files, VOCAB), "wording-variants")
    assert finding.verdict == "possible-alias" and '"UN Convention on Cybercrime"' in finding.message
    assert "aliases" in finding.hint


def test_unrelated_quote_suggests_nothing(corpus):
    files = {"a.yaml": one_source("a", "2026-01-12", _claim("s", "sixty-four countries put their names to it"))}
    assert findings_of(corpus(files, VOCAB), "wording-variants") == []


def test_one_close_wording_in_two_claims_gives_two_fingerprints(corpus):
    quote = "the UN Convention on Cybercrime drew 64"
    files = {"a.yaml": one_source("a", "2026-01-12", _claim("s", quote)),
             "b.yaml": one_source("b", "2026-01-30", _claim("s", quote))}
    found = findings_of(corpus(files, VOCAB), "wording-variants")
    assert [f.verdict for f in found] == ["possible-alias"] * 2 and found[0].message == found[1].message
    assert found[0].fingerprint != found[1].fingerprint
