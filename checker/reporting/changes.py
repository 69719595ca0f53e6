"""What changed against a git revision, in the words every report uses (see :mod:`checker.gate.history`)."""

from __future__ import annotations

from typing import NamedTuple

from checker.corpus.result import Changes
from checker.model.findings import Finding


class Item(NamedTuple):
    """One change: new, resolved or changed, with the verdict (then → now for a change) and what it is about."""

    kind: str  # "new", "resolved", "changed"
    verdict: str  # "contradiction", or "timing → contradiction"
    topic: str  # the subject and metric, or the file of an input problem
    message: str
    fingerprint: str  # of the finding now: a report links to it ("" for a resolved one, which it no longer lists)


def _topic(finding: Finding) -> str:
    if finding.topic:
        return finding.topic
    return finding.location.path if finding.location else finding.check


def items(changes: Changes) -> list[Item]:
    """Every change, new ones first, then changed verdicts, then resolved findings."""
    out = [Item("new", f.verdict, _topic(f), f.message, f.fingerprint) for f in changes.new]
    out += [
        Item("changed", f"{then.verdict} → {now.verdict}", _topic(now), now.message, now.fingerprint)
        for then, now in changes.changed
    ]
    out += [Item("resolved", f.verdict, _topic(f), f.message, "") for f in changes.resolved]
    return out


def headline(changes: Changes) -> str:
    """ "Since 1a2b3c4: 2 new findings, 1 resolved, 1 verdict changed"."""
    if not changes:
        return f"Since {changes.revision}: nothing new, nothing resolved, no verdict changed"
    parts = []
    if changes.new:
        parts.append(f"{len(changes.new)} new finding{'s' if len(changes.new) != 1 else ''}")
    if changes.changed:
        parts.append(f"{len(changes.changed)} verdict{'s' if len(changes.changed) != 1 else ''} changed")
    if changes.resolved:
        parts.append(f"{len(changes.resolved)} resolved")
    return f"Since {changes.revision}: {', '.join(parts)}"
