"""What changed against a git revision: the findings the same corpus gave then, compared with those it gives now.

An editor's weekly question is "what is new". The claim files and the rules
as they stood at the revision are written from git (``git archive``) to a
temporary folder, never checked out: the working tree is left as it is. The
claim files are found there as a run finds them now, then read under the
paths they have now, so their archived texts are the ones at hand and a
finding about a file that did not change has the same fingerprint then and
now; the rules are read from the temporary folder, and their findings named
as the rules folder is named now. Findings are matched by fingerprint (which names what a finding is about,
never its verdict or its line): a fingerprint found only now is new, one
found only then is resolved, and one found at both with another verdict has
changed.
"""

from __future__ import annotations

import io
import tarfile
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable

from checker.corpus.result import Changes
from checker.engine import run
from checker.formats.loading import display_path, iter_files
from checker.gate.policy import commit_of, git, top_of
from checker.model.findings import Finding, sort_key


class HistoryError(Exception):
    """The revision cannot be read: no git, not a repository, or no such revision."""


def _git(cwd: Path, *args: str) -> bytes:
    return git(cwd, *args, error=HistoryError)


class Outside(HistoryError):
    """A claim path or the rules folder lies outside the repository, or the rules folder is not in the revision:
    git has no earlier version of it."""


def _inside(top: Path, path: Path) -> str:
    """``path`` as a path from the top of the repository ("." for the top itself)."""
    try:
        return path.resolve().relative_to(top).as_posix() or "."
    except ValueError:
        raise Outside(f"{path} lies outside the repository, so git has no earlier version of it") from None


#: the links and special files a revision may hold are not written out: only folders and regular files
_KINDS = (tarfile.REGTYPE, tarfile.AREGTYPE, tarfile.DIRTYPE)


def _extract(top: Path, commit: str, paths: list[str], into: Path) -> None:
    """Write the files under ``paths`` (from the top of the repository) as they stood at ``commit`` into ``into``,
    at the same places; a path the commit does not have is left out."""
    present = [path for path in paths if _git(top, "ls-tree", commit, "--", path).strip()]
    if not present:
        return
    archive = _git(top, "archive", "--format=tar", commit, "--", *present)
    safe = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if member.type in _KINDS and not Path(member.name).is_absolute() and ".." not in parts:
                tar.extract(member, into, **safe)  # type: ignore[arg-type]


def findings_at(
    revision: str, load: Iterable[Path], rules: Path, cwd: Path, workers: int = 1
) -> tuple[list[Finding], str]:
    """The findings of the claim files under ``load`` and the rules in ``rules`` as they stood at ``revision``, and
    the commit it names (short). Raise :class:`HistoryError` when git cannot say, :class:`Outside` when a path
    lies outside the repository.

    The revision's files are written to a temporary folder and found there as
    a run finds them now (hidden folders, links and names that are not UTF-8
    are passed over alike); each is then read under the path it has now.
    """
    top = top_of(cwd, HistoryError)
    commit = commit_of(revision, top, HistoryError)
    short = _git(top, "rev-parse", "--short", commit).decode().strip()
    roots = [_inside(top, root) for root in load]
    rules_from_top = _inside(top, rules)
    with tempfile.TemporaryDirectory(prefix="claimcheck-since-") as folder:
        then = Path(folder)
        _extract(top, commit, sorted({*roots, rules_from_top}), then)
        texts: list[tuple[Path, str | bytes]] = []
        for path, problem in iter_files([then / root for root in roots if (then / root).exists()]):
            if problem is None:
                texts.append((top / path.relative_to(then), path.read_bytes()))
        rules_then = then / rules_from_top
        if not rules_then.exists():  # the claims then, judged by no rules, would be only unknown names
            raise Outside(
                f"the rules folder {display_path(rules)} did not exist at {short}, so the findings then cannot be told"
            )
        result = run([], rules_then, texts=texts, workers=workers)
        shown_then, shown_now = display_path(rules_then), display_path(rules)
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
