"""quote-verbatim: quotes are found in the archived text, typography and white space aside."""

from __future__ import annotations

import random

import pytest

import checker.corpus.provenance as provenance
from checker.corpus.provenance import EXCERPT, ArchivedText, fold_text, locate, read_archive

from conftest import claim, run_corpus, source_block

ARTICLE = "Việt Nam’s “partners” rose\nto 14 – a record.\n\nThe ministry said so in  2025.\n"


@pytest.mark.parametrize(
    "quote, found",
    [
        ("Việt Nam’s “partners” rose to 14", True),
        ('Việt Nam\'s "partners" rose to 14', True),  # straight quotes for typographic ones
        ("rose to 14 - a record", True),  # hyphen for an en dash, one space for a line break
        ("The ministry said so in 2025", True),  # runs of spaces folded
        ("Việt Nam’s ... to 14", True),  # an ellipsis stands for omitted words
        ("Việt Nam’s … a record", True),
        ("rose to 15", False),
        ("Viet Nam’s partners", False),  # diacritics are part of the words
        ("to 14 ... Việt Nam", False),  # the parts must come in order
    ],
)
def test_locate(tmp_path, quote, found):
    path = tmp_path / "a.txt"
    path.write_text(ARTICLE, "utf-8")
    match = locate(quote, read_archive(path))
    assert match.found is found
    if found:
        assert match.line in (1, 2, 4)
        assert ARTICLE[match.start : match.end].split()[0] == quote.replace("...", "").replace("…", "").split()[
            0
        ].replace("'", "’").replace('"', "“")


def archived(text: str) -> ArchivedText:
    folded, offsets = fold_text(text)
    return ArchivedText(text, folded, tuple(offsets))


@pytest.mark.parametrize(
    "quote, closest, line",
    [
        ("rose to fourteen", "rose to 14", 1),  # the word the archive has instead is shown
        ("rose to 15", "rose to 14", 1),
        ("Rose to 14", "rose to 14", 1),
        ("Viet Nam’s partners", "Việt Nam’s “partners", 1),  # the original text, diacritics and all
        ("the ministry said so in 2026", "The ministry said so in 2025", 4),
        ("a record. The ministry said in 2025", "a record. The ministry said so in 2025", 2),
    ],
)
def test_a_near_miss_names_the_closest_passage_and_its_line(quote, closest, line):
    match = locate(quote, archived(ARTICLE))
    assert (match.found, match.closest, match.closest_line) == (False, closest, line)


@pytest.mark.parametrize("quote", ["nothing like this at all", "15", "the the the the", "§ ¶"])
def test_a_quote_with_no_close_passage_gets_none(quote):
    match = locate(quote, archived(ARTICLE))
    assert (match.found, match.closest, match.cut_short) == (False, "", False)


def _article(lines: int) -> str:
    """Lines of pseudo-random words, some common and most rare, the same on every run."""
    draw = random.Random(0)
    words = ["".join(draw.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(draw.randint(2, 9))) for _ in range(3000)]
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return "".join(" ".join(draw.choices(words, weights, k=12)) + "\n" for _ in range(lines))


def test_a_long_near_miss_in_a_large_archive_shows_a_short_excerpt_of_the_right_passage():
    text = _article(5_000)  # some 330 KB
    lines = text.splitlines()
    passage = " ".join(lines[3_456:3_506])  # fifty lines, some 3,300 characters
    words = passage.split()
    quote = " ".join(words[:100] + ["mistyped"] + words[101:])
    match = locate(quote, archived(text))
    assert not match.found and match.closest_line == 3_457
    assert len(match.closest) <= EXCERPT and match.closest.endswith("…")
    assert passage.startswith(match.closest[:-1])


def test_a_quote_found_only_in_pieces_far_apart_is_no_close_match():
    text = _article(2_000)
    words = text.split()
    quote = " ".join(words[n * 1_000] for n in range(20))  # each word of it is there, none beside the next
    assert locate(quote, archived(text)).closest == ""


