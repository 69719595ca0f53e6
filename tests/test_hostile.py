"""The hostile corpus: every input in tests/hostile/ gets a clear, located error, never a crash.

Each case puts one hostile input in a small project beside two good claim
files that contradict each other, runs ``claimcheck check --format json`` and
requires: the expected finding (check, severity, words) at the expected
file:line:col; the exit code of a broken input (1 for a claim or
acknowledgements file, 2 for a rules file); no traceback; the good files'
contradiction still reported; and, for an input whose other entries are
still checked, a finding only they give. Every case runs under a time limit; the cases
marked ``limits`` (bombs, enormous and special files) run in a child process
that also has a memory limit. The manifest says what each input is and what
must be said about it.

Every run of ``check`` also writes the text, Markdown, GitHub, JUnit, SARIF,
GitLab and HTML reports, and each of them must stay safe to read whatever the
input holds: the XML and SARIF valid against their published schemas, SARIF's
file URIs free of a query or fragment, no line a CI runner would execute as a
workflow command formed by claim content, no bare address Markdown would make
a link of, no bidirectional control left raw where a person reads it, nor a
character XML cannot hold in the HTML page (:func:`unsafe`).
"""

from __future__ import annotations

import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest
import yaml

from ci_schemas import junit_problems, sarif_problems
from conftest import ROOT, claim, one_source, run_cli, write_corpus

pytestmark = pytest.mark.slow  # the hostile corpus, file by file (pytest -m "not slow" leaves it out)


def _builders() -> Any:
    """tests/hostile/build.py, loaded by its path: a `hostile` on the import path (bench/hostile.py) cannot hide it."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hostile_build", Path(__file__).resolve().parent / "hostile" / "build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.BUILDERS


BUILDERS = _builders()

HOSTILE = Path(__file__).resolve().parent / "hostile"
CASES: list[dict[str, Any]] = yaml.safe_load((HOSTILE / "manifest.yaml").read_text("utf-8"))
#: what one run may take: seconds of wall time, bytes of address space (child processes only)
TIME_LIMIT = 60
MEMORY_LIMIT = 1024**3
EXIT_CODES = {"claims": 1, "acknowledgements": 1, "rules": 2}
GOOD = {
    "0-good-a.yaml": one_source("good-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
    "0-good-b.yaml": one_source("good-b", "2025-07-02", claim("p", "partners", 10, as_of="2025-06-30")),
}


def project_with(case: dict[str, Any], folder: Path) -> tuple[Path, str]:
    """A project holding the good claim files and the hostile input; return it and the path the finding names."""
    project = folder / "project"
    write_corpus(project, GOOD)
    # the good vocabulary is read first, so that a hostile rules file is the one that clashes with it
    (project / "rules" / "vocabulary.yaml").rename(project / "rules" / "0-vocabulary.yaml")
    settings = '[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\nacknowledgements = "acknowledgements.yaml"\n'
    (project / "pyproject.toml").write_text(settings, "utf-8")
    name = case["name"]
    if name in BUILDERS:
        return project, BUILDERS[name](project).as_posix()
    where = case.get("in", "claims")
    target = project / "acknowledgements.yaml" if where == "acknowledgements" else project / where / name
    shutil.copyfile(HOSTILE / "files" / name, target)
    for beside in case.get("beside", []):
        shutil.copyfile(HOSTILE / "files" / beside, project / "claims" / beside)
    return project, target.relative_to(project).as_posix()


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Fail the block when it runs longer than ``seconds``."""

    def expire(signum: int, frame: Any) -> None:
        raise TimeoutError(f"the run took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


#: the reports every run of check writes besides its JSON, by format: the file each is written to
REPORTS = {
    "text": "report.txt",
    "markdown": "report.md",
    "github": "github.txt",
    "junit": "junit.xml",
    "sarif": "report.sarif",
    "gitlab": "gitlab.json",
    "html": "report.html",
}


def command_of(case: dict[str, Any], project: Path) -> list[str]:
    """The command line a case runs: its own ``command``, or check with its JSON and every other report."""
    if "command" in case:
        return [*case["command"], *case.get("args", [])]
    reports = project.parent / "reports"
    reports.mkdir(exist_ok=True)
    written = [f"--format={name}={reports / file}" for name, file in REPORTS.items()]
    return ["check", "--format", "json", *written, *case.get("args", [])]


def run_check(project: Path, limits: bool, args: list[str]) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of the case's command (``check --format json`` and the reports) in ``project``."""
    env = {**os.environ, "CLAIMCHECK_TODAY": "2026-06-01", "NO_COLOR": "1"}
    if not limits:
        with time_limit(TIME_LIMIT):
            result = run_cli(project, *args, env=env)
        return result.exit_code, result.stdout, result.stderr
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-c", "from checker.cli import run_cli; run_cli()", *args],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT,
        preexec_fn=_limit_memory,
    )
    return done.returncode, done.stdout, done.stderr


