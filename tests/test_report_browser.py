"""The HTML report in a real headless Chromium: it loads cleanly, filters work, hostile text stays text.

Screenshots are written to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from urllib.parse import unquote

import pytest
from click.testing import CliRunner
from test_since import two_commits

from checker.cli import main

from conftest import ROOT, claim, one_source, write_corpus

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [
    pytest.mark.slow,  # a browser (pytest -m "not slow" leaves it out)
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs it)"),
]
ARTIFACTS = ROOT / "test-artifacts"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]  # fmt: skip
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def _report(folder: Path, name: str = "report.html") -> Path:
    previous = os.getcwd()
    os.chdir(folder)
    try:
        target = folder / name  # may lie outside the project: its folder is then allowed explicitly
        args = ["report", "-o", str(target), "--allow-path", str(target.parent)]
        result = CliRunner().invoke(main, args, catch_exceptions=False)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return folder / name


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


def _open(browser, path: Path, **viewport):
    page = browser.new_page(viewport=viewport or {"width": 1200, "height": 900})
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.type}: {message.text}") if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda request: problems.append(f"request: {request.url}") if not request.url.startswith("file:") else None)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, problems


def _visible(page, selector: str) -> int:
    return page.eval_on_selector_all(selector, "nodes => nodes.filter(n => n.offsetParent !== null).length")


def test_seed_report_loads_and_filters(browser, tmp_path):
    path = _report(ROOT, name=str(tmp_path / "report.html"))
    page, problems = _open(browser, path)
    total = page.eval_on_selector_all("article.finding", "nodes => nodes.length")
    assert page.inner_text("#shown") == f"{total} of {total} findings shown"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    # verdict filter
    timing = page.eval_on_selector_all("article.finding[data-verdict=timing]", "nodes => nodes.length")
    page.uncheck("input[name=verdict][value=timing]")
    assert page.inner_text("#shown") == f"{total - timing} of {total} findings shown"
    assert _visible(page, "article.finding[data-verdict=timing]") == 0
    page.check("input[name=verdict][value=timing]")
    # severity filter
    page.uncheck("input[name=severity][value=info]")
    assert _visible(page, "article.finding[data-severity=info]") == 0
    assert _visible(page, "article.finding[data-severity=error]") >= 1
    page.check("input[name=severity][value=info]")
    # search
    page.fill("#search", "Tuvalu")
    shown = _visible(page, "article.finding")
    assert 0 < shown < total
    assert all("tuvalu" in text.lower() for text in page.eval_on_selector_all(
        "article.finding", "nodes => nodes.filter(n => n.offsetParent !== null).map(n => n.textContent)"))  # fmt: skip
    assert problems == []


def test_hostile_quote_shows_as_text_and_never_runs(browser, tmp_path):
    a = one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30", quote=f"14 {HOSTILE}"))
    a["source"]["title"] = HOSTILE
    b = one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31", quote=f"13 {HOSTILE}"))
    write_corpus(tmp_path, {"a.yaml": a, "b.yaml": b})
    page, problems = _open(browser, _report(tmp_path))
    assert HOSTILE in page.inner_text("main")
    assert page.eval_on_selector_all("main img", "nodes => nodes.length") == 0
    assert problems == []  # no dialog, no error, no request for "x"


# --- issue 20: the report on a phone and a desktop, at a glance and in detail ----------------------------------

WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def seed_report(tmp_path_factory) -> Path:
    """The project's own report, written to a folder outside the repository (links must hold from there)."""
    folder = tmp_path_factory.mktemp("written-elsewhere") / "reports"
    folder.mkdir()
    return _report(ROOT, name=str(folder / "report.html"))


def _at(browser, path: Path, name: str):
    return _open(browser, path, width=WIDTHS[name], height=900)


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_nothing_is_wider_than_the_screen(browser, seed_report, name):
    """Point 1: every claim (a row of a claims table) fits the screen; on a phone it is a card."""
    page, problems = _at(browser, seed_report, name)
    width = WIDTHS[name]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    rights = page.eval_on_selector_all("table.claims td", "cells => cells.map(c => c.getBoundingClientRect().right)")
    assert rights and max(rights) <= width + 0.5
    if name == "phone":  # one card per claim: the cells of a row stand one under another, with their labels
        assert page.eval_on_selector("table.claims thead", "head => getComputedStyle(head).display") == "none"
        assert page.eval_on_selector("table.claims td", "cell => getComputedStyle(cell).display") == "block"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=name == "desktop")
    assert problems == []


#: the rectangles of every mark's parts, of every label, and of the plot, per chart (in page pixels)
CHART_GEOMETRY = """charts => charts.map(svg => {
  const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const axes = Array.from(svg.querySelectorAll('line.axis')).map(box);
  return {
    plot: [Math.min(...axes.map(a => a[0])), Math.min(...axes.map(a => a[1])),
           Math.max(...axes.map(a => a[2])), Math.max(...axes.map(a => a[3]))],
    marks: Array.from(svg.querySelectorAll('g.mark > :not(title)')).map(box),
    labels: Array.from(svg.querySelectorAll('text.mark-label')).map(box),
    ticks: Array.from(svg.querySelectorAll('text.tick[text-anchor=end]')).map(t => t.textContent),
  };
})"""


