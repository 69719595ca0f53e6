"""quote-verbatim: quotes are found in the archived text, typography and white space aside."""

from __future__ import annotations

import pytest

from checker.provenance import fold_text, locate, read_archive

from conftest import claim, source_block

ARTICLE = "Việt Nam’s “partners” rose\nto 14 – a record.\n\nThe ministry said so in  2025.\n"


@pytest.mark.parametrize(
    "quote, found",
    [
        ("Việt Nam’s “partners” rose to 14", True),
        ("Việt Nam's \"partners\" rose to 14", True),  # straight quotes for typographic ones
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
        assert ARTICLE[match.start : match.end].split()[0] == quote.replace("...", "").replace("…", "").split()[0].replace("'", "’").replace('"', "“")


def test_missing_quote_names_the_longest_part_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the archive lies in the repository: the working directory here
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    claims_dir = tmp_path / "claims"
    files = {
        "a.yaml": {
            "source": source_block("a", archive="../article.txt"),
            "claims": [claim("ok", "partners", 14, quote="rose to 14"), claim("bad", "partners", 14, quote="rose to fourteen")],
        }
    }
    from conftest import run_corpus

    result = run_corpus(tmp_path, files)
    missing = [f for f in result.findings if f.check == "quote-verbatim"]
    assert [f.claims[0].claim for f in missing] == ["bad"]
    assert missing[0].severity == "error" and '"rose to' in missing[0].note
    assert missing[0].location.path == "claims/a.yaml" or missing[0].location.path.endswith("claims/a.yaml")
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