#: bidirectional controls, which reorder what a reader sees (Trojan Source): shown visibly, never raw
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: a line a GitHub runner executes as a workflow command: "::" after optional whitespace
COMMAND_LINE = re.compile(r"^\s*::", re.MULTILINE)
#: the commands the github format writes itself, with properties escaped so that they hold no colon
ANNOTATION = re.compile(r"::(error|warning|notice)( [^:\n]*)?::")
#: what GitHub's Markdown makes a link of without markup: a web address, a mail address
ADDRESS = re.compile(r"\b[a-z][a-z0-9+.-]*://\S|\bwww\.\w|\b(mailto|xmpp):\S|[\w.+-]+@\w[\w-]*\.\w", re.IGNORECASE)
#: a Markdown code span, where nothing is made a link
CODE_SPAN = re.compile(r"`[^`\n]*`")
#: characters XML 1.0 cannot hold, which no report may carry raw where a reader or an XML parser meets them
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def unsafe(name: str, text: str) -> list[str]:
    """What makes a report of the format ``name`` unsafe to hand to a CI system or a reader."""
    problems = []
    # any report may be printed in a CI log: XML and HTML too, where a line break in a quote ends a line
    for match in COMMAND_LINE.finditer(text):
        line = text[match.start() : text.find("\n", match.start()) % (len(text) + 1)]
        if name != "github" or not ANNOTATION.match(line.lstrip()):
            problems.append(f"a line runs as a workflow command: {line[:120]!r}")
    if "##[" in text:  # any report may be printed in a CI log
        problems.append('it holds "##[", which a GitHub runner reads as a command anywhere in a line')
    if name == "markdown":
        bare = ADDRESS.search(CODE_SPAN.sub("", text))
        if bare:
            problems.append(f"a bare address becomes a link: {bare.group()!r}")
    if name == "html" and NOT_XML.search(text):
        problems.append("it holds a character XML cannot hold (a control character or a noncharacter), raw")
    if name == "junit":
        problems += junit_problems(text.encode("utf-8", "surrogatepass"))
    readable = [] if name == "json" else [text]  # the JSON report keeps the data as written, for other tools
    if name in ("sarif", "gitlab"):
        try:
            parsed = json.loads(text)
        except ValueError as error:
            return [f"not JSON: {error}"]
        if name == "sarif":
            problems += sarif_problems(parsed)
            problems += _uri_problems(parsed)
        readable = list(_strings(parsed))
    if any(BIDI.search(part) for part in readable):
        problems.append("a bidirectional control is left raw where a person reads it")
    return problems


def _uri_problems(log: Any) -> list[str]:
    """Artifact URIs of a SARIF log that are not plain relative paths: a scheme, a query or a fragment."""
    problems = []
    for run in log.get("runs", []):
        for result in run.get("results", []):
            places = [*result.get("locations", []), *result.get("relatedLocations", [])]
            for place in places:
                uri = place.get("physicalLocation", {}).get("artifactLocation", {}).get("uri", "")
                parts = urlsplit(uri)
                if parts.scheme or parts.netloc or parts.query or parts.fragment:
                    problems.append(f"the URI {uri!r} is not the path of a file (RFC 3986)")
    return problems