def _overlap(a: list[float], b: list[float], slack: float = 0.5) -> bool:
    return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_charts_keep_every_mark_inside_the_axes_and_every_label_clear(browser, seed_report, name):
    """Points 2 and 3: marks, bounds and ranges inside the axes; no label on a mark or on another label; a count's
    axis ticks are whole numbers."""
    page, problems = _at(browser, seed_report, name)
    charts = page.eval_on_selector_all("svg.chart", CHART_GEOMETRY)
    assert len(charts) >= 3
    for chart in charts:
        left, top, right, bottom = chart["plot"]
        for mark in chart["marks"]:
            assert left - 1.5 <= mark[0] and mark[2] <= right + 1.5 and top - 1.5 <= mark[1] and mark[3] <= bottom + 1.5
        labels = chart["labels"]
        assert labels  # labels are drawn, not all left out
        for i, label in enumerate(labels):
            assert not any(_overlap(label, other) for other in labels[i + 1 :])
            assert not any(_overlap(label, mark) for mark in chart["marks"])
        assert chart["ticks"] and all(re.fullmatch(r"\d+", tick) for tick in chart["ticks"])  # the seeds chart counts
    assert problems == []


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_values_of_different_scopes_are_different_series(browser, seed_report, name):
    """Point 4: free trade agreements "in force" and "at any stage" are two series with a legend; an undated
    figure is a span over its estimate, marked as such."""
    page, problems = _at(browser, seed_report, name)
    section = page.locator("section.topic", has_text="free trade agreements")
    keys = section.locator(".series-legend .key").all_inner_texts()
    assert len(keys) == 2 and any("any-stage" in key for key in keys)
    series = section.locator("svg.chart g.mark").evaluate_all("marks => marks.map(m => m.dataset.series)")
    assert len(set(series)) == 2
    assert section.locator("svg.chart line.span.estimated").count() >= 1
    labels = section.locator("text.mark-label").evaluate_all("texts => texts.map(t => t.textContent)")
    assert any(text.endswith("(est.)") for text in labels)
    section.scroll_into_view_if_needed()
    section.screenshot(path=str(ARTIFACTS / f"report-chart-{name}.png"))
    assert problems == []


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_tiles_count_open_findings_and_list_acknowledged_ones_apart(browser, seed_report, name):
    """Point 5: the seeds' discrepancies are all reviewed: no tile counts them as open; they are listed apart with
    their reviewer and expiry."""
    page, problems = _at(browser, seed_report, name)
    tiles = page.eval_on_selector_all(".cards .card", "cards => cards.map(c => c.innerText)")
    assert not any("contradict" in tile for tile in tiles)
    reviewed = page.locator("#reviewed + ul.reviewed li")
    acknowledged = page.eval_on_selector_all("article.finding[data-status=acknowledged]", "nodes => nodes.length")
    assert reviewed.count() == acknowledged > 0
    assert any(f"{acknowledged}\nreviewed and acknowledged" in tile for tile in tiles)
    for text in reviewed.all_inner_texts():
        assert re.search(r"by .+ on \d{4}-\d{2}-\d{2}, until \d{4}-\d{2}-\d{2}: ", text)
    assert problems == []


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_the_search_says_when_nothing_matches(browser, seed_report, name):
    """Point 6."""
    page, problems = _at(browser, seed_report, name)
    assert not page.is_visible("#nomatch")
    page.fill("#search", "no-such-thing-anywhere")
    assert page.inner_text("#shown").startswith("0 of ")
    assert page.is_visible("#nomatch") and "no-such-thing-anywhere" in page.inner_text("#nomatch")
    page.fill("#search", "")
    assert not page.is_visible("#nomatch")
    assert problems == []


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_links_hold_where_the_report_is_written_and_quotes_carry_their_text(browser, seed_report, name):
    """Point 7: written outside the repository, every link to an archived text names an existing file; each
    verified quote shows the lines of its text around it, the quote marked, with no file at hand."""
    page, problems = _at(browser, seed_report, name)
    targets = page.eval_on_selector_all(
        "a[href]:not([href^='#'])", "links => links.map(a => new URL(a.getAttribute('href'), document.baseURI).pathname)"
    )
    assert targets
    for target in targets:
        assert Path(unquote(target)).is_file(), target
    excerpts = page.locator("details.excerpt")
    assert excerpts.count() > 0
    first = excerpts.first
    first.locator("summary").click()
    marked = first.locator("mark").inner_text()
    around = first.locator("blockquote").inner_text()
    assert marked and marked in around and len(around) > len(marked)
    assert problems == []  # still one self-contained page: no request for anything


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_ids_break_at_their_parts_dates_never_and_empty_columns_are_left_out(browser, seed_report, name):
    """Point 8."""
    page, problems = _at(browser, seed_report, name)
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    lines = page.eval_on_selector_all(".nb", "spans => spans.map(s => s.getClientRects().length)")
    assert lines and set(lines) == {1}  # each date on one line
    overflowing = page.eval_on_selector_all(
        "table.claims td", "cells => cells.filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.innerText)"
    )
    assert overflowing == []
    if name == "desktop":
        # a short value is not wrapped one word per line
        wrapped = page.eval_on_selector_all(
            "td.value",
            """cells => cells.filter(c => {
                const words = c.innerText.trim().split(/\\s+/).length;
                const range = document.createRange(); range.selectNodeContents(c);
                const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top))).size;
                return words > 1 && c.innerText.length <= 30 && lines >= words;
            }).map(c => c.innerText)""",
        )
        assert wrapped == []
        # no column is empty in every row of its table
        empty = page.eval_on_selector_all(
            "table.claims",
            """tables => tables.filter(t => {
                const rows = Array.from(t.tBodies[0].rows);
                const columns = t.tHead.rows[0].cells.length;
                return [...Array(columns).keys()].some(i => rows.every(r => !r.cells[i].innerText.trim()));
            }).length""",
        )
        assert empty == 0
        headings = page.eval_on_selector_all("table.claims thead", "heads => heads.map(h => h.innerText)")
        assert any("holds" not in heading for heading in headings)  # a metric that does not change: no "holds"
    assert problems == []


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_the_report_since_a_revision_opens_with_what_changed(browser, tmp_path, name):
    """Point 9, on a repository made here with two commits (see test_since.two_commits)."""
    page, problems = _open(browser, _report_since(two_commits(tmp_path)), width=WIDTHS[name], height=900)
    items = page.locator("#changes li")
    assert [text.split()[0] for text in items.all_inner_texts()] == ["NEW", "CHANGED", "RESOLVED"]
    targets = page.eval_on_selector_all("#changes a", "links => links.map(a => a.getAttribute('href').slice(1))")
    assert len(targets) == 2  # the new finding and the changed one; the resolved one is no longer listed
    for target in targets:
        assert page.evaluate("id => document.getElementById(id) !== null", target)
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[name]
    page.screenshot(path=str(ARTIFACTS / f"report-since-{name}.png"))
    assert problems == []


