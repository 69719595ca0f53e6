"""Counts of a run's findings per check, verdict and severity, with how many are open (`check --statistics`)."""

from __future__ import annotations

from collections import Counter

from tabulate import tabulate

from checker.corpus.result import Result
from checker.model.findings import ACKNOWLEDGED, EXPIRED, OPEN, SEVERITY_RANK
from checker.reporting.inert import inert


def render(result: Result) -> str:
    """A table: one row per check, verdict and severity, most severe first, then a line of totals."""
    rows: Counter[tuple[str, str, str]] = Counter()
    states: dict[tuple[str, str, str], Counter[str]] = {}
    for finding in result.findings:
        key = (finding.check, finding.verdict, finding.severity)
        rows[key] += 1
        state = "context" if not finding.judged else "acknowledged" if finding.status == ACKNOWLEDGED else "open"
        if finding.judged and finding.status not in (OPEN, EXPIRED, ACKNOWLEDGED):
            state = "open"  # a stale acknowledgement is open: it asks for action
        states.setdefault(key, Counter())[state] += 1
    order = sorted(rows, key=lambda key: (-SEVERITY_RANK[key[2]], key[0], key[1]))
    table = [
        (check, verdict, severity, rows[key], states[key]["open"], states[key]["acknowledged"], states[key]["context"])
        for key in order
        for check, verdict, severity in [key]
    ]
    total = sum(rows.values())
    if not table:
        return "no findings\n"
    headers = ("check", "verdict", "severity", "findings", "open", "acknowledged", "context")
    text = tabulate(table, headers=headers, tablefmt="simple", colalign=("left", "left", "left", "right", "right", "right", "right"))
    return inert(text + f"\n{total} finding{'s' if total != 1 else ''}\n")  # printed to a terminal or a CI log
