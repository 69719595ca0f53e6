"""claimcheck fmt (canonical form, comments kept) and claimcheck new-source (scaffolding)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from checker.authoring.fmt import canonical
from checker.formats.yamlio import read_yaml

from conftest import ROOT, run_cli, write_corpus

MESSY = """# yaml-language-server: $schema=../checker/formats/schemas/claims.schema.json
# about this file
claims:
  # the first claim
  - quote: 'Freedonia has 13 partners'   # from the first paragraph
    value: 13
    id: partners
    as_of: "2025-06-30"
    metric: partners
    subject: freedonia
source:
  title: "Mid-year review"
  kind: news-report
  id: gazette   # stable
  publisher: Gazette
  published: '2025-07-02'
"""


def _in(folder: Path, *args: str, input: str | None = None):
    return run_cli(folder, *args, input=input)


def test_canonical_orders_keys_and_keeps_comments():
    tidy = canonical(MESSY)
    lines = tidy.splitlines()
    assert lines[2] == "source:" and lines.index("claims:") > lines.index("source:")
    for comment in ("# about this file", "# the first claim", "# from the first paragraph", "# stable"):
        assert comment in tidy
    claim = tidy[tidy.index("  - id: partners") :]
    assert claim.index("subject:") < claim.index("metric:") < claim.index("value:") < claim.index("as_of:") < claim.index("quote:")
    assert 'quote: "Freedonia has 13 partners"' in tidy and "as_of: 2025-06-30" in tidy and "published: 2025-07-02" in tidy
    assert read_yaml(tidy.encode()).data == read_yaml(MESSY.encode()).data  # the same data, as claimcheck reads it
    assert canonical(tidy) == tidy  # idempotent


SECTIONS = """source:
  id: gazette
  title: Review
  publisher: Gazette
  kind: news-report
  published: 2025-07-02
claims:
  # ---- partners
  - id: partners
    subject: freedonia
    metric: partners
    value: 13
    note: checked with the ministry   # by phone
    quote: "Freedonia has 13 partners"

  # ---- visits
  - id: visits
    subject: freedonia
    metric: visits
    period: 2025
    value: 24
    quote: "24 visits"
# the end
"""


def test_fmt_keeps_the_lines_after_a_claim_after_it_when_its_keys_move():
    """The comment that heads the next claim, and the file's last comment, stay where they were: the round trip
    holds them in the comment of the claim's last key, which reordering would carry into the claim."""
    tidy = canonical(SECTIONS)
    lines = tidy.splitlines()
    first = lines.index("  - id: partners")
    assert lines[first : first + 8] == [
        "  - id: partners", "    subject: freedonia", "    metric: partners", "    value: 13",
        '    quote: "Freedonia has 13 partners"', "    note: checked with the ministry   # by phone", "",
        "  # ---- visits",
    ]  # fmt: skip
    assert lines[-2:] == ['    quote: "24 visits"', "# the end"]
    assert canonical(tidy) == tidy and read_yaml(tidy.encode()).data == read_yaml(SECTIONS.encode()).data


def test_fmt_check_then_fix(tmp_path):
    (tmp_path / "claims").mkdir()
    path = tmp_path / "claims" / "a.yaml"
    path.write_text(MESSY, "utf-8")
    checked = _in(tmp_path, "fmt", "--check")
    assert checked.exit_code == 1 and "would reformat claims/a.yaml" in checked.output
    assert path.read_text("utf-8") == MESSY  # --check changes nothing
    fixed = _in(tmp_path, "fmt")
    assert fixed.exit_code == 0 and "reformatted claims/a.yaml" in fixed.output
    assert _in(tmp_path, "fmt", "--check").exit_code == 0


def test_fmt_check_without_paths_reads_every_claim_path_of_the_settings(tmp_path):
    (tmp_path / "claimcheck.toml").write_text('claims = ["claims", "more", "one.yaml"]\n', "utf-8")
    for folder in ("claims", "more"):
        (tmp_path / folder).mkdir()
    (tmp_path / "more" / "m.yaml").write_text(MESSY, "utf-8")
    (tmp_path / "one.yaml").write_text(canonical(MESSY), "utf-8")
    checked = _in(tmp_path, "fmt", "--check")  # claims/ has no file at all: the others are still checked
    assert checked.exit_code == 1 and "would reformat more/m.yaml" in checked.output, checked.output
    assert _in(tmp_path, "fmt").exit_code == 0 and _in(tmp_path, "fmt", "--check").exit_code == 0
    (tmp_path / "claimcheck.toml").write_text('claims = ["claims", "gone"]\n', "utf-8")
    missing = _in(tmp_path, "fmt", "--check")
    assert missing.exit_code == 2 and "gone" in missing.output, missing.output