def test_the_search_stops_at_its_budget_and_says_so(tmp_path, monkeypatch):
    monkeypatch.setattr(provenance, "BUDGET", 0)  # any word the archive has is over it
    match = locate("rose to fifteen", archived(ARTICLE))
    assert (match.found, match.closest, match.cut_short) == (False, "", True)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    bad = claim("c", "partners", 15, quote="rose to 15")
    files = {"a.yaml": {"source": source_block("a", archive="../article.txt"), "claims": [bad]}}
    result = run_corpus(tmp_path, files)
    (missing,) = [f for f in result.findings if f.check == "quote-verbatim"]
    assert "no close match found before the search reached its work limit" in missing.note


def test_no_hint_is_searched_for_when_none_is_asked_for():
    assert locate("rose to fourteen", archived(ARTICLE), hint=False).closest == ""


def test_missing_quote_names_the_closest_passage(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the archive lies in the repository: the working directory here
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    claims_dir = tmp_path / "claims"
    files = {
        "a.yaml": {
            "source": source_block("a", archive="../article.txt"),
            "claims": [
                claim("ok", "partners", 14, quote="rose to 14"),
                claim("bad", "partners", 14, quote="rose to fourteen"),
                claim("far", "partners", 14, quote="nothing like this at all"),
            ],
        }
    }
    result = run_corpus(tmp_path, files)
    missing = {f.claims[0].claim: f for f in result.findings if f.check == "quote-verbatim"}
    assert sorted(missing) == ["bad", "far"]
    assert missing["bad"].severity == "error"
    assert 'the closest passage, at line 1, is "rose to 14"' in missing["bad"].note
    assert missing["far"].note.endswith("; no close match")
    assert missing["bad"].location.path == "claims/a.yaml" or missing["bad"].location.path.endswith("claims/a.yaml")
    ok = next(c for c in result.corpus.claims if c.claim.id == "ok")
    assert ok.ref.evidence.endswith("article.txt:1")
    assert claims_dir.exists()


def test_unreadable_archive_is_a_warning(corpus, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    files = {"a.yaml": {"source": source_block("a", archive="../nowhere.txt"), "claims": [claim("c", "partners", 1)]}}
    result = corpus(files)
    (finding,) = [f for f in result.findings if f.check == "archive"]
    assert finding.severity == "warning" and "nowhere.txt" in finding.message


def test_fold_keeps_offsets():
    folded, offsets = fold_text("a  “b”\n c")
    assert folded == 'a "b" c'
    assert len(offsets) == len(folded) and offsets[2] == 3


@pytest.mark.parametrize("archive_form", ["NFC", "NFD"])
@pytest.mark.parametrize("quote_form", ["NFC", "NFD"])
def test_a_quote_and_its_text_compare_alike_with_accents_composed_or_not(archive_form, quote_form):
    """Việt written as one letter with its accents (NFC) or as a letter and combining accents (NFD, as some PDFs
    and systems write it) is one word: the quote stands in the text, and the span found covers it."""
    import unicodedata

    said = "Hanoi, 12 January.\nViệt Nam now has 14 comprehensive strategic partners, ở đây.\n"
    text = unicodedata.normalize(archive_form, said)
    quote = unicodedata.normalize(quote_form, "Việt Nam now has 14 comprehensive strategic partners")
    folded, offsets = fold_text(text)
    found = locate(quote, ArchivedText(text, folded, offsets))
    assert found.found and found.line == 2
    assert unicodedata.normalize("NFC", text[found.start : found.end]) == unicodedata.normalize("NFC", quote)
    missing = locate(
        unicodedata.normalize(quote_form, "Việt Nam now has 15 partners"), ArchivedText(text, folded, offsets)
    )
    assert not missing.found


@pytest.mark.parametrize(
    "text",
    ["\u0995\u09c7\u09be\u09a8 \u0986\u099b", "\u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165 \u1110\u1166\u11a8"],
    ids=["a two-part vowel sign", "Hangul in jamo"],
)
def test_a_quote_copied_as_written_stands_in_its_text_whatever_composing_would_join(text):
    """Composing joins more than a letter and its accents in some scripts: a quote copied from its text, written
    the same way, must still stand in it."""
    folded, offsets = fold_text(text)
    found = locate(text, ArchivedText(text, folded, offsets))
    assert found.found and text[found.start : found.end] == text


def test_the_span_of_a_quote_ends_with_the_accents_of_its_last_letter():
    text = "Le cafe\u0301 est bon."
    folded, offsets = fold_text(text)
    found = locate("café", ArchivedText(text, folded, offsets))
    assert text[found.start : found.end] == "cafe\u0301"
