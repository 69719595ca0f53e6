"""The text report: counts in words that agree, in the report and the summary lines the commands print."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from checker.model.plural import counted, plural

from conftest import ROOT, claim, one_source, run_cli, write_corpus

EXAMPLE = ROOT / "examples" / "company"


@pytest.mark.parametrize(
    "noun, many",
    [
        ("claim", "claims"),
        ("source", "sources"),
        ("contradiction", "contradictions"),
        ("analysis", "analyses"),  # a kind of source
        ("entry", "entries"),
        ("day", "days"),
        ("status", "statuses"),
        ("match", "matches"),
        ("box", "boxes"),
        ("info", "info"),  # the severity reads the same for one and for many
    ],
)
@pytest.mark.parametrize("count", [0, 1, 2, 11])
def test_a_count_agrees_with_its_noun(noun, many, count):
    assert plural(noun) == many
    assert counted(count, noun) == f"{count} {noun if count == 1 else many}"


@pytest.mark.parametrize(
    "count, words", [(0, "0 quotes not found"), (1, "1 quote not found"), (2, "2 quotes not found")]
)
def test_a_phrase_agrees_through_its_plural_given(count, words):
    assert counted(count, "quote not found", "quotes not found") == words


#: nouns the report and the commands count; a number before one of them must agree with it
_NOUNS = ("claim", "source", "file", "contradiction", "error", "warning", "finding", "acknowledgement",
          "input problem", "quote", "list", "value", "row", "item")  # fmt: skip
_ONE = "|".join(plural(noun) for noun in _NOUNS)
_MANY = "|".join(_NOUNS)
_DISAGREE = re.compile(rf"(?<![\d.,/-])(?:1 (?:{_ONE})|(?:0|[2-9]|\d\d+) (?:{_MANY}))\b")


def _disagreements(text: str) -> list[str]:
    return [match.group(0) for match in _DISAGREE.finditer(text)]


def test_the_disagreement_finder_finds_what_it_should():
    assert _disagreements("1 contradictions · 2 claim from 1 sources; 5 files, 1 file, 12 errors, 2025 error") == [
        "1 contradictions", "2 claim", "1 sources", "2025 error"]  # fmt: skip


@pytest.mark.parametrize("args", [(), ("--rules", "examples/company/rules", "examples/company/claims")])
def test_counts_agree_in_the_report_of_a_real_corpus(args):
    result = run_cli(ROOT, "check", "--no-cache", *args)
    headline = result.output.splitlines()[0]
    assert re.fullmatch(r"claimcheck: \d+ claims from \d+ sources in \d+ files", headline), headline
    assert _disagreements(result.output) == []


def _one_of_each(folder: Path) -> None:
    """Two sources that contradict each other, one claim each: every count but two is one."""
    write_corpus(folder, {
        "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
        "b.yaml": one_source("src-b", "2025-07-02", claim("p", "partners", 13, as_of="2025-06-30")),
    })  # fmt: skip


def test_counts_of_one_are_singular_and_of_none_plural(tmp_path):
    _one_of_each(tmp_path)
    lines = run_cli(tmp_path, "check", "--no-cache").output.splitlines()
    assert lines[:2] == ["claimcheck: 2 claims from 2 sources in 2 files", "1 contradiction"]
    assert lines[-1] == "1 error, 0 warnings, 0 info"
    (tmp_path / "claims" / "b.yaml").unlink()
    lines = run_cli(tmp_path, "check", "--no-cache").output.splitlines()
    assert lines[:2] == ["claimcheck: 1 claim from 1 source in 1 file", "no findings"]
    assert lines[-1] == "0 errors, 0 warnings, 0 info"


def test_summary_lines_of_ack_and_fmt_agree(tmp_path):
    _one_of_each(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n', "utf-8")
    env = {"CLAIMCHECK_TODAY": "2026-11-24"}
    document = json.loads(run_cli(tmp_path, "check", "--no-cache", "--format", "json", env=env).output)
    (fingerprint,) = [f["fingerprint"] for f in document["findings"] if f["verdict"] == "contradiction"]
    added = run_cli(tmp_path, "ack", fingerprint, "--by", "Ana", "--reason", "reviewed", env=env)
    assert added.exit_code == 0 and "1 acknowledgement added to acknowledgements.yaml" in added.output
    (tmp_path / "claims" / "a.yaml").write_text("source:   {id: src-a, title: t, publisher: P, kind: news-report, "
                                                "published: 2025-07-01}\nclaims: []\n", "utf-8")  # fmt: skip
    formatted = run_cli(tmp_path, "fmt", "claims/a.yaml")
    assert formatted.exit_code == 0 and "1 of 1 file reformatted" in formatted.output
    assert "1 of 2 files not in canonical form" in run_cli(tmp_path, "fmt", "--check", "claims").output


# --- the layout: as wide as the terminal, nothing broken inside a word ---------------------------------------------

WIDTHS = (40, 60, 80, 100, 160)
#: an ISO date as claims and reports write it, or a period of two: 2026-01-12, 2025-06, 2025-H1, 2025-06/2026-01
_DATE = re.compile(r"\d{4}-(?:\d\d(?:-\d\d)?|[HQ]\d)(?:/\d{4}-(?:\d\d(?:-\d\d)?|[HQ]\d))?")


@pytest.fixture(scope="module", params=["claims", "examples/company"])
def run_of(request, tmp_path_factory):
    """A run over the project's own corpus or the example, with its text and its JSON report."""
    import os

    from checker.pipeline import CheckRequest, execute

    folder = tmp_path_factory.mktemp("reports")
    target = folder / "r.json"
    paths, rules = ((), None) if request.param == "claims" else ((EXAMPLE / "claims",), EXAMPLE / "rules")
    before = os.getcwd()
    os.chdir(ROOT)
    try:
        outcome = execute(CheckRequest(paths, rules, ("text", f"json={target}"), allow_paths=(folder,), no_cache=True))
    finally:
        os.chdir(before)
    document = json.loads(b"".join(outcome.files[target]))
    return outcome.result, document


