"""SARIF 2.1.0, as GitHub code scanning accepts it.

One rule per check and verdict (``value-conflict/contradiction``), described
from the check's own documentation; one result per finding, located at its
claim (start and end line and column), with the other claims of a conflict as
related locations and a partial fingerprint that holds no line number, so the
alert survives unrelated edits. Acknowledged findings carry an external
suppression with the reviewer's justification. GitHub's documented limits are
kept: at most 25,000 results a run (the most severe kept, the cut reported),
1,000 locations a result and 20 tags a rule.
"""

from __future__ import annotations

from typing import Any

from checker import __version__, checks
from checker.engine import Result
from checker.findings import Finding, Location
from checker.jsontext import pretty

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000
MAX_LOCATIONS = 1_000
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
FINGERPRINT_KEY = "claimcheckFinding/v1"
INPUT_RULES = {
    "yaml-syntax": "a file that cannot be read as safe YAML",
    "schema": "a claim file that does not follow the claim format",
    "vocabulary": "a subject, metric or origin that rules/ does not know",
    "value": "a value or time that does not fit its metric",
    "duplicate-id": "an id used twice",
    "archive": "an archived text that cannot be read",
    "rules": "a rules file that cannot be used",
    "io": "a path that cannot be read",
    "acknowledgement": "an acknowledgement that is expired, stale or malformed",
}


def rule_id(finding: Finding) -> str:
    """The SARIF rule of a finding: its check and verdict."""
    return f"{finding.check}/{finding.verdict}"


def _rule(check: str, verdict: str, level: str) -> dict[str, Any]:
    module = checks.REGISTRY.get(check)
    if module is not None:
        doc = (module.__doc__ or "").strip()
        summary = doc.splitlines()[0].split(": ", 1)[-1]
        text = f"{summary} Verdict: {verdict}."
    else:
        doc = f"Input problem: {INPUT_RULES.get(check, check)}. The message says what is wrong and the hint what to do."
        text = f"{INPUT_RULES.get(check, check)}."
    return {
        "id": f"{check}/{verdict}",
        "name": f"{check}-{verdict}".replace("-", " ").title().replace(" ", ""),
        "shortDescription": {"text": text[:1024]},
        "fullDescription": {"text": doc.split("\n\n")[0] if module else doc},
        "help": {"text": doc, "markdown": f"```\n{doc}\n```"},
        "defaultConfiguration": {"level": LEVELS[level]},
        "properties": {"tags": ["claimcheck", check, verdict][:20]},
    }


def _physical(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": location.line, "startColumn": location.col}
    if location.end_line:
        region["endLine"] = max(location.end_line, location.line)
        if location.end_col:
            region["endColumn"] = location.end_col
    return {"artifactLocation": {"uri": location.path, "uriBaseId": "%SRCROOT%"}, "region": region}


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    text = finding.message + (f" — {finding.note}" if finding.note else "")
    result: dict[str, Any] = {
        "ruleId": rule_id(finding),
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": text},
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"verdict": finding.verdict, "status": finding.status, "judged": finding.judged},
    }
    if finding.subject:
        result["properties"].update(subject=finding.subject, metric=finding.metric)
    primary = finding.location or (finding.claims[0].location if finding.claims else None)
    if primary is not None:
        result["locations"] = [{"physicalLocation": _physical(primary)}]
    related = []
    for index, ref in enumerate(finding.claims[:MAX_LOCATIONS]):
        if ref.location == primary:
            continue
        related.append(
            {
                "id": index,
                "physicalLocation": _physical(ref.location),
                "message": {"text": f"{ref.source}: {ref.value} {ref.time} — “{ref.quote}”".strip()},
            }
        )
    if related:
        result["relatedLocations"] = related
    if finding.status == "acknowledged":
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": finding.acknowledgement}]
    return result


def render(result: Result) -> str:
    """The findings as one SARIF log with one run."""
    findings = sorted(result.findings, key=lambda f: (-f.rank, f.check, f.fingerprint))
    kept = findings[:MAX_RESULTS]
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    results = []
    for finding in sorted(kept, key=lambda f: (f.subject, f.metric, f.check, f.fingerprint)):
        key = rule_id(finding)
        if key not in rules:
            rules[key] = len(rule_list)
            rule_list.append(_rule(finding.check, finding.verdict, finding.severity))
        results.append(_result(finding, rules[key]))
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if len(findings) > MAX_RESULTS:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {
                    "text": f"{len(findings)} findings: only the {MAX_RESULTS} most severe are in this file, "
                    "GitHub's limit for one run"
                },
            }
        ]
    log = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "claimcheck",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rule_list,
                    }
                },
                "invocations": [invocation],
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return pretty(log)
