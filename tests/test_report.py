"""claimcheck report: the editor's report in HTML, Markdown and text — escaping, determinism, layout."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, VOCABULARY, claim, one_source, run_cli, write_corpus

HOSTILE = (
    '<script>alert("x")</script> <img src=x onerror=alert(1)> | [link](javascript:alert(1)) **bold** '
    "Tom & Jerry's \"show\""
)


def _run(folder: Path, *args: str, env: dict | None = None):
    return run_cli(folder, *args, env=env)


@pytest.fixture
def hostile(tmp_path):
    """A corpus whose every free text carries markup, script, quotes and ampersands.

    Source title, publisher, author, url and note; quotes and claim notes; a
    text value; a subject no rules file knows (its input error quotes it); the
    rules' metric labels and entity names; and an archived text whose name is
    a javascript: URL, next to a claim file at the top of the project.
    """
    a = one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30", quote=f"14 {HOSTILE}"),
                   claim("m", "motto", HOSTILE, quote=HOSTILE), claim("u", "partners", 1, subject=HOSTILE))  # fmt: skip
    a["source"].update(title=HOSTILE, publisher=HOSTILE, author=HOSTILE, url="javascript:alert(1)", note=HOSTILE)
    b = one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31", quote=f"13 {HOSTILE}",
                                                  note=HOSTILE))  # fmt: skip
    vocabulary = {
        "metrics": {**VOCABULARY["metrics"], "motto": {"label": HOSTILE, "kind": "text", "time": "fixed"}},
        "entities": {**VOCABULARY["entities"], "freedonia": {"name": HOSTILE, "kind": "country"}},
    }
    write_corpus(tmp_path, {"a.yaml": a, "b.yaml": b}, vocabulary)
    (tmp_path / "javascript:alert(1)").write_text("it says 12\n", "utf-8")
    c = one_source("src-c", "2025-07-01", claim("p", "partners", 12, as_of="2025-06-30"))
    c["source"]["archive"] = "javascript:alert(1)"
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(c), "utf-8")
    return tmp_path


def test_html_escapes_everything_from_claim_files(hostile):
    assert _run(hostile, "report", "-o", "r.html").exit_code == 0
    page = (hostile / "r.html").read_text("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert page.count("<script") == 1  # the page's own, allowed by its hash only
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


class _Tags(HTMLParser):
    """Every tag and attribute of a page, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def test_html_report_has_no_markup_but_its_own(hostile):
    assert _run(hostile, "report", "-o", "r.html", "claims", "c.yaml").exit_code == 0
    page = (hostile / "r.html").read_text("utf-8")
    parser = _Tags()
    parser.feed(page)
    assert [tag for tag, _ in parser.tags].count("script") == 1 and "img" not in {tag for tag, _ in parser.tags}
    attributes = [(name, value or "") for _, attrs in parser.tags for name, value in attrs]
    assert not [name for name, _ in attributes if name.startswith("on")]  # no event handler came from a claim file
    links = [value for name, value in attributes if name in ("href", "src")]
    assert not [link for link in links if link.split("/")[0].count(":")]  # no scheme: every link is a local path
    assert "javascript%3Aalert%281%29" in links
    for text in ("Tom & Jerry", "Tom &amp; Jerry&#39;s &#34;show&#34;"):
        assert (text in page) == ("&amp;" in text)  # the ampersand and both quotes are escaped wherever they appear
    assert page.count("Tom &amp; Jerry") >= 8  # title, publisher, quotes, value, label, name, input error, ...


def test_html_needs_no_network(hostile):
    assert _run(hostile, "report", "-o", "r.html").exit_code == 0
    page = (hostile / "r.html").read_text("utf-8")
    for pattern in ("http://", "https://", "src=\"//", "@import", "url("):
        assert pattern not in page.replace("http://www.w3.org/2000/svg", "")


