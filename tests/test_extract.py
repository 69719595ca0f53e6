"""claimcheck extract: candidate claims drafted from a text, and merged into a claim file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.authoring.extract import draft, guess_source
from checker.formats.models import Precision
from checker.vocabulary.rules import load_vocabulary

from conftest import ROOT, run_cli, write_corpus

ARTICLE = """Freedonia's year in review

January 30, 2026 - 09:29
In 2025, Freedonia made 24 visits abroad, and nearly twenty of them were in the first half of 2025.
The country currently has thirteen partners.
Trade surpassed US$900 billion for the first time.
Foreign Minister Rufus Fíreflý said the ministry hosted more than seventy delegations in 2025.
"""


@pytest.fixture
def vocabulary(tmp_path):
    _, rules = write_corpus(tmp_path, {})
    vocabulary, problems = load_vocabulary(rules)
    assert problems == []
    return vocabulary


def test_a_sentence_with_no_break_is_quoted_in_pieces_that_stay_verbatim(vocabulary):
    """A text with no punctuation (a table flattened into one line) drafts quotes of bounded length: each
    candidate quoting the whole run made the draft grow with the square of the text."""
    from checker.authoring.clauses import LONGEST_CLAUSE

    words = ("Freedonia has 13 partners and the ministry said trade grew by 5 percent in 2025 " * 300).split()
    text = "A title\n\nJune 5, 2025 - " + " ".join(words) + ".\n"
    found = draft(text, vocabulary)
    assert len(found) >= 300 * 2  # every figure is still drafted
    for candidate in found:
        assert len(candidate.quote) <= LONGEST_CLAUSE and text[candidate.start : candidate.end] == candidate.quote


def _numbers(candidates):
    return [(c.value, c.precision, c.unit, c.metric, c.as_of, c.period) for c in candidates if c.kind == "number"]


def test_numbers_with_precision_units_time_and_metric(vocabulary):
    found = _numbers(draft(ARTICLE, vocabulary))
    assert (24, Precision.exact, None, "visits", None, "2025") in found
    assert (13, Precision.exact, None, "partners", None, None) in found  # "currently": as of publication
    assert (900, Precision.more_than, "billion USD", "trade", None, "2025") in found
    # no metric in the vocabulary fits these: value, precision and time are still read
    by_value = {value: (precision, period) for value, precision, _, _, _, period in found}
    assert by_value[20][0] == Precision.nearly and by_value[70][0] == Precision.more_than


def test_quotes_are_verbatim_clauses(vocabulary):
    for candidate in draft(ARTICLE, vocabulary):
        assert ARTICLE[candidate.start : candidate.end] == candidate.quote
        assert candidate.line == ARTICLE.count("\n", 0, candidate.start) + 1


def test_office_holder_is_drafted(vocabulary):
    holders = [c for c in draft(ARTICLE, vocabulary) if c.kind == "holder"]
    assert [(c.value, c.metric) for c in holders] == [("rufus", "minister")]


def test_source_block_from_the_text():
    guess = guess_source(ARTICLE)
    assert guess.title == "Freedonia's year in review" and guess.published.isoformat() == "2026-01-30"
    undated = guess_source("A headline\n\nIt happened in 2024 and 2025.\n")
    assert undated.published is None and undated.latest_year == 2025


def _in(folder: Path, *args: str):
    return run_cli(folder, *args)


def test_extract_writes_a_valid_claim_file(tmp_path):
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    result = _in(tmp_path, "extract", "article.txt", "-o", "claims/drafted.yaml")
    assert result.exit_code == 0, result.output
    drafted = yaml.safe_load((tmp_path / "claims" / "drafted.yaml").read_text("utf-8"))
    assert str(drafted["source"]["published"]) == "2026-01-30" and drafted["source"]["archive"] == "../article.txt"
    assert len(drafted["claims"]) >= 5
    validated = _in(tmp_path, "validate")
    assert validated.exit_code == 0, validated.output
    checked = _in(tmp_path, "check", "--format", "json")
    assert '"check": "quote-verbatim"' not in checked.output and '"check": "quote-value"' not in checked.output


def test_extract_refuses_to_overwrite(tmp_path):
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "claims" / "drafted.yaml").write_text("keep me\n", "utf-8")
    result = _in(tmp_path, "extract", "article.txt", "-o", "claims/drafted.yaml")
    assert result.exit_code == 2 and "does not overwrite" in result.output
    assert (tmp_path / "claims" / "drafted.yaml").read_text("utf-8") == "keep me\n"


EXISTING = """# yaml-language-server: $schema=../checker/formats/schemas/claims.schema.json
# The gazette's review, encoded by hand.
source:
  id: gazette
  title: Freedonia's year in review
  publisher: Gazette   # the print edition
  kind: news-report
  published: 2026-01-30
  archive: ../article.txt
