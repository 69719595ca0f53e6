"""Confinement: claimcheck reads archived texts and writes files only where it is allowed to, and never the network.

The repository is the folder of the settings file (else the git work tree,
else the working directory). Archived texts outside it are read only from
folders the settings list under ``archive-roots`` or the command line names
with ``--allow-path``. Files whose place the repository's content gives (the settings) are written only inside it
and under ``--allow-path``; a file named on the command line is written where the user said.
"""

from __future__ import annotations

import json
import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from checker.formats.confine import Confinement, confinement, repository_root
from checker.formats.settings import Config
from checker.reporting.html import href

from conftest import ROOT, claim, one_source, run_cli, write_corpus

SETTINGS = '[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n'


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project with a settings file, two contradicting sources, and an article archived beside it (outside)."""
    folder = tmp_path / "project"
    files = {
        "a.yaml": one_source("a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30", quote="it says 14")),
        "b.yaml": one_source("b", "2025-07-02", claim("p", "partners", 10, as_of="2025-06-30")),
    }
    files["a.yaml"]["source"]["archive"] = "../../archive/article.txt"
    write_corpus(folder, files)
    (folder / "pyproject.toml").write_text(SETTINGS, "utf-8")
    (tmp_path / "archive").mkdir()
    (tmp_path / "archive" / "article.txt").write_text("Freedonia: it says 14 partners.\n", "utf-8")
    return folder


def _findings(output: str) -> list[dict]:
    return json.loads(output)["findings"]


def _archive_findings(folder: Path, *args: str) -> list[dict]:
    result = run_cli(folder, "check", "--format", "json", *args)
    return [f for f in _findings(result.stdout) if f["check"] == "archive"]


def test_archive_outside_the_repository_is_not_read(project):
    (finding,) = _archive_findings(project)
    assert finding["severity"] == "error" and "outside the repository" in finding["message"]
    assert (finding["location"]["path"], finding["location"]["line"]) == ("claims/a.yaml", 7)


def test_archive_roots_in_the_settings_allow_a_folder(project):
    (project / "pyproject.toml").write_text(SETTINGS + 'archive-roots = ["../archive"]\n', "utf-8")
    assert _archive_findings(project) == []
    result = run_cli(project, "check", "--format", "json")
    refs = [ref for f in _findings(result.stdout) for ref in f["claims"] if ref["source"] == "a"]
    assert refs and refs[0]["evidence"]["line"] == 1  # the quote was verified against the archived text


def test_allow_path_on_the_command_line_allows_a_folder(project):
    assert _archive_findings(project, "--allow-path", str(project.parent / "archive")) == []


def test_a_link_inside_the_repository_cannot_lead_out(project):
    (project / "pyproject.toml").write_text(SETTINGS + 'archive-roots = ["../archive"]\n', "utf-8")
    secret = project.parent / "secret.txt"
    secret.write_text("it says 14\n", "utf-8")
    (project / "article.txt").symlink_to(secret)
    body = yaml.safe_load((project / "claims" / "a.yaml").read_text("utf-8"))
    body["source"]["archive"] = "../article.txt"
    (project / "claims" / "a.yaml").write_text(yaml.safe_dump(body), "utf-8")
    (finding,) = _archive_findings(project)
    assert "outside the repository" in finding["message"]


@pytest.mark.parametrize("target", ["../report.json", "{elsewhere}/report.json", "link/report.json"])
def test_a_report_file_named_on_the_command_line_is_written_where_asked(project, tmp_path_factory, target):
    """-o is the user's own choice ($GITHUB_STEP_SUMMARY, $RUNNER_TEMP and ~/Desktop lie outside the work tree)."""
    (project / "link").symlink_to(project.parent)
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    target = target.format(elsewhere=elsewhere)
    result = run_cli(project, "check", "--format", "json", "-o", target)
    assert result.exit_code == 1  # the contradiction, reported where asked
    written = project / target if not Path(target).is_absolute() else Path(target)
    assert json.loads(written.read_text("utf-8"))["findings"]


def test_allow_path_lets_a_report_be_written_elsewhere(project):
    result = run_cli(project, "check", "--format", "json", "-o", "../out/report.json", "--allow-path", "../out")
    assert result.exit_code == 1  # the contradiction
    assert json.loads((project.parent / "out" / "report.json").read_text("utf-8"))["findings"]