def _reports(project: Path) -> dict[str, str]:
    """The reports a run wrote beside the project, by format."""
    reports = project.parent / "reports"
    return {
        name: (reports / file).read_text("utf-8", "surrogateescape")
        for name, file in REPORTS.items()
        if (reports / file).is_file()
    }


def _located(finding: dict[str, Any]) -> str:
    where = finding.get("location") or {}
    return f"{where.get('path')}:{where.get('line')}:{where.get('column')}: [{finding['check']}] {finding['message']}"


@pytest.fixture(scope="module")
def child_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str, tuple[int, str, str]]]:
    """The cases run under limits, each in its own child process, several at a time: {name: (project, shown, result)}."""
    projects = {
        case["name"]: project_with(case, tmp_path_factory.mktemp("hostile")) for case in CASES if case.get("limits")
    }
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        cases = {case["name"]: case for case in CASES}
        runs = {
            name: pool.submit(run_check, project, True, command_of(cases[name], project))
            for name, (project, _) in projects.items()
        }
        return {name: (*projects[name], run.result()) for name, run in runs.items()}


@pytest.mark.parametrize("case", CASES, ids=[case["name"] for case in CASES])
def test_hostile_input_is_a_located_error_and_the_rest_is_still_checked(
    case: dict[str, Any], tmp_path: Path, child_runs: dict[str, tuple[Path, str, tuple[int, str, str]]]
):
    if case.get("limits"):
        project, shown, (code, stdout, stderr) = child_runs[case["name"]]
    else:
        project, shown = project_with(case, tmp_path)
        code, stdout, stderr = run_check(project, False, command_of(case, project))
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    # nothing was run, and nothing made outside the repository: cases plant links to outside/pwned
    assert not list(project.parent.rglob("pwned")), "a hostile input ran a command or made a file"
    reports = _reports(project)
    for absent in case.get("absent", []):
        held = [name for name, text in [("stdout", stdout), ("stderr", stderr), *reports.items()] if absent in text]
        assert not held, f"{absent!r} must not be shown, but {', '.join(held)} holds it"
    for name, text in [*reports.items(), ("json", stdout)]:
        problems = unsafe(name, text)
        assert not problems, f"the {name} report is unsafe:\n" + "\n".join(problems[:10])
    if "usage" in case or "command" in case:
        said = stderr if "usage" in case else stdout + stderr
        assert code == case.get("exit", 2 if "usage" in case else None), (code, stderr[-2000:])
        assert case.get("usage", case.get("says", "")) in said, said[-2000:]
        return
    findings = json.loads(stdout)["findings"]
    line, column = case.get("at", [1, 1])
    about = [f for f in findings if (f.get("location") or {}).get("path") == shown]
    expected = [
        f
        for f in about
        if f["check"] == case["check"]
        and f["severity"] == case.get("severity", "error")
        and case["message"] in f["message"]
        and (f["location"]["line"], f["location"]["column"]) == (line, column)
    ]
    assert expected, f"expected {shown}:{line}:{column} [{case['check']}] …{case['message']}…; got:\n" + "\n".join(
        map(_located, about)
    )
    assert code == case.get("exit", EXIT_CODES[case.get("in", "claims")])
    contradictions = [
        {ref["source"] for ref in f["claims"]}
        for f in findings
        if f["check"] == "value-conflict" and f["verdict"] == "contradiction"
    ]
    # a good claim of the input may join the good files' contradiction
    assert any({"good-a", "good-b"} <= sources for sources in contradictions), "the good files' contradiction was lost"
    if "kept" in case:
        assert _kept(case["kept"], findings, shown), f"the input's good entries were not checked: {case['kept']}"


