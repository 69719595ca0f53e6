"""What the CI reports share: which findings a reviewer sees first when a list is cut, and where each is shown.

A CI system shows only so much of a run (GitHub ten annotations of a level a
step, code scanning 25,000 results, a job summary of 1 MiB), so the reports
that feed one cut long lists, and all of them in one order: first the
findings of the files judged, then the context (findings that involve none
of them, in a run with ``--since`` or paths); within each, the most severe
first; of one severity, open findings (and expired ones) before those a
reviewer has accepted, and then the verdicts that most need a person.

A finding is shown where the change is: on its claim in a file the run is
judged on (see :func:`checker.model.findings.primary_location`), so that a conflict
a pull request brings in lands on the pull request's diff; its other claims
are named beside it.
"""

from __future__ import annotations

from typing import Callable, Optional

from checker.model.findings import SEVERITY_RANK, Finding, Location, at_fail_level, primary_location
from checker.reporting.document import ATTENTION

#: how many other claims a one-line message names before it says how many more there are
NAMED = 5
#: which files a run is judged on, as :attr:`checker.corpus.result.Result.focus` tells it (None: every file)
Judged = Optional[Callable[[str], bool]]


def actionable(finding: Finding, fail_on: str, strict: bool = False) -> bool:
    """Whether a reviewer should act on a finding of a run that fails at ``fail_on`` (and ``strict``): it may fail
    the run (open or expired, in the files judged) and is at the fail level or a warning; information only when the
    run fails on it."""
    level = min(SEVERITY_RANK[fail_on], SEVERITY_RANK["warning"])
    return finding.counts and (finding.rank >= level or at_fail_level(finding, fail_on, strict))


def priority(finding: Finding) -> tuple:
    """Sort key: what a reviewer must act on first (see the module's documentation)."""
    urgency = ATTENTION.index(finding.verdict) if finding.verdict in ATTENTION else len(ATTENTION)
    where = finding.location
    place = (where.path, where.line, where.col) if where is not None else ("", 0, 0)
    return (not finding.judged, -finding.rank, not finding.counts, urgency, finding.subject, finding.metric,
            finding.check, finding.fingerprint, place, finding.message)  # fmt: skip


def shown_at(finding: Finding, judged: Judged) -> Optional[Location]:
    """Where a report shows a finding: its claim in a judged file when it has one (None: it names no file)."""
    where = primary_location(finding, judged)
    return where if where is not None and where.path else None


def on_judged_file(finding: Finding, judged: Judged) -> bool:
    """Whether a finding is shown on a file the run is judged on."""
    where = shown_at(finding, judged)
    return where is not None and (judged is None or judged(where.path))


def elsewhere(finding: Finding, primary: Optional[Location]) -> list[tuple[Location, str]]:
    """The other places a finding names, as (location, who says what there): each claim not at ``primary``,
    then its own location when that is neither ``primary`` nor a claim's."""
    out = []
    for ref in finding.claims:
        if ref.location != primary:
            said = " ".join(part for part in (ref.value, ref.time) if part)
            out.append((ref.location, f"{ref.source}: {said}" if said else ref.source))
    own = finding.location
    if own is not None and own.path and own != primary and all(own != ref.location for ref in finding.claims):
        out.append((own, ""))
    return out


def named(places: list[tuple[Location, str]]) -> str:
    """The other places in one line ("" for none): file:line and who says what there, the first few of them."""
    if not places:
        return ""
    words = [f"{where.path}:{where.line}" + (f" ({said})" if said else "") for where, said in places[:NAMED]]
    more = len(places) - NAMED
    return "also at " + "; ".join(words) + (f"; and {more} more places" if more > 0 else "")