def test_markdown_escapes_markup_and_table_pipes(hostile):
    assert _run(hostile, "report", "-o", "r.md").exit_code == 0
    text = (hostile / "r.md").read_text("utf-8")
    assert "<script" not in text and "<img" not in text
    assert "[link](javascript" not in text and "\\[link\\](javascript" in text  # brackets escaped: no link
    heading = ""
    rows = 0
    for line in text.splitlines():
        if line.startswith("| source |"):
            heading = line
        elif line.startswith("| src-"):
            rows += 1  # as many cells as its table's heading: the quote's pipe is escaped
            assert line.count("|") - line.count("\\|") == heading.count("|")
    assert rows and "| scope |" not in heading  # no claim has a scope: the column is left out


def test_markdown_shows_ampersands_and_tildes_as_written(tmp_path):
    """A quote that holds "&lt;" or "~~" is shown as those characters: not as "<", nor struck through."""
    quote = "14 partners &lt;b&gt; ~~all~~ of them & more"
    files = {"a.yaml": one_source("a", "2025-07-01", claim("p", "partners", 14, quote=quote, as_of="2025-06-30")),
             "b.yaml": one_source("b", "2025-07-02", claim("p", "partners", 13, as_of="2025-06-30"))}  # fmt: skip
    write_corpus(tmp_path, files)
    assert _run(tmp_path, "report", "-o", "r.md").exit_code == 0
    text = (tmp_path / "r.md").read_text("utf-8")
    assert "14 partners &amp;lt;b&amp;gt; \\~\\~all\\~\\~ of them &amp; more" in text
    assert "~~all" not in text.replace("\\~", "")


@pytest.mark.parametrize("name, fmt", [("r.html", None), ("r.md", None), ("r.txt", "text")])
def test_reports_are_byte_identical_whatever_the_file_order(tmp_path, name, fmt):
    files = {
        "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
        "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31")),
        "c.yaml": one_source("src-c", "2026-01-20", claim("p", "partners", 13, as_of="2025-12-31")),
    }
    first, second = tmp_path / "one", tmp_path / "two"
    write_corpus(first, files)
    write_corpus(second, {f"z{9 - i}.yaml": body for i, body in enumerate(files.values())})
    args = ["report", "-o", name] + (["--format", fmt] if fmt else [])
    outputs = []
    for folder in (first, first, second):
        assert _run(folder, *args).exit_code == 0
        text = (folder / name).read_text("utf-8").replace("<wbr>", "")  # where a long path may break
        outputs.append(text.replace("claims/z9.yaml", "claims/a.yaml").replace("claims/z8.yaml", "claims/b.yaml")
                       .replace("claims/z7.yaml", "claims/c.yaml"))  # fmt: skip
    assert outputs[0] == outputs[1] == outputs[2]


def test_text_report_fits_100_columns_and_uses_colour_only_on_a_terminal():
    plain = _run(ROOT, "report", "--format", "text")
    assert plain.exit_code == 0 and "\033[" not in plain.output
    assert max(len(line) for line in plain.output.splitlines()) <= 100


