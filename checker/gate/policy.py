"""The failing policy of a CI gate: what a run is judged on, and its exit code.

A pull request is judged on what it touches: findings none of whose claims
(or, for a bad input, whose file) lie in the files given on the command line
or changed since a git revision are kept as context — shown, never failing —
while the whole corpus is still loaded, so that a new claim's conflict with an
old one is seen. Acknowledged findings do not fail; expired acknowledgements
do; stale ones fail under ``--strict``.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, replace
from fnmatch import fnmatch
from pathlib import Path
from typing import Iterable, Optional

from checker.formats.confine import resolved
from checker.formats.settings import PerPath
from checker.model.findings import SEVERITY_RANK, Finding, at_fail_level, files_of

EXIT_SUCCESS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


class GateError(Exception):
    """The gate cannot tell what to judge (a git revision that does not resolve, no git)."""


@dataclass(frozen=True)
class Policy:
    """When a run fails."""

    fail_on: str = "error"
    strict: bool = False
    exit_zero: bool = False


def git(cwd: Path, *args: str, error: type[Exception] = GateError) -> bytes:
    """What ``git ARGS`` run in ``cwd`` writes; raises ``error``, saying why, when git is not installed or fails
    (the last line git wrote to stderr: its "fatal: ..." line)."""
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True)
    except FileNotFoundError:
        raise error("--since needs git, which is not installed") from None
    except subprocess.CalledProcessError as exc:
        said = exc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise error(f"git {' '.join(args)}: {said[-1] if said else exc}") from None
    return done.stdout


def top_of(cwd: Path, error: type[Exception] = GateError) -> Path:
    """The top folder of the git work tree ``cwd`` lies in; raises ``error`` (git's own words) when there is none,
    or no git."""
    return Path(os.fsdecode(git(cwd, "rev-parse", "--show-toplevel", error=error).rstrip(b"\n")))


def commit_of(revision: str, top: Path, error: type[Exception] = GateError) -> str:
    """The commit ``revision`` names in the repository at ``top`` (its full hash); raises ``error`` when it names
    none. A revision that begins with "-" is refused before git sees it: git would read it as an option
    (``--output=FILE`` writes a file)."""
    if not revision or revision.startswith("-"):
        raise error(f'--since: "{revision}" is not a git revision (a branch, a tag or a commit)')
    try:  # git and the repository are known to be there: a failure here can only mean no such commit
        found = git(top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}", error=error)
    except error:
        raise error(f'--since: git knows no commit "{revision}" in this repository') from None
    return found.decode("ascii").strip()


def changed_since(revision: str, cwd: Path) -> set[Path]:
    """Files changed since ``revision`` (committed or not, and new files git does not ignore), anywhere in the
    work tree ``cwd`` lies in. git is run at the top of the work tree, where it names every path from there (from
    a folder below it, ``ls-files`` would name them from that folder)."""
    top = top_of(cwd)
    commit = commit_of(revision, top)

    def names(*args: str) -> list[str]:  # each name as git has it, ended by NUL: never quoted (é is not \303\251)
        return [os.fsdecode(name) for name in git(top, *args).split(b"\0") if name]

    # --no-relative: the names from the top whatever diff.relative says
    changed = names("diff", "--no-relative", "--name-only", "-z", commit, "--")
    changed += names("ls-files", "-z", "--others", "--exclude-standard")
    return {(top / name).resolve() for name in changed}


def within(path: Path, roots: Iterable[Path]) -> bool:
    """True when ``path`` is one of ``roots`` or lies under one."""
    return any(path == root or root in path.parents for root in roots)


class Focus:
    """Which files a run is judged on: files and folders (resolved), asked about by the paths findings name."""

    def __init__(self, roots: set[Path]) -> None:
        self.roots = roots
        self._known: dict[str, bool] = {}  # a path as findings name it -> whether it lies in focus

    def __call__(self, path: str) -> bool:
        known = self._known.get(path)
        if known is None:
            known = self._known[path] = within(resolved(Path(path)), self.roots)  # a path may be a link that loops
        return known


def mark_focus(findings: list[Finding], focus: Optional[Focus]) -> list[Finding]:
    """Findings none of whose files ``focus`` judges (None: every file is judged) marked as not judged."""
    if focus is None:
        return findings
    return [f if any(focus(p) for p in files_of(f)) else replace(f, judged=False) for f in findings]


@dataclass(frozen=True)
class Selection:
    """Which checks' findings a run reports, for all files and for some (settings ``per-path``), and the most
    severe level the findings of some files are reported at. Input problems are always reported: a file that
    cannot be read must not pass by being ignored."""

    select: tuple[str, ...] = ()  # empty: every check
    ignore: tuple[str, ...] = ()
    per_path: tuple[PerPath, ...] = ()
    base: Path = Path(".")  # the folder per-path patterns are relative to
    checks: frozenset[str] = frozenset()  # the ids select and ignore may name (the checks' registry)

    def _rules_for(self, finding: Finding) -> list[PerPath]:
        if not self.per_path:
            return []
        files = [_relative(Path(p), self.base) for p in files_of(finding)]
        return [rule for rule in self.per_path if files and all(_matches(f, rule.patterns) for f in files)]

    def apply(self, findings: list[Finding]) -> list[Finding]:
        """The findings reported, each at the severity its files allow."""
        if not (self.select or self.ignore or self.per_path):
            return findings
        out = []
        for finding in findings:
            select, ignore, ceiling = self.select, self.ignore, None
            for rule in self._rules_for(finding):  # later tables win, as in the settings' order
                select = rule.select or select
                ignore = ignore + rule.ignore
                ceiling = rule.severity or ceiling
            if finding.check in self.checks and ((select and finding.check not in select) or finding.check in ignore):
                continue
            if ceiling is not None and finding.rank > SEVERITY_RANK[ceiling]:
                finding = with_severity(finding, ceiling)
            out.append(finding)
        return out


def with_severity(finding: Finding, severity: str) -> Finding:
    """The finding reported at another severity."""
    return replace(finding, severity=severity)


def _relative(path: Path, base: Path) -> str:
    """A finding's file as a path relative to ``base`` (the settings' folder), with / separators."""
    try:
        return resolved(path).relative_to(resolved(base)).as_posix()
    except ValueError:
        return path.as_posix()


def _matches(path: str, patterns: tuple[str, ...]) -> bool:
    """Whether ``path`` matches one of ``patterns`` (shell patterns; a folder stands for everything under it)."""
    return any(fnmatch(path, pattern) or path.startswith(pattern.rstrip("/") + "/") for pattern in patterns)


def failing(findings: list[Finding], policy: Policy) -> list[Finding]:
    """The findings that fail the run: judged, not accepted by an acknowledgement, at the fail level (a stale
    acknowledgement also under --strict)."""
    return [finding for finding in findings if finding.counts and at_fail_level(finding, policy.fail_on, policy.strict)]


def exit_code(findings: list[Finding], policy: Policy, broken_rules: bool) -> int:
    """The exit code of a run."""
    if broken_rules:
        return EXIT_ERROR
    if failing(findings, policy) and not policy.exit_zero:
        return EXIT_FAIL
    return EXIT_SUCCESS