def test_fmt_keeps_the_line_endings_of_the_first_line(tmp_path):
    """A CRLF file comes out of fmt with CRLF on every line (ruamel alone would end only the lines with a comment
    so); a file of mixed endings gets those of its first line."""
    write_corpus(tmp_path, {})
    lf = "source:\n  title: T   # the title\n  id: s\n  publisher: P\n  kind: news-report\n  published: 2025-06-01\nclaims: []\n"
    path = tmp_path / "claims" / "x.yaml"
    for written in (lf.replace("\n", "\r\n"), lf.replace("\n", "\r\n", 2)):
        path.write_bytes(written.encode("utf-8"))
        assert run_cli(tmp_path, "fmt", "claims/x.yaml").exit_code == 0
        text = path.read_bytes()
        assert text.count(b"\n") == text.count(b"\r\n") == lf.count("\n")
        assert run_cli(tmp_path, "fmt", "--check", "claims/x.yaml").exit_code == 0
        assert canonical(text.decode("utf-8")) == text.decode("utf-8")


@pytest.mark.parametrize(
    "name, raw, where, said",
    [
        ("tab.yaml", b"source: {id: t}\nclaims:\n\t- x\n", "3:1", "malformed YAML"),
        ("count.yaml", b"source: {id: c, title: T, publisher: P, kind: news-report, published: 2025-06-01}\nclaims: 5\n",
         "2:9", "claims: input should be a valid list"),
        ("day.yaml", b"source: {id: d, title: T, publisher: P, kind: news-report, published: 2025-06-01}\nclaims:\n"
         b"  - {id: t, subject: s, metric: m, value: 1, as_of: 2025-02-30, quote: q}\n", "3:53",
         '"2025-02-30" is not a day the calendar has'),
        ("latin.yaml", b"source: {id: l, title: caf\xe9}\nclaims: []\n", "1:27", "not valid UTF-8"),
    ],
)
def test_a_file_fmt_cannot_format_is_said_at_its_place(tmp_path, name, raw, where, said):
    """No formatter's exception text: the problem at file:line:col with what to do, as validate would say it; the
    other files are still formatted, and the exit code is 2."""
    write_corpus(tmp_path, {})
    (tmp_path / "claims" / name).write_bytes(raw)
    good = tmp_path / "claims" / "good.yaml"
    good.write_text("source:\n  title: T\n  id: g\n  publisher: P\n  kind: news-report\n  published: 2025-06-01\nclaims: []\n")
    result = run_cli(tmp_path, "fmt")
    assert result.exit_code == 2, result.output
    assert f"claims/{name}:{where}: " in result.output and said in result.output, result.output
    assert f"claims/{name}: cannot be formatted until this is fixed" in result.output
    assert "Traceback" not in result.output and "<unicode string>" not in result.output
    assert good.read_text("utf-8").startswith("source:\n  id: g\n")  # the other file was formatted
    assert (tmp_path / "claims" / name).read_bytes() == raw


def test_fmt_names_every_problem_that_stops_it_not_only_the_first_kind(tmp_path):
    """A missing key and a day the calendar lacks: both are said, so that fixing what fmt says is enough."""
    write_corpus(tmp_path, {})
    (tmp_path / "claims" / "two.yaml").write_text(
        "source: {id: d, title: T, publisher: P, kind: news-report, published: 2025-06-01}\nclaims:\n"
        "  - {id: t, subject: s, metric: m, value: 1, as_of: 2025-02-30}\n", "utf-8")  # fmt: skip
    result = run_cli(tmp_path, "fmt", "--check")
    assert result.exit_code == 2
    assert 'missing key "quote"' in result.output and '"2025-02-30" is not a day the calendar has' in result.output
    assert "until these are fixed" in result.output


