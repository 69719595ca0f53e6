"""The HTML report in a real headless Chromium: it loads cleanly, filters work, hostile text stays text.

Screenshots are written to test-artifacts/ for people to look at.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from checker.cli import main

from conftest import ROOT, claim, one_source, write_corpus

playwright = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (.ci/run installs it)")
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


def test_report_reads_on_a_phone(browser, tmp_path):
    path = _report(ROOT, name=str(tmp_path / "report.html"))
    page, problems = _open(browser, path, width=390, height=844)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390 + 1  # no sideways scrolling of the page: wide tables scroll inside their box
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "report-phone.png"))
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
