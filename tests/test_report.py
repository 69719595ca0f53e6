"""claimcheck report: the editor's report in HTML, Markdown and text — escaping, determinism, layout."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, claim, one_source, run_cli, write_corpus

HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> | [link](javascript:alert(1)) **bold**'


def _run(folder: Path, *args: str, env: dict | None = None):
    return run_cli(folder, *args, env=env)


@pytest.fixture
def hostile(tmp_path):
    """A corpus whose quotes, titles and notes carry markup and script."""
    a = one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30", quote=f"14 {HOSTILE}"))
    a["source"]["title"] = HOSTILE
    b = one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31", quote=f"13 {HOSTILE}",
                                                  note=HOSTILE))  # fmt: skip
    write_corpus(tmp_path, {"a.yaml": a, "b.yaml": b})
    return tmp_path


def test_html_escapes_everything_from_claim_files(hostile):
    assert _run(hostile, "report", "-o", "r.html").exit_code == 0
    page = (hostile / "r.html").read_text("utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert page.count("<script") == 1  # the page's own, allowed by its hash only
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


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
    for line in text.splitlines():
        if line.startswith("| src-"):
            assert line.count("|") - line.count("\\|") == 8  # 7 columns: the quote's pipe is escaped


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
        text = (folder / name).read_text("utf-8")
        outputs.append(text.replace("claims/z9.yaml", "claims/a.yaml").replace("claims/z8.yaml", "claims/b.yaml")
                       .replace("claims/z7.yaml", "claims/c.yaml"))  # fmt: skip
    assert outputs[0] == outputs[1] == outputs[2]


def test_text_report_fits_100_columns_and_uses_colour_only_on_a_terminal():
    plain = _run(ROOT, "report", "--format", "text")
    assert plain.exit_code == 0 and "\033[" not in plain.output
    assert max(len(line) for line in plain.output.splitlines()) <= 100


def test_colour_follows_the_terminal_and_no_color(monkeypatch):
    from checker import cli

    monkeypatch.setattr(cli.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert cli._terminal()["color"] is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert cli._terminal()["color"] is False


def test_seed_report_has_every_part_an_editor_needs():
    result = _run(ROOT, "report", "--format", "markdown")
    text = result.output
    for part in ("Needs attention", "The sources contradict each other", "Over time:", "Latest well-supported",
                 "#### Sources", "| source | published | value | holds | scope | quote | claim |"):  # fmt: skip
        assert part in text, part