def test_fmt_writes_through_a_link_and_keeps_it(tmp_path):
    """A claim file that is a link to one kept elsewhere in the repository: the file it names is formatted, and the
    link stays a link (replacing it with a formatted copy would leave the real file as it was)."""
    write_corpus(tmp_path, {})
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared" / "s.yaml"
    real.write_text("source:\n  title: T\n  id: s\n  publisher: P\n  kind: other\n  published: 2025-01-01\nclaims: []\n")
    link = tmp_path / "claims" / "s.yaml"
    link.symlink_to("../shared/s.yaml")
    result = run_cli(tmp_path, "fmt", "claims/s.yaml")
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and real.read_text("utf-8").startswith("source:\n  id: s\n")
    assert run_cli(tmp_path, "fmt", "--check", "claims").exit_code == 0


def test_fmt_says_it_did_not_follow_a_link_out_of_the_repository(tmp_path):
    """A claim file that links outside the folder and the repository is not read, as check does not read it: fmt
    --check says so and exits 2, rather than passing on the files it could read."""
    repository = tmp_path / "repository"
    write_corpus(repository, {})
    (repository / ".git").mkdir()
    outside = tmp_path / "outside.yaml"
    outside.write_text("source:\n  title: T\n  id: s\n  publisher: P\n  kind: other\n  published: 2025-01-01\n")
    (repository / "claims" / "zz.yaml").symlink_to(outside)
    (repository / "claims" / "a.yaml").write_text(outside.read_text())  # one file it reads, in canonical form
    result = run_cli(repository, "fmt", "--check", "claims")
    assert result.exit_code == 2 and "claims/zz.yaml" in result.output and "it was not read" in result.output


def test_fmt_passes_over_a_link_to_a_folder_with_a_warning_as_check_does(tmp_path):
    write_corpus(tmp_path, {})
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "claims" / "a.yaml").write_text(
        "source:\n  id: s\n  title: T\n  publisher: P\n  kind: other\n  published: 2025-01-01\nclaims: []\n"
    )
    (tmp_path / "claims" / "linked").symlink_to("../elsewhere")
    result = run_cli(tmp_path, "fmt", "--check", "claims")
    assert result.exit_code == 0 and "warning: [io]" in result.output and "not followed" in result.output


def test_project_claim_files_are_canonical():
    result = _in(ROOT, "fmt", "--check", "claims", "examples/company/claims")
    assert result.exit_code == 0, result.output