def _report_since(folder: Path) -> Path:
    previous = os.getcwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, ["report", "--since", "HEAD~1", "-o", "since.html"], catch_exceptions=False)
    finally:
        os.chdir(previous)
    assert result.exit_code == 0, result.output
    return folder / "since.html"


@pytest.mark.parametrize("name", sorted(WIDTHS))
def test_a_crowded_chart_keeps_its_labels_clear(browser, tmp_path, name):
    """Many figures close together in value and time (exact, approximate, ranges, bounds, an undated estimate):
    still no label on a mark or on another label, and every mark inside the axes."""
    figures = [("2025-01-31", 10, {}), ("2025-02-28", 11, {"precision": "about"}), ("2025-03-31", 11, {}),
               ("2025-04-30", {"min": 11, "max": 13}, {}), ("2025-05-31", 12, {"precision": "more-than"}),
               ("2025-06-30", 13, {}), ("2025-06-30", 14, {}), ("2025-07-31", 13, {"precision": "at-most"}),
               ("2025-08-31", 14, {"precision": "nearly"}), ("2025-09-30", 15, {})]  # fmt: skip
    files = {
        f"s{number}.yaml": one_source(f"source-{number}", "2025-12-01", claim("p", "partners", value, as_of=when, **extra))
        for number, (when, value, extra) in enumerate(figures)
    }
    files["undated.yaml"] = one_source("undated-blog", None, claim("p", "partners", 12))
    files["undated.yaml"]["source"]["undated"]["estimate"] = "2025-05/2025-08"
    write_corpus(tmp_path, files)
    page, problems = _open(browser, _report(tmp_path), width=WIDTHS[name], height=900)
    (chart,) = page.eval_on_selector_all("svg.chart", CHART_GEOMETRY)
    left, top, right, bottom = chart["plot"]
    assert len(chart["marks"]) >= len(figures)
    for mark in chart["marks"]:
        assert left - 1.5 <= mark[0] and mark[2] <= right + 1.5 and top - 1.5 <= mark[1] and mark[3] <= bottom + 1.5
    labels = chart["labels"]
    assert len(labels) >= len(figures) // 2  # most figures keep their label
    for i, label in enumerate(labels):
        assert not any(_overlap(label, other) for other in labels[i + 1 :])
        assert not any(_overlap(label, mark) for mark in chart["marks"])
    assert all(re.fullmatch(r"\d+", tick) for tick in chart["ticks"])
    page.locator("svg.chart").screenshot(path=str(ARTIFACTS / f"report-crowded-chart-{name}.png"))
    assert problems == []
