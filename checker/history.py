"""What changed against a git revision: the findings the same corpus gave then, compared with those it gives now.

An editor's weekly question is "what is new". The claim files and the rules
as they stood at the revision are read from git (``git ls-tree``, ``git
show``), never checked out: the working tree is left as it is. The claim
files are read under the paths they have now, so their archived texts are
the ones at hand and a finding about a file that did not change has the same
fingerprint then and now; the rules are written to a temporary folder.
Findings are matched by fingerprint (which names what a finding is about,
never its verdict or its line): a fingerprint found only now is new, one
found only then is resolved, and one found at both with another verdict has
changed.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from checker.engine import run
from checker.findings import Finding, sort_key
from checker.loading import CLAIM_SUFFIXES, display_path
from checker.result import Changes


class HistoryError(Exception):
    """The revision cannot be read: no git, not a repository, or no such revision."""


def _git(cwd: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True)
    except FileNotFoundError:
        raise HistoryError("--since needs git, which is not installed") from None
    except subprocess.CalledProcessError as exc:
        said = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise HistoryError(f"git {' '.join(args)}: {said[-1] if said else exc}") from None
    return done.stdout


def _files_at(top: Path, revision: str, path: Path) -> list[str]:
    """The files under ``path`` (a file or a folder of the repository) at ``revision``, as paths from its top."""
    try:
        inside = path.resolve().relative_to(top)
    except ValueError:
        raise HistoryError(f"--since compares files of the repository, and {path} lies outside it") from None
    listed = _git(top, "ls-tree", "-r", "-z", "--name-only", revision, "--", inside.as_posix() or ".")
    return sorted(name for name in listed.decode("utf-8", "surrogateescape").split("\0") if name)


def findings_at(revision: str, load: Iterable[Path], rules: Path, cwd: Path) -> tuple[list[Finding], str]:
    """The findings of the claim files under ``load`` and the rules in ``rules`` as they stood at ``revision``, and
    the commit it names (short). Raise :class:`HistoryError` when git cannot say."""
    top = Path(_git(cwd, "rev-parse", "--show-toplevel").decode("utf-8", "surrogateescape").strip())
    try:
        commit = _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").decode().strip()
    except HistoryError:
        raise HistoryError(f'--since: git knows no commit "{revision}" in this repository') from None
    short = _git(top, "rev-parse", "--short", commit).decode().strip()
    texts = []
    for root in load:
        for name in _files_at(top, commit, root):
            if Path(name).suffix.lower() in CLAIM_SUFFIXES:
                text = _git(top, "show", f"{commit}:{name}").decode("utf-8", "replace")
                texts.append((top / name, text))
    with tempfile.TemporaryDirectory(prefix="claimcheck-since-") as folder:
        then = Path(folder)
        inside = rules.resolve().relative_to(top) if rules.resolve().is_relative_to(top) else None
        if inside is None:
            raise HistoryError(f"--since compares files of the repository, and {rules} lies outside it")
        for name in _files_at(top, commit, rules):
            target = then / Path(name).relative_to(inside.as_posix() or ".")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(_git(top, "show", f"{commit}:{name}"))
        result = run([], then, texts=texts)
        shown_then, shown_now = display_path(then), display_path(rules)
        findings = [_renamed(finding, shown_then, shown_now) for finding in result.findings]
    return findings, short


def _renamed(finding: Finding, then: str, now: str) -> Finding:
    """A finding of the rules read from the temporary folder, named as the rules folder is named now."""
    location = finding.location
    if location is None or not location.path.startswith(then):
        return finding
    moved = replace(location, path=now + location.path[len(then) :])
    return replace(finding, location=moved, message=finding.message.replace(then, now))


def _identity(finding: Finding) -> tuple[str, ...]:
    """What a finding is about, the same then and now: its fingerprint; for an input problem (whose fingerprint
    names the rules' folder it was read from), its check, file and message."""
    if finding.subject:
        return (finding.fingerprint,)
    return ("input", finding.check, finding.location.path if finding.location else "", finding.message)


def compare(revision: str, then: list[Finding], now: list[Finding]) -> Changes:
    """The findings new since ``revision``, those resolved since, and those whose verdict changed (then, now), each
    in the order reports list findings."""
    before = {_identity(finding): finding for finding in then}
    after = {_identity(finding): finding for finding in now}
    new = sorted((after[key] for key in after.keys() - before.keys()), key=sort_key)
    resolved = sorted((before[key] for key in before.keys() - after.keys()), key=sort_key)
    changed = sorted(
        (
            (before[key], after[key])
            for key in before.keys() & after.keys()
            if before[key].verdict != after[key].verdict
        ),
        key=lambda pair: sort_key(pair[1]),
    )
    return Changes(revision, new, resolved, changed)