def test_new_source_from_flags(tmp_path):
    (tmp_path / "article.txt").write_text("Headline\n\nJanuary 30, 2026\nText.\n", "utf-8")
    result = _in(
        tmp_path, "new-source", "--id", "gazette-2026", "--title", "Headline", "--publisher", "Gazette",
        "--kind", "news-report", "--published", "2026-01-30", "--archive", "article.txt", "-o", "claims/gazette.yaml",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = yaml.safe_load((tmp_path / "claims" / "gazette.yaml").read_text("utf-8"))
    assert written["source"]["id"] == "gazette-2026" and written["source"]["archive"] == "../article.txt"
    assert written["claims"] == []
    again = _in(tmp_path, "new-source", "--id", "gazette-2026", "--title", "T", "--publisher", "P", "--kind",
                "news-report", "--published", "2026", "-o", "claims/gazette.yaml")  # fmt: skip
    assert again.exit_code == 2 and "does not overwrite" in again.output


def test_new_source_refuses_an_archived_text_that_is_not_there(tmp_path):
    (tmp_path / "texts").mkdir()
    for archive in ("texts/missing.txt", "texts"):  # nothing there, and a folder
        result = _in(tmp_path, "new-source", "--id", "x", "--title", "T", "--publisher", "P", "--kind", "other",
                     "--published", "2026", "--archive", archive)  # fmt: skip
        assert result.exit_code == 2 and "--archive" in result.output and archive in result.output, result.output
    assert not (tmp_path / "claims").exists()


def test_new_source_from_text_and_undated(tmp_path):
    (tmp_path / "article.txt").write_text("A headline\n\nNo date here.\n", "utf-8")
    result = _in(tmp_path, "new-source", "--id", "blog", "--publisher", "Blog", "--kind", "analysis", "--from-text",
                 "article.txt", "--undated", "no date line", "--estimate", "2025-10/2026-01")  # fmt: skip
    assert result.exit_code == 0, result.output
    source = yaml.safe_load((tmp_path / "claims" / "blog.yaml").read_text("utf-8"))["source"]
    assert source["title"] == "A headline" and source["undated"] == {"estimate": "2025-10/2026-01", "argument": "no date line"}


def test_new_source_says_what_is_missing_without_a_terminal(tmp_path):
    result = _in(tmp_path, "new-source", "--id", "x")
    assert result.exit_code == 2 and "title" in result.output and "publisher" in result.output
    assert not (tmp_path / "claims").exists()


@pytest.mark.parametrize(
    ("written", "said"),
    [("30/01/2026", '"30/01/2026" is not a time'), ("2026-13-45", '"2026-13-45" has no month 13'),
     ("next week", '"next week" is not a time'), (" 2026", '" 2026" has spaces around it')],
)  # fmt: skip
def test_new_source_refuses_a_bad_date_in_words(tmp_path, written, said):
    """What is wrong with the date, in words: not the schema's pattern or pydantic's names for its branches."""
    result = _in(tmp_path, "new-source", "--id", "x", "--title", "T", "--publisher", "P", "--kind", "other",
                 "--published", written)  # fmt: skip
    assert result.exit_code == 2 and f"--published: {said}" in result.output
    assert "constrained" not in result.output and "pattern" not in result.output


def test_new_source_refuses_a_date_the_calendar_does_not_have(tmp_path):
    for flags in (["--published", "2026-02-30"], ["--undated", "no date line", "--estimate", "2025-11-31/2026-01"]):
        result = _in(tmp_path, "new-source", "--id", "x", "--title", "T", "--publisher", "P", "--kind", "other", *flags)
        assert result.exit_code == 2 and "not a real date" in result.output, result.output
    assert not (tmp_path / "claims").exists()


@pytest.mark.parametrize(
    "flags",
    [
        ["--published", "2026-01-30", "--archive", "article.txt", "--url", "https://example.org/a?b=1"],
        ["--published", "2026-01", "--title", "Title: with a colon, and 'quotes'"],
        ["--undated", "no date line: only a season", "--estimate", "2025-10/2026-01"],
        ["--from-text", "article.txt"],
    ],
    ids=["archive-url", "colon-title", "undated", "from-text"],
)
def test_files_new_source_and_extract_write_are_canonical_as_written(tmp_path, flags):
    write_corpus(tmp_path, {})
    (tmp_path / "article.txt").write_text("Headline\n\nJanuary 30, 2026\nFreedonia now has 14 partners.\n", "utf-8")
    base = ["new-source", "--id", "src", "--publisher", "Gazette", "--kind", "news-report"]
    if "--title" not in flags:
        base += ["--title", "Headline"]
    assert _in(tmp_path, *base, *flags).exit_code == 0
    assert _in(tmp_path, "extract", "article.txt", "-o", "claims/drafted.yaml").exit_code == 0
    assert _in(tmp_path, "extract", "article.txt", "--merge", "claims/src.yaml").exit_code == 0
    result = _in(tmp_path, "fmt", "--check", "claims")
    assert result.exit_code == 0, result.output


def test_refusals_name_options_the_command_has(tmp_path):
    import re

    from checker.cli import main

    write_corpus(tmp_path, {})
    args = ["new-source", "--id", "x", "--title", "T", "--publisher", "P", "--kind", "other", "--published", "2026"]
    assert _in(tmp_path, *args).exit_code == 0
    (tmp_path / "article.txt").write_text("Freedonia now has 14 partners.\n", "utf-8")
    for command, result in (("new-source", _in(tmp_path, *args)),
                            ("extract", _in(tmp_path, "extract", "article.txt", "-o", "claims/x.yaml"))):  # fmt: skip
        assert result.exit_code == 2 and "does not overwrite" in result.output
        named = set(re.findall(r"(--[a-z][a-z-]+)", result.output.split("Error:")[1]))
        known = {opt for param in main.commands[command].params for opt in param.opts}
        assert named and named <= known, (command, named - known)