def test_a_format_file_in_the_settings_is_confined_too(project):
    (project / "pyproject.toml").write_text(SETTINGS + 'format = ["text", "json=../elsewhere.json"]\n', "utf-8")
    result = run_cli(project, "check")
    assert result.exit_code == 2 and not (project.parent / "elsewhere.json").exists()
    assert "outside the repository" in result.stderr and "named in the settings" in result.stderr


def test_an_acknowledgements_file_the_settings_name_outside_is_refused(project):
    (project / "pyproject.toml").write_text(SETTINGS + 'acknowledgements = "../acks.yaml"\n', "utf-8")
    result = run_cli(project, "ack", "--all-failing", "--by", "me", "--reason", "r")
    assert result.exit_code == 2 and "outside the repository" in result.output
    assert not (project.parent / "acks.yaml").exists()


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_output_that_is_not_a_regular_file_is_refused(project, kind):
    target = project / "out"
    target.mkdir() if kind == "folder" else os.mkfifo(target)
    result = run_cli(project, "check", "--format", "json", "-o", "out")
    assert result.exit_code == 2 and ("not a regular file" in result.stderr or "is a folder" in result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["report", "-o", "../r.html"],
        ["resolve", "-o", "../r.txt"],
        ["validate", "--format", "json", "-o", "../r.json"],
        ["new-source", "--id", "x", "--title", "t", "--publisher", "p", "--kind", "other", "--published", "2025",
         "-o", "../r.yaml"],
        ["ack", "--all-failing", "--by", "me", "--reason", "r", "--acknowledgements", "../r.yaml"],
        ["extract", "article.txt", "-o", "../r.yaml"],
        ["import", "mapping.yaml", "table.csv", "-o", "../r.jsonl"],
    ],  # fmt: skip
    ids=lambda args: args[0],
)
def test_every_command_writes_a_file_named_on_the_command_line_where_asked(project, args):
    (project / "article.txt").write_text("Freedonia now has 14 partners.\n", "utf-8")
    (project / "table.csv").write_text("source,flight,dep\nx,AA1,10:00\n", "utf-8")
    (project / "mapping.yaml").write_text("source: {column: source}\nsubject: {column: flight}\n"
                                          "day: {column: dep, format: '%H:%M'}\nmetrics: {}\n", "utf-8")  # fmt: skip
    result = run_cli(project, *args)
    assert result.exit_code in (0, 1), result.output
    assert (project.parent / args[args.index("-o" if "-o" in args else "--acknowledgements") + 1][3:]).is_file()


def test_the_repository_is_the_settings_folder_else_git_else_here(tmp_path):
    inner = tmp_path / "repo" / "docs" / "deep"
    inner.mkdir(parents=True)
    assert repository_root(inner, None) == inner.resolve()
    (tmp_path / "repo" / ".git").mkdir()
    assert repository_root(inner, None) == (tmp_path / "repo").resolve()
    settings = tmp_path / "repo" / "docs" / "claimcheck.toml"
    assert repository_root(inner, settings) == (tmp_path / "repo" / "docs").resolve()


def test_confinement_reads_from_archive_roots_but_never_writes_there(tmp_path):
    rules = confinement(Config(path=tmp_path / "pyproject.toml", archive_roots=[tmp_path / "../shared"]))
    shared = (tmp_path.parent / "shared").resolve()
    assert isinstance(rules, Confinement)
    assert rules.may_read(shared / "a.txt") and not rules.may_write(shared / "a.txt")
    assert rules.may_write(tmp_path / "report.html") and not rules.may_read(tmp_path.parent / "other.txt")


@pytest.mark.parametrize(
    "path, link",
    [
        ("javascript:alert(1)", "javascript%3Aalert%281%29"),
        ("data:text/html,<b>x</b>", "data%3Atext/html%2C%3Cb%3Ex%3C/b%3E"),
        ("../shared/seeds/001.txt", "../shared/seeds/001.txt"),
    ],
)
def test_links_to_archived_texts_are_local_paths(path, link):
    assert href(path) == link


