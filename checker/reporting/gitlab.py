"""GitLab Code Quality: a JSON array of issues, each with a unique fingerprint and a severity.

Severities follow GitLab's scale: an input that could not be read is
critical, an error major, a warning minor, information info. Acknowledged
and context findings are left out: the widget shows what needs attention.
"""

from __future__ import annotations

import hashlib
from typing import Any

from checker.engine import Result
from checker.findings import Finding
from checker.jsontext import pretty

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}


def _severity(finding: Finding) -> str:
    if finding.verdict == "invalid" and finding.severity == "error":
        return "critical"
    return SEVERITIES[finding.severity]


def issue(finding: Finding, fingerprint: str) -> dict[str, Any]:
    """One finding as a Code Quality issue."""
    location = finding.location or (finding.claims[0].location if finding.claims else None)
    description = finding.message + (f" ({finding.note})" if finding.note else "")
    return {
        "type": "issue",
        "description": description,
        "check_name": f"{finding.check}/{finding.verdict}",
        "categories": ["Bug Risk"] if finding.severity == "error" else ["Clarity"],
        "fingerprint": fingerprint,
        "severity": _severity(finding),
        "location": {
            "path": location.path if location else ".",
            "lines": {
                "begin": location.line if location else 1,
                "end": max(location.end_line, location.line) if location else 1,
            },
        },
    }


def render(result: Result) -> str:
    """The open findings as a Code Quality report."""
    issues = []
    seen: dict[str, int] = {}
    for finding in result.findings:
        if not finding.counts:
            continue
        # fingerprints are unique per finding; the counter only guards a repeat, deterministically
        count = seen.get(finding.fingerprint, 0)
        seen[finding.fingerprint] = count + 1
        unique = hashlib.md5(f"{finding.fingerprint}:{count}".encode(), usedforsecurity=False).hexdigest()
        issues.append(issue(finding, unique))
    return pretty(issues)