claims:
  # counted by hand
  - id: visits-2025
    subject: freedonia
    metric: visits
    value: 24
    period: 2025
    quote: "Freedonia made 24 visits abroad"   # checked twice
"""


def test_merge_adds_only_what_is_new_and_keeps_every_line(tmp_path):
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    target = tmp_path / "claims" / "gazette.yaml"
    target.write_text(EXISTING, "utf-8")
    result = _in(tmp_path, "extract", "article.txt", "--merge", "claims/gazette.yaml")
    assert result.exit_code == 0, result.output
    merged = target.read_text("utf-8")
    assert merged.startswith(EXISTING)  # every existing line, comment and order untouched
    claims = yaml.safe_load(merged)["claims"]
    assert [c["value"] for c in claims].count(24) == 1  # the encoded 24 is not drafted again
    assert len(claims) > 1
    again = _in(tmp_path, "extract", "article.txt", "--merge", "claims/gazette.yaml")
    assert "0 new candidate claims" in again.output and target.read_text("utf-8") == merged


def test_merge_keeps_every_line_of_a_file_laid_out_another_way(tmp_path):
    """Four spaces under source:, claims at the left edge, a comment after the last claim: every line stays as it
    was, and the new claims follow the last one at its indentation."""
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    head, claims = EXISTING.split("claims:\n")
    laid_out = head.replace("\n  ", "\n    ") + "claims:\n" + claims.replace("\n  ", "\n") + "\n# the end\n"
    target = tmp_path / "claims" / "gazette.yaml"
    target.write_text(laid_out, "utf-8")
    assert _in(tmp_path, "extract", "article.txt", "--merge", "claims/gazette.yaml").exit_code == 0
    merged = target.read_text("utf-8").splitlines()
    before = laid_out.splitlines()
    last = max(n for n, line in enumerate(before) if line.startswith("  quote:"))
    added = merged[last + 1 : len(merged) - (len(before) - last - 1)]
    assert merged[: last + 1] == before[: last + 1] and merged[last + 1 + len(added) :] == before[last + 1 :]
    assert added and added[0].startswith("- id: ") and all(line.startswith(("- ", "  ")) for line in added)
    assert len(yaml.safe_load("\n".join(merged))["claims"]) == 1 + sum(line.startswith("- ") for line in added)


def test_a_scaffold_with_merged_claims_is_canonical(tmp_path):
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    made = _in(tmp_path, "new-source", "--id", "gazette", "--title", "Review", "--publisher", "Gazette", "--kind",
               "news-report", "--published", "2026-01-30", "-o", "claims/gazette.yaml")  # fmt: skip
    assert made.exit_code == 0, made.output
    for _ in range(2):  # into the empty list, then after the claims it holds
        assert _in(tmp_path, "extract", "article.txt", "--merge", "claims/gazette.yaml").exit_code == 0
        assert _in(tmp_path, "fmt", "--check", "claims/gazette.yaml").exit_code == 0
        (tmp_path / "article.txt").write_text(ARTICLE + "Freedonia signed 6 treaties in 2025.\n", "utf-8")


def test_merge_into_a_file_with_crlf_line_endings_keeps_them(tmp_path):
    """A file written on Windows keeps its CRLF endings on every line, its comments' lines too."""
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    target = tmp_path / "claims" / "gazette.yaml"
    target.write_bytes(EXISTING.replace("\n", "\r\n").encode("utf-8"))
    assert _in(tmp_path, "extract", "article.txt", "--merge", "claims/gazette.yaml").exit_code == 0
    merged = target.read_bytes()
    assert merged.startswith(EXISTING.replace("\n", "\r\n").encode("utf-8"))
    assert merged.count(b"\n") == merged.count(b"\r\n") > EXISTING.count("\n")


def test_the_main_subject_is_found_however_its_name_is_spaced(tmp_path):
    """As claim files fold spacing ("Vietnam" is "Việt Nam"), so does finding whom a text is about: a text that
    names the country twice as one word and its neighbour once is about the country."""
    from checker.authoring.extract import main_subject

    from conftest import VOCABULARY

    spaced = {"name": "Free Donia", "kind": "country"}
    vocabulary = {**VOCABULARY, "entities": {**VOCABULARY["entities"], "freedonia": spaced}}
    _, rules = write_corpus(tmp_path, {}, vocabulary)
    loaded, problems = load_vocabulary(rules)
    assert problems == []
    text = "Freedonia and Sylvania met. Freedonia now has 13 partners."
    assert main_subject(text, loaded) == "freedonia"
    assert main_subject(text.replace("Freedonia", "Free-donia"), loaded) == "freedonia"