def test_no_claim_file_reaches_the_network(project, monkeypatch):
    """Every text that looks like an address (url, an archive given as one) is data, never fetched."""
    body = yaml.safe_load((project / "claims" / "b.yaml").read_text("utf-8"))
    body["source"].update(url="https://example.invalid/a", archive="https://example.invalid/article.txt")
    (project / "claims" / "b.yaml").write_text(yaml.safe_dump(body), "utf-8")

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"claimcheck tried to reach the network: {args}")

    local = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        # a socket in the file system joins a process of the run's own (readers started by a server process)
        if self.family != socket.AF_UNIX:
            refuse(address)
        local(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert run_cli(project, "check", "--format", "json").exit_code == 1
    assert run_cli(project, "report", "-o", "r.html").exit_code == 0


def test_a_link_loop_among_the_files_judged_is_a_finding(project):
    (project / "claims" / "loop-a.yaml").symlink_to("loop-b.yaml")
    (project / "claims" / "loop-b.yaml").symlink_to("loop-a.yaml")
    result = run_cli(project, "check", "--format", "json", "claims")  # given paths: the run is judged on them
    loops = [f for f in _findings(result.stdout) if f["location"] and "loop-" in f["location"]["path"]]
    assert result.exit_code == 1 and len(loops) == 2 and all("symbolic links" in f["message"] for f in loops)


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (1024**3, 1024**3))


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [
        ["check", "claims/fifo.yaml", "claims/zero.yaml"],
        ["validate", "claims/fifo.yaml", "claims/zero.yaml"],
        ["report", "claims/fifo.yaml", "claims/zero.yaml"],
        ["resolve", "claims/fifo.yaml", "claims/zero.yaml"],  # says nothing of input errors: it must end, at once
        ["fmt", "--check", "claims/fifo.yaml", "claims/zero.yaml"],
        ["fmt", "claims/fifo.yaml"],
        ["import", "mapping.yaml", "20250101.csv", "20250102.csv", "-o", "out.jsonl"],
        ["extract", "claims/fifo.yaml"],
        ["new-source", "--id", "x", "--title", "t", "--publisher", "p", "--kind", "other", "--published", "2025",
         "--from-text", "claims/zero.yaml", "-o", "x.yaml"],
    ],  # fmt: skip
    ids=["check", "validate", "report", "resolve", "fmt-check", "fmt", "import", "extract", "new-source"],
)
def test_every_command_refuses_a_special_file_named_on_its_command_line(project, args):
    """A FIFO (reading it would wait forever) and a link to /dev/zero (it never ends), as a pre-commit hook or a
    person names them: each command says that it is no regular file, at once, within a small memory."""
    os.mkfifo(project / "claims" / "fifo.yaml")
    (project / "claims" / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(project / "20250101.csv")
    (project / "20250102.csv").symlink_to("/dev/zero")
    day = "day: {file_name: '(\\d{8})', format: '%Y%m%d'}\n"  # the day from the table's name: no column read first
    mapping = f"source: {{column: source}}\nsubject: {{column: flight}}\n{day}metrics: {{}}\n"
    (project / "mapping.yaml").write_text(mapping, "utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run(
        [sys.executable, "-c", "from checker.cli import run_cli; run_cli()", *args],
        cwd=project, env=env, capture_output=True, text=True, timeout=60, preexec_fn=_limited,
    )  # fmt: skip
    said = done.stdout + done.stderr
    assert "Traceback" not in said and "internal error" not in said, said[-2000:]
    assert done.returncode in (0, 1, 2) and ("not a regular file" in said or args[0] == "resolve"), said[-2000:]


def test_a_cache_folder_where_the_repository_decides_what_there_is_is_refused(tmp_path, monkeypatch):
    """The repository (here the settings' folder), the git work tree around it, the archive roots: a pull request
    could commit a cache there. A link that leads in counts as being in."""
    from checker.formats.confine import cache_problem

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "docs").mkdir()
    (tmp_path / "archives").mkdir()
    (tmp_path / "into").symlink_to(repo)
    config = Config(path=repo / "docs" / "claimcheck.toml", archive_roots=[tmp_path / "archives"])
    rules = confinement(config, start=repo / "docs")
    assert "inside the repository" in cache_problem(repo / "docs" / ".ccache", rules, config, True)
    assert "inside the git work tree" in cache_problem(repo / ".ccache", rules, config, False)
    assert "archive-roots" in cache_problem(tmp_path / "archives" / "cache", rules, config, True)
    assert "inside the git work tree" in cache_problem(tmp_path / "into" / "cache", rules, config, True)
    assert cache_problem(tmp_path / "cache", rules, config, True) == ""


