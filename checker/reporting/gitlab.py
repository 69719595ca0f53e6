"""GitLab Code Quality: the findings a reviewer should act on, as a JSON array of issues.

What is in it: the open findings of the files judged (expired ones too: they
fail again) at the fail level, and warnings whatever the fail level;
information (corroborations, relations that hold) only when the run fails
on it (``--fail-on info``), as the merge request widget is for what needs
doing. Acknowledged findings, and findings that involve none of the files
judged, are left out.

Each issue has the fields GitLab requires: a description, the check name
(check and verdict), a fingerprint unique in the report and stable across
runs (made from the finding's own fingerprint, which holds no line number, so
that GitLab can tell new issues from ones already on the target branch), a
severity on GitLab's scale (an input that could not be read is critical, an
error major, a warning minor, information info) and a location, path and
first line. The location is the finding's claim in a judged file, where the
merge request's diff shows it; the description names the other claims, and
shows a hidden character by its code point, ``⟨U+202E⟩`` (see
:mod:`checker.reporting.inert`).
"""

from __future__ import annotations

import hashlib
from typing import Any

from checker.corpus.result import Result
from checker.formats.jsontext import pretty
from checker.model.findings import Finding
from checker.reporting.inert import visible
from checker.reporting.triage import Judged, actionable, elsewhere, named, shown_at

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def _severity(finding: Finding) -> str:
    if finding.verdict == "invalid" and finding.severity == "error":
        return "critical"
    return SEVERITIES[finding.severity]


def issue(finding: Finding, fingerprint: str, judged: Judged = None) -> dict[str, Any]:
    """One finding as a Code Quality issue, shown on its claim in a judged file (None: every file is judged)."""
    location = shown_at(finding, judged)
    others = named(elsewhere(finding, location))
    description = finding.message + (f" ({finding.note})" if finding.note else "") + (f"; {others}" if others else "")
    return {
        "type": "issue",
        "description": visible(description),
        "check_name": f"{finding.check}/{finding.verdict}",
        "categories": ["Bug Risk"] if finding.severity == "error" else ["Clarity"],
        "fingerprint": fingerprint,
        "severity": _severity(finding),
        "location": {
            "path": location.path if location else ".",
            "lines": {
                "begin": location.line if location else 1,
                "end": location.last_line if location else 1,
            },
        },
    }


def render(result: Result) -> str:
    """The findings to act on as a Code Quality report."""
    issues = []
    seen: dict[str, int] = {}
    for finding in result.findings:
        if not actionable(finding, result.fail_on, result.strict):
            continue
        # fingerprints are unique per finding; the counter only guards a repeat, deterministically
        count = seen.get(finding.fingerprint, 0)
        seen[finding.fingerprint] = count + 1
        unique = hashlib.md5(f"{finding.fingerprint}:{count}".encode(), usedforsecurity=False).hexdigest()
        issues.append(issue(finding, unique, result.focus))
    return pretty(issues)