def test_colour_follows_the_terminal_and_no_color(monkeypatch):
    from checker.cli import options

    monkeypatch.setattr(options.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert options.terminal()["color"] is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert options.terminal()["color"] is False


def test_seed_report_has_every_part_an_editor_needs():
    """Every discrepancy of the seeds is reviewed: the report says there is no open one, and lists the reviewed ones
    apart, with their reviewer and expiry."""
    result = _run(ROOT, "report", "--format", "markdown")
    text = result.output
    for part in ("No open discrepancy.", "**Reviewed and acknowledged (4)**", "by claimcheck maintainers on",
                 "Over time:", "Latest well-supported", "#### Sources",
                 "| source | published | value | holds | scope | quote | claim |"):  # fmt: skip
        assert part in text, part
    assert "| The sources contradict each other |" not in text  # no tile counts an acknowledged finding


# --- claim content that would act on the reader: hidden characters, links, workflow commands -------------------

#: a quote with a right-to-left override ("21" reads "12"), a web and a mail address, and workflow commands
TRICKY = ("it says 14 \u202e21, see https://example.org/x?y=1 or www.example.org, write to desk@example.org; "
          + " ".join(f"::add-mask::secret-{word}" for word in ("alpha", "bravo", "charlie", "delta", "echo", "foxtrot"))
          + " and ##[add-mask]token")  # fmt: skip


@pytest.fixture
def tricky(tmp_path):
    a = one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30", quote=TRICKY))
    a["source"]["title"] = "A \u2067title\u2069 with isolates"
    b = one_source("src-b", "2025-07-02", claim("p", "partners", 10, as_of="2025-06-30"))
    write_corpus(tmp_path, {"a.yaml": a, "b.yaml": b})
    return tmp_path


def test_markdown_shows_hidden_characters_by_their_code_point_and_runs_no_command(tricky):
    assert _run(tricky, "report", "-o", "r.md").exit_code == 0
    text = (tricky / "r.md").read_text("utf-8")
    assert "\u202e" not in text and "⟨U+202E⟩21" in text and "⟨U+2067⟩title⟨U+2069⟩" in text
    assert "##[" not in text and not re.search(r"^\s*::", text, re.MULTILINE)


def test_markdown_shows_addresses_as_code(tricky):
    assert _run(tricky, "report", "-o", "r.md").exit_code == 0
    text = (tricky / "r.md").read_text("utf-8")
    prose = re.sub(r"`[^`\n]*`", "", text)  # GitHub makes no link inside a code span
    assert "example.org" not in prose and "`https://example.org/x?y=1`" in text and "`desk@example.org`" in text


@pytest.mark.parametrize("width", [40, 100])
def test_the_text_report_shows_hidden_characters_at_the_width_they_take_and_runs_no_command(tricky, width, monkeypatch):
    from checker.engine import run
    from checker.reporting.text_report import cells, render

    monkeypatch.chdir(tricky)
    result = run([Path("claims")], Path("rules"))
    result.width = width
    text = render(result)
    assert "\u202e" not in text and "⟨U+202E⟩21" in text
    assert [line for line in text.splitlines() if cells(line) > width] == []
    assert text.count("add-mask") >= 6 and "##[" not in text and not re.search(r"^\s*::", text, re.MULTILINE)


def test_html_shows_hidden_characters_by_their_code_point(tricky):
    assert _run(tricky, "report", "-o", "r.html").exit_code == 0
    page = (tricky / "r.html").read_text("utf-8")
    assert not re.search("[\u202a-\u202e\u2066-\u2069]", page)
    assert "⟨U+202E⟩21" in page and "⟨U+2067⟩title⟨U+2069⟩" in page


def test_every_section_of_the_page_has_an_id_of_its_own_with_no_blank(tmp_path):
    """Subjects whose names read alike once their punctuation is dashes (a_b, a-b; "x y", x-y) keep their sections
    apart: an id must be unique in a page and hold no blank."""
    metrics = dict(VOCABULARY["metrics"], price={"label": "price", "kind": "number", "time": "flow",
                                                 "open_subjects": True})  # fmt: skip
    names = ["a_b", "a-b", "x y", "x-y"]
    files = {
        f"{side}.yaml": one_source(side, "2026-01-12", *(
            claim(f"p{n}", "price", value + n, subject=name, period="2025") for n, name in enumerate(names)))
        for side, value in (("s1", 10), ("s2", 20))
    }  # fmt: skip
    write_corpus(tmp_path, files, dict(VOCABULARY, metrics=metrics))
    assert _run(tmp_path, "report", "-o", "r.html").exit_code == 0
    ids = re.findall(r'<section class="topic" id="([^"]*)"', (tmp_path / "r.html").read_text("utf-8"))
    assert len(ids) == len(names) == len(set(ids)) and not any(" " in i for i in ids), ids