def test_without_a_repository_only_a_cache_folder_given_in_the_working_directory_is_refused(tmp_path, monkeypatch):
    from checker.formats.confine import cache_problem

    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.chdir(home)
    rules = confinement(Config())
    assert "inside the repository" in cache_problem(home / ".ccache", rules, Config(), True)
    assert cache_problem(home / ".cache" / "claimcheck" / "0123", rules, Config(), False) == ""


def test_a_default_cache_folder_inside_the_checkout_is_not_used(project, monkeypatch):
    """Nobody asked for that place: the run checks everything afresh, says why, and writes nothing there."""
    fresh = run_cli(project, "check", "--format", "json", "--no-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / ".cache"))
    done = run_cli(project, "check", "--format", "json")
    assert (done.exit_code, done.stdout) == (fresh.exit_code, fresh.stdout)
    assert "the cache is not used: its default folder" in done.stderr and "inside the repository" in done.stderr
    assert not (project / ".cache").exists()


# ------------------------------------------------------------------ the cache's trust


@pytest.mark.parametrize("seal", ["xxh3", "stale-mac", "other-key"])
def test_a_forged_cache_entry_cannot_turn_an_error_into_info(tmp_path, seal):
    """An entry changed by anyone without the user's key is not used, whatever it carries: a checksum anyone can
    compute (XXH3, as entries once had), the HMAC it had before, or one made with another key."""
    import hashlib
    import hmac

    import xxhash

    from checker.engine import cache

    project = tmp_path / "project"
    write_corpus(project, {  # a contradiction, the one error of the run
        "a.yaml": one_source("a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
        "b.yaml": one_source("b", "2025-07-02", claim("p", "partners", 10, as_of="2025-06-30")),
    })  # fmt: skip
    (project / "pyproject.toml").write_text(SETTINGS, "utf-8")
    folder = tmp_path / "cache"
    first = run_cli(project, "check", "--format", "json", "--cache", str(folder))
    assert first.exit_code == 1 and [f["severity"] for f in _findings(first.stdout)].count("error") == 1
    subjects = folder / cache.SUBJECTS
    before = subjects.read_bytes()
    body = before.rstrip(b"\n").rpartition(b"\n")[0] + b"\n"
    forged = body.replace(b'"error"', b'"info" ')  # every error made info, each the same size as before
    if seal == "xxh3":
        trailer = json.dumps({"checksum": xxhash.xxh3_128(forged).hexdigest()}).encode()
    elif seal == "stale-mac":
        trailer = before.rstrip(b"\n").rpartition(b"\n")[2]
    else:
        named = hashlib.sha256(f"{cache._STAMP}\0{cache.SUBJECTS}".encode()).digest()
        other = hmac.new(os.urandom(32), named, "sha256")  # as claimcheck makes it, with another key
        other.update(forged)
        trailer = json.dumps({"mac": other.hexdigest()}).encode()
    subjects.write_bytes(forged + trailer + b"\n")  # what a pull request could plant: no size changes, valid JSON
    again = run_cli(project, "check", "--format", "json", "--cache", str(folder))
    assert again.exit_code == 1 and again.stdout == first.stdout  # the error is back: the entry was not used
    assert subjects.read_bytes() == before  # and it was rewritten


def test_the_key_folder_inside_the_repository_turns_the_cache_off(project, tmp_path, monkeypatch):
    """With its key where a pull request could write, no entry can be trusted: the run goes on without the cache."""
    fresh = run_cli(project, "check", "--format", "json", "--no-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(project / ".xdg"))
    done = run_cli(project, "check", "--format", "json", "--cache", str(tmp_path / "cache"))
    assert (done.exit_code, done.stdout) == (fresh.exit_code, fresh.stdout)
    assert "the cache is not used: the folder of its key" in done.stderr
    assert not (project / ".xdg").exists() and not (tmp_path / "cache").exists()


def test_a_key_that_is_not_safe_turns_the_cache_off_and_says_so(project, tmp_path, monkeypatch):
    from checker.engine import cachekey

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cachekey, "_KEYS", {})
    (tmp_path / "xdg" / "claimcheck").mkdir(parents=True)
    (tmp_path / "elsewhere").write_bytes(b"k" * cachekey.KEY_BYTES)
    (tmp_path / "xdg" / "claimcheck" / cachekey.KEY_FILE).symlink_to(tmp_path / "elsewhere")
    done = run_cli(project, "check", "--cache", str(tmp_path / "cache"))
    assert done.exit_code == 1 and "the cache is not used" in done.stderr and "symbolic link" in done.stderr
    assert not (tmp_path / "cache").exists()