def _whole(document: dict) -> set[str]:
    """The ids, places and dates the text report shows, as the JSON report of the same run has them."""
    from checker.reporting.text_report import COMPACT

    out: set[str] = set()
    for finding in document["findings"]:
        where = finding["location"]
        if not finding["subject"] and where:  # an input error starts with its place
            out.add(f"{where['path']}:{where['line']}:{where['column']}")
        for ref in finding["claims"]:
            out |= {ref["source"], f"{ref['location']['path']}:{ref['location']['line']}"}
            out |= set(_DATE.findall(ref["published"]))  # in the sources index
            if finding["verdict"] in COMPACT:  # listed in short: source and place
                continue
            if ref["evidence"]:
                out.add(f"{ref['evidence']['path']}:{ref['evidence']['line']}")
            out |= set(_DATE.findall(ref["time"]))
    findings = document["findings"]
    topical = {(f["subject"], f["metric"]) for f in findings if f["subject"] and f["verdict"] not in COMPACT}
    for timeline in document["timelines"]:
        if (timeline["subject"], timeline["metric"]) not in topical:  # shown with the findings of its topic
            continue
        for entry in timeline["entries"]:
            out |= set(entry["sources"]) | set(_DATE.findall(entry["time"] or ""))
    return out


@pytest.mark.parametrize("width", WIDTHS)
def test_the_report_fits_its_width_and_breaks_no_id_path_or_date(run_of, width):
    from checker.reporting.text_report import cells, render

    result, document = run_of
    result.width = width
    text = render(result)
    lines = text.splitlines()
    for line in lines:  # a longer line is one word longer than the width, alone on it
        assert cells(line) <= width or (" " not in line and cells(line) > width), line
    assert max(cells(line) for line in lines) > width - 5  # it uses the width it has
    joined = re.sub(r"\n *", "", text)  # a word broken across lines reads whole here, and only here
    whole = _whole(document)
    assert len(whole) > 30 and any("/" in token for token in whole) and any(_DATE.fullmatch(t) for t in whole)
    for token in sorted(whole):
        assert token in text, token
        assert sum(line.count(token) for line in lines) == joined.count(token), token


def test_claims_are_a_table_when_it_fits_and_blocks_when_not(run_of):
    from checker.reporting.text_report import render

    result, _ = run_of
    texts = {}
    for width in (60, 160):
        result.width = width
        texts[width] = render(result)
    assert "source / claim at" in texts[160] and "source / claim at" not in texts[60]
    ref = next(ref for f in result.findings if f.claims and f.verdict not in ("variants", "consistent", "implied",
               "corroboration", "possible-alias") for ref in f.claims)  # fmt: skip
    place = f"{ref.location.path}:{ref.location.line}"
    # a block names the source and the claim's place on a line of their own, as far as the width allows
    assert any(line.split() in ([ref.source, place], [ref.source], [place]) for line in texts[60].splitlines())


@pytest.mark.parametrize("width, used", [(10, 40), (40, 40), (1000, 160)])
def test_the_width_is_kept_within_bounds(run_of, width, used):
    from checker.reporting.text_report import cells, render

    result, _ = run_of
    result.width = width
    ruled = [line for line in render(result).splitlines() if line.startswith("== Sources ")]
    assert [cells(line) for line in ruled] == [used]