def _kept(kept: dict[str, Any], findings: list[dict[str, Any]], shown: str) -> bool:
    """Whether a finding is the one the manifest says only the input's good entries give."""
    for finding in findings:
        if finding["check"] != kept["check"] or kept.get("message", "") not in finding["message"]:
            continue
        if finding["severity"] != kept.get("severity", finding["severity"]):
            continue
        if "claim" in kept and list(kept["claim"]) in [[ref["source"], ref["claim"]] for ref in finding["claims"]]:
            return True
        where = finding.get("location") or {}
        if "at" in kept and [where.get("path"), where.get("line"), where.get("column")] == [shown, *kept["at"]]:
            return True
    return False


def test_every_stored_input_is_in_the_manifest():
    named = {case["name"] for case in CASES} | {name for case in CASES for name in case.get("beside", [])}
    assert sorted(path.name for path in (HOSTILE / "files").iterdir() if path.name not in named) == []
    assert sorted(set(BUILDERS) - named) == []


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("text", "a quote\n    ::add-mask::secret\n", "workflow command"),
        ("markdown", "| x | ##[add-mask]secret |\n", "##["),
        ("json", '{"quote": "it says ##[add-mask]secret"}', "##["),
        ("sarif", '{"version": "2.1.0", "runs": [], "x": "##[group]"}', "##["),
        ("github", "::error file=a.yaml,line=1::fine\n  ::stop-commands::token\n", "workflow command"),
        ("junit", "<testsuites><testsuite name='x'>a quote\n  ::stop-commands::token</testsuite></testsuites>",
         "workflow command"),  # fmt: skip
        ("html", "<td>a quote\n::add-mask::secret</td>", "workflow command"),
        ("text", "a quote \u202eevil\n", "bidirectional"),
        ("junit", "<testsuites><testsuite name='x' tests='1'>\uffff</testsuite></testsuites>", "XML"),
        ("sarif", '{"version": "2.1.0"}', "runs"),
        ("markdown", "| it says 11, see https://example.org/x |\n", "link"),
        ("markdown", "mail someone@example.org |\n", "link"),
        ("html", "<p>it says 12 \uffff</p>", "XML"),
    ],
)
def test_an_unsafe_report_is_told_apart(name: str, text: str, words: str):
    assert any(words in problem for problem in unsafe(name, text)), unsafe(name, text)


def test_an_annotation_the_github_format_writes_is_not_taken_for_an_injected_command():
    assert unsafe("github", "::error file=claims/a.yaml,line=3,col=5,title=value-conflict::14 vs 10\n") == []


def test_an_address_in_a_code_span_is_not_taken_for_a_link():
    assert unsafe("markdown", "| see `https://example.org/x` and `claims/a.yaml`:3 |\n") == []


def test_a_sarif_uri_with_a_fragment_is_told_apart():
    location = {"physicalLocation": {"artifactLocation": {"uri": "claims/good b#frag?q=1.yaml"}}}
    log = {"runs": [{"results": [{"locations": [location]}]}]}
    assert _uri_problems(log) and not _uri_problems(json.loads(json.dumps(log).replace("b#frag?q", "b%23frag%3Fq")))


def test_every_check_run_writes_every_report(tmp_path: Path):
    case = {"name": "ack-malformed.yaml", "in": "acknowledgements"}
    project, _ = project_with(case, tmp_path)
    run_check(project, False, command_of(case, project))
    assert sorted(_reports(project)) == sorted(REPORTS)


def test_the_hostile_benchmark_measures_each_case_it_is_asked_for():
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "hostile.py"), "-k", "archive-git"],
        capture_output=True,
        text=True,
        timeout=TIME_LIMIT * 2,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.splitlines()[-1])
    assert sorted(row["case"] for row in summary["rows"]) == ["archive-git-config"]
    [row] = summary["rows"]
    assert row["ok"] and row["exit"] == 1 and 0 < row["seconds"] < TIME_LIMIT and row["peak_mb"] > 0
    assert "archive-git-config" in done.stdout.splitlines()[2]  # the table's first row
