"""GitHub Actions workflow commands: an annotation on the claim's line for the findings that matter most.

Which findings: those a reviewer should act on, as in the GitLab report —
open (and expired) findings of the files judged at the fail level and
warnings, information only when the run fails on it. Each is shown on its
claim in a judged file, on the pull request's diff, and its message names
the other claims.

GitHub shows at most ten annotations of each level (error, warning, notice)
a step and fifty a job, and drops the rest without a word. So the findings
shown on the files judged come first, the most serious first (see
:mod:`checker.reporting.triage`), at most ten of a level, and, when some are
left out, the output ends with one notice that says how many (a notice that
takes one of the ten places of its level). Values are escaped as the
workflow-command syntax requires, and made inert before (see
:mod:`checker.reporting.inert`): a message shows a hidden character by its code
point and holds no "##[" a runner would read as a command of its own.
"""

from __future__ import annotations

from checker.corpus.result import Result
from checker.model.findings import Finding
from checker.reporting.inert import inert
from checker.reporting.triage import Judged, actionable, elsewhere, named, on_judged_file, priority, shown_at

#: what GitHub shows of one step: annotations of each level, and in all (of a job: no step can show more)
PER_LEVEL = 10
PER_STEP = 50
COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a message for a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value (file, title) for a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding, judged: Judged = None) -> str:
    """One finding as an annotation command, on its claim in a judged file (``judged``: as Result.focus)."""
    properties = []
    location = shown_at(finding, judged)
    if location is not None:
        properties.append(f"file={escape_property(inert(location.path))}")
        properties.append(f"line={location.line}")
        if location.last_line > location.line:
            properties.append(f"endLine={location.last_line}")
        else:
            properties.append(f"col={location.col}")
    title = f"claimcheck {finding.check}: {finding.verdict}"
    properties.append(f"title={escape_property(title)}")
    others = named(elsewhere(finding, location))
    text = "\n".join(part for part in (finding.message, finding.note, others, finding.hint) if part)
    return f"::{COMMANDS[finding.severity]} {','.join(properties)}::{escape_data(inert(text))}"


def render(result: Result) -> str:
    """The annotations of the findings to act on, as many as GitHub shows, the most important first."""
    judged = result.focus
    chosen = [f for f in result.findings if actionable(f, result.fail_on, result.strict)]
    chosen.sort(key=lambda f: (not on_judged_file(f, judged), priority(f)))
    lines: list[tuple[str, str]] = []  # (level, command)
    per_level = dict.fromkeys(COMMANDS, 0)
    for finding in chosen:
        if per_level[finding.severity] < PER_LEVEL and len(lines) < PER_STEP - 1:
            per_level[finding.severity] += 1
            lines.append((finding.severity, annotation(finding, judged)))
    left = len(chosen) - len(lines)
    if left and per_level["info"] == PER_LEVEL:  # the closing notice takes the place of the last one
        drop = max(i for i, (level, _) in enumerate(lines) if level == "info")
        del lines[drop]
        left += 1
    out = [text for _, text in lines]
    if left:
        out.append(
            f"::notice title=claimcheck::{left} more finding{'s are' if left != 1 else ' is'} not annotated "
            f"(GitHub shows {PER_LEVEL} annotations of each level a step): see the job summary, "
            "or the SARIF or JSON report, for all of them"
        )
    return "\n".join(out) + ("\n" if out else "")