@pytest.mark.parametrize(
    "broken, said",
    [
        ("", "1:1: file is empty"),
        (EXISTING.replace("  id: gazette\n", "  id: gazette\n  id: again\n"), 'duplicate key "id"'),
        (EXISTING.replace("published: 2026-01-30", "published: 2026-02-30"), "is not a day the calendar has"),
        (EXISTING[: EXISTING.index("claims:")] + "claims: {visits: 24}\n", "claims: input should be a valid list"),
        (EXISTING[: EXISTING.index("claims:")] + 'claims: ["just a string"]\n', "claims.0"),
        (EXISTING[: EXISTING.index("claims:")] + "claims: [\n", "malformed YAML"),
    ],
    ids=["empty", "duplicate key", "no such day", "claims a mapping", "a claim a string", "unclosed"],
)
def test_merge_into_a_file_that_cannot_be_read_says_where_and_writes_nothing(tmp_path, broken, said):
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    target = tmp_path / "claims" / "gazette.yaml"
    target.write_text(broken, "utf-8")
    result = _in(tmp_path, "extract", "article.txt", "--merge", "claims/gazette.yaml")
    assert result.exit_code == 2 and "internal error" not in result.output, result.output
    assert said in result.output and "claims/gazette.yaml:" in result.output and "cannot be extended" in result.output
    assert target.read_text("utf-8") == broken


@pytest.mark.slow
def test_seed_recall_of_numeric_claims_is_at_least_90_percent():
    """The figure the README reports, recomputed: the extractor drafts the hand-encoded numbers."""
    import subprocess
    import sys

    if not (ROOT.parent / "shared" / "seeds").is_dir():
        pytest.skip("the seed articles are not beside the project")
    output = subprocess.run([sys.executable, str(ROOT / "bench" / "extract_recall.py")], capture_output=True, text=True, check=True)
    import json

    figures = json.loads(output.stdout.strip().splitlines()[-1])
    assert figures["numeric_recall"] >= 0.9


def test_a_draft_from_a_text_with_control_characters_is_one_validate_takes(tmp_path):
    """A PDF's text has form feeds, a terminal's capture escape codes: the quotes and the title drafted from it
    have spaces there, and the file validates; the quotes still stand in the text."""
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text(
        "\x1b[1mFreedonia news\x1b[0m, 30 January 2026\n\nFreedonia has 14 comprehensive\x0c partners as of 2025.\n",
        "utf-8",
    )
    drafted = _in(tmp_path, "extract", "article.txt", "-o", "claims/draft.yaml")
    assert drafted.exit_code == 0, drafted.output
    text = (tmp_path / "claims" / "draft.yaml").read_text("utf-8")
    assert "\x0c" not in text and "\x1b" not in text and "\\f" not in text and "\\e" not in text
    assert "Freedonia news" in text.split("title:")[1].splitlines()[0]
    checked = _in(tmp_path, "validate", "claims")
    assert "yaml-syntax" not in checked.output and "control character" not in checked.output, checked.output


def test_new_source_refuses_a_control_character_in_a_flag(tmp_path):
    write_corpus(tmp_path, {})
    result = _in(tmp_path, "new-source", "--id", "s", "--title", "T\x1b[31m", "--publisher", "P", "--kind", "other",
                 "--published", "2025-01-01", "-o", "claims/s.yaml")  # fmt: skip
    assert result.exit_code == 2 and "--title: control character U+001B is not allowed" in result.output
    assert not (tmp_path / "claims" / "s.yaml").exists()


def test_many_candidates_of_one_metric_get_ids_in_order_without_rescanning():
    from checker.authoring.drafts import claim_entries
    from checker.authoring.extract import Candidate
    from checker.formats.models import Precision
    from checker.vocabulary.rules import Vocabulary

    candidates = [Candidate("q", 0, 1, 1, "number", str(n), metric="partners", metric_score=90.0,
                            precision=Precision.exact) for n in range(5)]  # fmt: skip
    entries = claim_entries(candidates, "freedonia", Vocabulary(), {"partners-2"})
    assert [e["id"] for e in entries] == ["partners", "partners-3", "partners-4", "partners-5", "partners-6"]


def test_an_article_with_windows_line_ends_gives_quotes_without_them(tmp_path):
    article = tmp_path / "article.txt"
    article.write_bytes(
        b"Hanoi, 12 January 2026\r\n\r\nViet Nam now has 14 comprehensive strategic partners, up from 13 in June.\r\n"
    )
    done = run_cli(tmp_path, "extract", "article.txt", "--rules", str(ROOT / "rules"))
    assert done.exit_code == 0, done.output
    quotes = [claim["quote"] for claim in yaml.safe_load(done.stdout)["claims"]]
    assert quotes and not [quote for quote in quotes if "\r" in quote or "\n" in quote]


def test_a_text_that_is_not_utf8_is_refused_at_the_place_of_its_first_odd_byte(tmp_path):
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_bytes("Việt Nam\nhas 14 é".encode("utf-8") + b"\xe9 partners\n")
    result = run_cli(tmp_path, "extract", "article.txt")
    assert result.exit_code == 2
    assert "article.txt:2:9: not UTF-8 text (byte 0xe9 at offset 20); save it as UTF-8" in result.output, result.output
