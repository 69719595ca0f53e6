"""SARIF 2.1.0, valid against the published schema and as GitHub code scanning accepts it.

One rule per check and verdict (``value-conflict/contradiction``), described
from the check's own documentation; one result per finding, with a partial
fingerprint that holds no line number, so that an alert survives unrelated
edits.

Where a result stands: its location is the finding's claim in a file the run
is judged on (a conflict a change brings in lands on the changed file, on the
pull request's diff); the other claims are its related locations.

Acknowledged findings are kept, with an external suppression of status
``accepted`` whose justification says who reviewed them, on which day, until
when, and why: code scanning shows them as dismissed rather than dropping
them. An expired acknowledgement suppresses nothing: the finding is open
again.

Findings that involve none of the files judged (context, in a run with
``--since`` or paths) are kept too, at their own level, marked by the
property ``judged: false`` (the property bag also says each result's status
and verdict). The other ways SARIF has say something else: ``baselineState``
compares with an earlier run, which claimcheck does not make; a ``kind``
other than ``fail`` forces the level to ``none`` and would hide how severe
the finding is; and a suppression would show it as dismissed, which nobody
did. Context findings stand on files outside the diff, so code scanning does
not raise them on the pull request.

GitHub's documented limits are kept: at most 25,000 results a run (the cut
keeps the findings a reviewer must act on first, see
:mod:`checker.reporting.triage`, and a notification says how many were left
out), 1,000 locations a result and 20 tags a rule, each tag once.

The messages a person reads (of a result, of its related locations, a
suppression's justification) show a hidden character by its code point,
``⟨U+202E⟩`` (see :mod:`checker.reporting.inert`); artifact locations are
relative URI references, percent-encoded (RFC 3986), so that a file named
``a b#c?d.yaml`` is that file, not ``a b`` with a fragment.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from checker import __version__, checks
from checker.corpus.result import Result
from checker.formats.jsontext import pretty
from checker.model.findings import ACKNOWLEDGED, Finding, Location
from checker.reporting.inert import visible
from checker.reporting.triage import Judged, elsewhere, priority, shown_at

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
        "properties": {"tags": list(dict.fromkeys(["claimcheck", check, verdict]))[:20]},
    }


def _physical(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {"startLine": location.line, "startColumn": location.col}
    if location.end_line:
        region["endLine"] = max(location.end_line, location.line)
        if location.end_col:
            region["endColumn"] = location.end_col
    return {"artifactLocation": {"uri": uri(location.path), "uriBaseId": "%SRCROOT%"}, "region": region}


def uri(path: str) -> str:
    """A path as a relative URI reference: spaces, colons, percent signs and non-ASCII letters escaped."""
    return quote(path, safe="/!$&'()*+,;=@-._~")


def _result(finding: Finding, rule_index: int, judged: Judged) -> dict[str, Any]:
    text = finding.message + (f" — {finding.note}" if finding.note else "")
    result: dict[str, Any] = {
        "ruleId": rule_id(finding),
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": visible(text)},
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"verdict": finding.verdict, "status": finding.status, "judged": finding.judged},
    }
    if finding.subject:
        result["properties"].update(subject=finding.subject, metric=finding.metric)
    primary = shown_at(finding, judged)
    if primary is not None:
        result["locations"] = [{"physicalLocation": _physical(primary)}]
    related = []
    quotes: dict[Location, str] = {}
    for ref in finding.claims:
        quotes.setdefault(ref.location, ref.quote)  # once, not a scan of the claims for each related location
    for index, (where, said) in enumerate(elsewhere(finding, primary)[: MAX_LOCATIONS - 1]):
        place: dict[str, Any] = {"id": index, "physicalLocation": _physical(where)}
        if said:
            quoted = quotes.get(where, "")
            place["message"] = {"text": visible(f"{said} — “{quoted}”" if quoted else said)}
        related.append(place)
    if related:
        result["relatedLocations"] = related
    if finding.status == ACKNOWLEDGED and finding.review is not None:
        justification = visible(finding.acknowledgement)
        result["suppressions"] = [{"kind": "external", "status": "accepted", "justification": justification}]
    return result


def render(result: Result) -> str:
    """The findings as one SARIF log with one run."""
    findings = result.findings
    if len(findings) > MAX_RESULTS:
        chosen = {id(f) for f in sorted(findings, key=priority)[:MAX_RESULTS]}
        findings = [f for f in findings if id(f) in chosen]  # in the report's order
    rules: dict[str, int] = {}
    rule_list: list[dict[str, Any]] = []
    results = []
    for finding in findings:
        key = rule_id(finding)
        if key not in rules:
            rules[key] = len(rule_list)
            rule_list.append(_rule(finding.check, finding.verdict, finding.severity))
        results.append(_result(finding, rules[key], result.focus))
    invocation: dict[str, Any] = {"executionSuccessful": True}
    if len(result.findings) > MAX_RESULTS:
        invocation["toolExecutionNotifications"] = [
            {
                "level": "warning",
                "message": {
                    "text": f"{len(result.findings)} findings: {len(result.findings) - MAX_RESULTS} are left out "
                    f"of this file, which keeps {MAX_RESULTS} (GitHub's limit for one run): the open findings of "
                    "the files judged first, the most severe first; the JSON report has them all"
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
