"""GitHub Actions workflow commands: an annotation on the claim's line for the findings that matter most.

GitHub shows at most ten annotations of each level per step, so the open
findings are ranked (most severe first) and the first ten errors, ten
warnings and ten notices are written; the count of the rest closes the output.
Values are escaped as the workflow-command syntax requires.
"""

from __future__ import annotations

from checker.engine import Result
from checker.findings import Finding

PER_LEVEL = 10
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a message for a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, title) for a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    """One finding as an annotation command."""
    properties = []
    location = finding.location or (finding.claims[0].location if finding.claims else None)
    if location is not None:
        properties.append(f"file={escape_property(location.path)}")
        properties.append(f"line={location.line}")
        if location.end_line and location.end_line > location.line:
            properties.append(f"endLine={location.end_line}")
        else:
            properties.append(f"col={location.col}")
    title = f"claimcheck {finding.check}: {finding.verdict}"
    properties.append(f"title={escape_property(title)}")
    text = (
        finding.message + (f"\n{finding.note}" if finding.note else "") + (f"\n{finding.hint}" if finding.hint else "")
    )
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(text)}"


def render(result: Result) -> str:
    """The annotations of the open findings, most important first."""
    lines = []
    left = 0
    for level in ("error", "warning", "info"):
        chosen = [f for f in result.findings if f.counts and f.severity == level]
        chosen.sort(key=lambda f: (f.verdict != "contradiction", f.check, f.fingerprint))
        lines += [annotation(f) for f in chosen[:PER_LEVEL]]
        left += max(0, len(chosen) - PER_LEVEL)
    if left:
        lines.append(
            f"::notice title=claimcheck::{left} more findings are not annotated; see the job summary or the report"
        )
    return "\n".join(lines) + ("\n" if lines else "")