def test_a_report_written_to_a_file_or_a_pipe_is_100_columns(tmp_path, monkeypatch):
    from checker.pipeline import CheckRequest, execute

    _one_of_each(tmp_path)
    monkeypatch.chdir(tmp_path)
    narrow = execute(CheckRequest(formats=("text", "text=r.txt"), width=60, no_cache=True))
    wide = execute(CheckRequest(formats=("text",), no_cache=True))
    assert narrow.files[Path("r.txt")] == wide.stdout[0] != narrow.stdout[0]
    assert max(map(len, narrow.stdout[0].splitlines())) <= 60 < max(map(len, wide.stdout[0].splitlines()))
    monkeypatch.setenv("COLUMNS", "60")  # heeded on a terminal only
    from checker.cli import options

    monkeypatch.setattr(options.sys.stdout, "isatty", lambda: False, raising=False)
    assert options.terminal()["width"] == 100
    monkeypatch.setattr(options.sys.stdout, "isatty", lambda: True, raising=False)
    assert options.terminal()["width"] == 60


def test_an_input_problem_keeps_its_place_first_and_wraps_within_the_width(tmp_path, monkeypatch):
    from checker.pipeline import CheckRequest, execute
    from checker.reporting.text_report import cells

    _one_of_each(tmp_path)
    (tmp_path / "claims" / "broken.yaml").write_text("source: !!python/object/apply:os.system [echo]\n", "utf-8")
    monkeypatch.chdir(tmp_path)
    lines = execute(CheckRequest(formats=("text",), width=50, no_cache=True)).stdout[0].splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("claims/broken.yaml:1:9: error: [yaml-syntax]"))
    rest = []
    for line in lines[first + 1 :]:
        if not line.startswith(" "):  # indented, as far as the width lets a long word be
            break
        rest.append(line.strip())
    assert rest and "remove the tag" in " ".join([lines[first], *rest])
    assert all(cells(line) <= 50 or " " not in line for line in lines)


def test_a_narrow_report_is_the_same_whatever_the_file_order(tmp_path, monkeypatch):
    from checker.pipeline import CheckRequest, execute

    files = {
        "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
        "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31")),
        "c.yaml": one_source("src-c", "2026-01-20", claim("p", "partners", 13, as_of="2025-12-31")),
    }
    texts = []
    for folder, names in ((tmp_path / "one", list(files)), (tmp_path / "two", ["z.yaml", "y.yaml", "x.yaml"])):
        write_corpus(folder, dict(zip(names, files.values(), strict=False)))
        monkeypatch.chdir(folder)
        text = execute(CheckRequest(formats=("text",), width=44, no_cache=True)).stdout[0]
        for old, new in zip(names, files, strict=False):
            text = text.replace(f"claims/{old}", f"claims/{new}")
        texts.append(text)
    assert texts[0] == texts[1] and max(map(len, texts[0].splitlines())) <= 44


@pytest.mark.slow
def test_check_on_a_terminal_takes_the_terminal_width(tmp_path):
    """Through a pseudo-terminal of 64 columns, as a person runs it; the same run into a pipe is 100 wide."""
    import os
    import struct
    import subprocess
    import sys

    termios = pytest.importorskip("termios")  # POSIX terminals
    import fcntl
    import pty

    _one_of_each(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update(NO_COLOR="1", PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "checker.cli", "check", "--no-cache"]
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 64, 0, 0))
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=follower, stderr=subprocess.DEVNULL)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes when the process ends
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=60)
    os.close(leader)
    on_terminal = b"".join(chunks).decode("utf-8").replace("\r\n", "\n")
    piped = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60).stdout
    assert "1 contradiction" in on_terminal and on_terminal != piped
    assert max(map(len, on_terminal.splitlines())) == 64 and max(map(len, piped.splitlines())) == 100


def test_input_problems_are_listed_in_the_order_of_their_places(tmp_path):
    """An editor goes through a file from its top: the problems of a file come in the order of their lines, whatever
    their checks ("value" before "vocabulary" alphabetically)."""
    from conftest import VOCABULARY, claim, one_source, run_cli, write_corpus

    body = one_source("a", "2026-01-10", claim("p", "partnrs", 14, as_of="2025-12-31"),
                      claim("q", "partners", "fourteen", as_of="2025-12-31"))  # fmt: skip
    write_corpus(tmp_path, {"a.yaml": body}, VOCABULARY)
    said = run_cli(tmp_path, "check", "--no-cache").output
    places = [line.split(": ")[0] for line in said.splitlines() if line.startswith("claims/a.yaml:")]
    assert len(places) == 2 and places == sorted(places, key=lambda p: tuple(map(int, p.split(":")[1:]))), said
    assert "[vocabulary]" in said.split(places[0])[1].splitlines()[0]
