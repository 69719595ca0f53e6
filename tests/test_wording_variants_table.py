"""wording-variants on a table of claims finds what it finds subject by subject, in the cases its rules turn on."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_table_parity import _claims, _groups

from checker.checks import wording_variants
from checker.engine.table import ClaimsTable, load_polars
from checker.model.names import fold

from conftest import VOCABULARY, claim, one_source, write_corpus

VOCAB = {
    "metrics": {
        **VOCABULARY["metrics"],
        "signed": {"label": "signatories", "kind": "count", "time": "fixed"},
        "successor": {"label": "successor", "kind": "entity", "time": "fixed"},
        "flights": {"label": "passengers", "kind": "count", "time": "fixed", "open_subjects": True},
    },
    "entities": {
        **VOCABULARY["entities"],
        "freedonia": {"name": "Freedonia", "kind": "country", "aliases": ["Republic of Freedonia"]},
        "chicolini": {"name": "Chicolini", "kind": "person", "aliases": ["Signor Chicolini"]},
        "rufus": {"name": "Rufus Fíreflý", "kind": "person", "aliases": ["R. T. Firefly"]},
        "convention": {
            "name": "Hanoi Convention",
            "kind": "treaty",
            "aliases": ["UN Convention against Cybercrime", "Convention against Cybercrime"],
        },
        # tried longest first as written: the first folds shorter than the second, which holds it
        "abc": {"name": "A.B.C. Treaty!!", "kind": "treaty", "aliases": ["ABC Treaty Org"]},
    },
}


def _both_ways(tmp_path: Path, files: dict) -> list:
    """The findings of wording-variants on the table, after checking they are those of its check over each
    subject; as (subject, metric, problem), sorted."""
    claims, vocabulary, active = _claims(*write_corpus(tmp_path, files, VOCAB))
    (check,) = [c for c in active if c.id == wording_variants.ID]
    on_table = list(wording_variants.check_table(ClaimsTable.of(claims, vocabulary), check.options))
    by_group = [
        (group.subject, group.metric_id, problem)
        for group in _groups(claims, vocabulary, wording_variants.PARTITION)
        for problem in wording_variants.check(group, check.options)
    ]
    assert sorted(map(repr, on_table)) == sorted(map(repr, by_group))
    return sorted(on_table, key=repr)


def _files(**claims_by_source: list) -> dict:
    """Claim files, one per source, dated one day apart."""
    return {
        f"{source}.yaml": one_source(source, f"2026-01-{10 + i}", *claims)
        for i, (source, claims) in enumerate(claims_by_source.items())
    }


def _says(metric: str, value, subject: str, quote: str) -> dict:
    return claim("c", metric, value, subject=subject, quote=quote)


def test_a_name_held_by_a_longer_one_found_is_not_counted(tmp_path):
    files = _files(
        a=[_says("signed", 64, "convention", "the UN Convention against Cybercrime, 64")],
        b=[_says("signed", 64, "convention", "the Convention against Cybercrime drew 64")],
        c=[_says("signed", 64, "abc", "the ABC Treaty Org has 64")],
        d=[_says("signed", 64, "abc", "A.B.C. Treaty: 64")],
    )
    found = {subject: problem for subject, _, problem in _both_ways(tmp_path, files)}
    held = '"Convention against Cybercrime" (b); "UN Convention against Cybercrime" (a):'
    assert found["convention"].note.startswith(held)
    # written longer, "A.B.C. Treaty!!" is tried first and hides no longer folded name found after it: both count
    assert found["abc"].message == "A.B.C. Treaty!! is named 2 ways"
    assert found["abc"].note.startswith('"A.B.C. Treaty!!" (c, d); "ABC Treaty Org" (c):')


def test_one_source_varying_its_own_wording_gives_no_finding(tmp_path):
    alone = [
        claim("p", "partners", 3, quote="Freedonia has 3 partners"),
        claim("t", "treaties", 5, quote="the Republic of Freedonia signed 5 treaties"),
    ]
    assert _both_ways(tmp_path / "alone", _files(a=alone)) == []
    files = _files(a=alone, b=[claim("p", "partners", 3, quote="the Republic of Freedonia has 3 partners")])
    ((subject, metric, problem),) = _both_ways(tmp_path / "two", files)
    assert (subject, metric, problem.verdict) == ("freedonia", "", "variants")
    assert problem.note.startswith('"Freedonia" (a); "Republic of Freedonia" (a, b):')


def test_a_quote_naming_no_known_name_with_a_close_wording(tmp_path):
    files = _files(
        a=[_says("partners", 3, "sylvania", "Sylvannia has 3 partners")],
        b=[_says("partners", 3, "sylvania", "it has three partners")],
        # the subject is its own value: its quote is compared with its names twice, as the check compares it
        c=[_says("successor", "convention", "convention", "the Hanoi Konvention went on")],
    )
    assert [(p.verdict, p.message) for _, _, p in _both_ways(tmp_path, files)] == [
        ("possible-alias", '"Hanoi Konvention" may be another name of Hanoi Convention'),
        ("possible-alias", '"Hanoi Konvention" may be another name of Hanoi Convention'),
        ("possible-alias", '"Sylvannia" may be another name of Sylvania'),
    ]


def test_entities_in_values_and_in_lists(tmp_path):
    files = _files(
        a=[
            claim("m", "minister", "rufus", quote="Freedonia's minister is Rufus Firefly"),
            claim("s", "members", ["chicolini", "rufus"], subject="sylvania", quote="Signor Chicolini, Rufus Fírefly"),
        ],
        b=[
            claim("m", "minister", "rufus", quote="Freedonia's minister is R. T. Firefly"),
            claim("s", "members", ["chicolini", "rufus"], subject="sylvania", quote="Sylvania: Chicolini and co"),
        ],
        # no name of the list's members in the quote: only the subject's names are looked for word by word
        c=[claim("s", "members", ["chicolini"], subject="sylvania", quote="Sylvannia: Chicolinni")],
    )
    found = _both_ways(tmp_path, files)
    assert [(s, p.verdict, p.key[0], p.metric) for s, _, p in found] == [
        ("freedonia", "variants", "rufus", "minister"),
        ("sylvania", "possible-alias", "sylvania", "members"),
        ("sylvania", "variants", "chicolini", "members"),
    ]
    assert found[0][2].note.startswith('"R. T. Firefly" (b); "Rufus Fíreflý" (a):')
    assert found[2][2].note.startswith('"Chicolini" (b); "Signor Chicolini" (a):')


def test_an_open_subject_is_its_only_name(tmp_path):
    files = _files(
        a=[_says("flights", 180, "VN-123", "flight VN 123 carried 180")],
        b=[_says("flights", 180, "VN-123", "VN-132 carried 180 people")],
        c=[_says("flights", 180, "VN-123", "VN-1234 carried 180 people")],
    )
    assert _both_ways(tmp_path, files) == []


#: letters folded into two, ligatures, final sigma, a dotted capital, marks in a row (reordered by decomposing),
#: digits of other scripts, Hangul, a title-case pair, a Cherokee letter (casefolded to its capital), no text
TRICKY = ["Straße", "ﬁnance", "ΣΊΣΥΦΟΣ", "İstanbul", "a\u0327\u0301b\u0301\u0327", "ǰ\u0323", "\u0345", "①½²", "٣٤",
          "Ⅻ", "한국", "ǅ", "ꭰ", "ﷺ", "Việt Nam", "Łódź Ærø", "x_y-z", ""]  # fmt: skip


def _table_folded(quotes: list[str]) -> list[str]:
    pl = load_polars()
    frame = pl.DataFrame({"quote": quotes}, schema={"quote": pl.String})
    return frame.select(folded=wording_variants._folded_quotes(frame)).get_column("folded").to_list()


def test_quotes_are_folded_in_bulk_as_one_by_one():
    assert _table_folded(TRICKY) == [fold(text) for text in TRICKY]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=8))
def test_any_quotes_are_folded_in_bulk_as_one_by_one(quotes):
    assert _table_folded(quotes) == [fold(text) for text in quotes]
