"""Acknowledgements: discrepancies a person has reviewed and accepted, until a date.

The file (``acknowledgements.yaml`` beside ``claims/`` by default) lists each
reviewed finding by its fingerprint, with who reviewed it, when, why it is
acceptable, and when the acknowledgement expires. A matching finding is
reported as acknowledged and does not fail the run; an expired
acknowledgement fails it loudly; an acknowledgement that matches no finding
any more is stale (a warning, failing under ``--strict``).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Iterable, Optional

from checker.formats.acknowledgements import Acknowledgement, AcknowledgementsFile
from checker.formats.loading import Loaded, display_path, load_model
from checker.formats.yamlio import Document
from checker.model.findings import ACKNOWLEDGED, EXPIRED, STALE, Finding, Location, Review, input_error

HEADER = (
    "# Reviewed discrepancies: each entry accepts one finding, by fingerprint, until it expires.\n"
    "# Write entries with `claimcheck ack FINGERPRINT --reason ... --by ...`.\n"
)


@dataclass(frozen=True)
class Acks:
    """The acknowledgements read from a file, with their places in it."""

    entries: tuple[tuple[Acknowledgement, Location], ...]
    path: str


def read(path: Path) -> tuple[Optional[Acks], list[Finding]]:
    """The acknowledgements in ``path`` (None when the file does not exist), and problems with it.

    An entry with errors is reported at its place and left out (the finding
    it would accept then fails the run); the other entries apply. A file that
    is not a mapping holding an ``acknowledgements:`` list is refused whole.
    """
    if not path.exists():
        return None, []
    shown = display_path(path)
    loaded, problems = load_model(
        path,
        shown,
        AcknowledgementsFile,
        check="acknowledgement",
        entries=("acknowledgements",),
        refusal=partial(_refused, shown),
    )
    if loaded is None:
        return Acks((), shown), problems
    acks, duplicates = _entries(loaded, shown)
    return acks, problems + duplicates


def _refused(shown: str, document: Document, places: frozenset[str]) -> Finding:
    """Why no entry of an acknowledgements file applies: the file does not hold what it must."""
    data = document.data
    written = data.get("acknowledgements") if isinstance(data, dict) else data
    if not isinstance(data, dict):
        why = "it holds no mapping"
    elif "acknowledgements" in data and not isinstance(written, list):
        why = "`acknowledgements:` is not a list"
    else:
        why = "it may hold nothing but an `acknowledgements:` list"
    count = len(written) if isinstance(written, list) else 0
    lost = "no entry applies" if not count else "its entry does not apply" if count == 1 else ""
    lost = lost or f"none of its {count} entries apply"
    return input_error(
        "acknowledgement",
        Location(shown, 1, 1),
        f"the acknowledgements file is refused: {why}, so {lost}",
        "write `acknowledgements:` and a list of entries under it; until then the findings they accept fail the run",
    )


def _entries(loaded: Loaded, shown: str) -> tuple[Acks, list[Finding]]:
    entries = []
    problems = []
    seen: dict[str, int] = {}
    for index, ack in loaded.entries("acknowledgements"):
        where = loaded.location("acknowledgements", index)
        if ack.fingerprint in seen:
            problems.append(
                input_error(
                    "acknowledgement",
                    where,
                    f"fingerprint {ack.fingerprint} is acknowledged twice (first at entry {seen[ack.fingerprint] + 1})",
                    "keep one entry",
                )
            )
            continue
        seen[ack.fingerprint] = index
        entries.append((ack, where))
    return Acks(tuple(entries), shown), problems


#: an acknowledgement that expires within this many days is announced by a warning (the settings may change it)
WARN_DAYS = 30


def apply(
    findings: list[Finding],
    acks: Acks,
    today: date,
    warn_days: int = WARN_DAYS,
    left_out: Iterable[str] = (),
    complete: bool = True,
) -> list[Finding]:
    """The findings with acknowledged (and expired) ones marked, plus a finding for each expired or stale
    acknowledgement, and a warning for each that expires within ``warn_days``, at its entry: a gate that will
    fail when an acknowledgement runs out says so beforehand.

    ``left_out`` are the fingerprints of findings the run made but does not report (--select, --ignore, per-path
    settings): an acknowledgement of one of them is not stale, and is not reported on either. Without
    ``complete`` (the rules could not all be read, so findings may be missing) no acknowledgement is called
    stale: "remove the entry" would be the wrong advice."""
    by_fingerprint = {ack.fingerprint: (ack, where) for ack, where in acks.entries}
    matched: set[str] = set()
    inputs: set[str] = set()  # fingerprints of input problems, which no acknowledgement accepts
    out = []
    extra = []
    for finding in findings:
        entry = by_fingerprint.get(finding.fingerprint)
        if entry is None or not finding.subject:
            if entry is not None:
                inputs.add(finding.fingerprint)
            out.append(finding)
            continue
        ack, where = entry
        matched.add(ack.fingerprint)
        if ack.finding and _reviewed_as_written(finding) and not ack.finding.endswith(f": {finding.message}"):
            extra.append(
                input_error(
                    "acknowledgement",
                    where,
                    f"acknowledgement of {ack.fingerprint} no longer holds: it was for \"{ack.finding}\"; "
                    f"the finding now says \"{finding.message}\"",
                    f"review the finding again: claimcheck ack --renew {ack.fingerprint} --reason ... records what it "
                    "says now; or fix the claims",
                    severity="warning",
                )
            )
            out.append(finding)  # open: values it holds now were never reviewed
            continue
        review = Review(ack.reviewed_by, ack.reviewed_on, ack.expires, ack.reason)
        if date.fromisoformat(ack.expires) < today:
            extra.append(
                input_error(
                    "acknowledgement",
                    where,
                    f"acknowledgement of {ack.fingerprint} expired on {ack.expires}: {finding.message}",
                    "review the finding again: renew the entry with a new expiry date, or fix the claims",
                    key=(f"acknowledgement of {ack.fingerprint} expired on {ack.expires}",),
                )
            )
            out.append(replace(finding, status=EXPIRED, review=review))
            continue
        left = (date.fromisoformat(ack.expires) - today).days
        if left <= warn_days:
            extra.append(
                input_error(
                    "acknowledgement",
                    where,
                    f"acknowledgement of {ack.fingerprint} expires on {ack.expires}, "
                    + ("today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}")
                    + f": {finding.message}",
                    f"review the finding again and renew it: claimcheck ack --renew {ack.fingerprint} --reason ...",
                    severity="warning",
                    # the same warning from day to day, as the days left count down: CI systems track it by this
                    key=(f"acknowledgement of {ack.fingerprint} expires on {ack.expires}",),
                )
            )
        out.append(replace(finding, status=ACKNOWLEDGED, review=review))
    matched.update(left_out)
    for ack, where in acks.entries:
        if ack.fingerprint in inputs:  # said whatever the rules: the entry can never apply
            extra.append(
                input_error(
                    "acknowledgement",
                    where,
                    f"acknowledgement of {ack.fingerprint}: it is an input problem (a file or claim that cannot be "
                    "read or resolved), which cannot be acknowledged",
                    "fix the input it names, and remove the entry",
                )
            )
    for ack, where in acks.entries if complete else ():
        if ack.fingerprint not in matched and ack.fingerprint not in inputs:
            stale = input_error(
                "acknowledgement",
                where,
                f"stale acknowledgement: no finding has fingerprint {ack.fingerprint}"
                + (f" ({ack.finding})" if ack.finding else ""),
                "the discrepancy is gone or changed: remove the entry, or acknowledge the new finding",
                severity="warning",
            )
            extra.append(replace(stale, status=STALE))
    return out + extra


def _reviewed_as_written(finding: Finding) -> bool:
    """Whether an acknowledgement holds for ``finding`` only while it says what was reviewed (its check says so
    of verdicts whose fingerprint does not name what they are between)."""
    from checker.checks import REGISTRY

    module = REGISTRY.get(finding.check)
    return finding.verdict in getattr(module, "REVIEWED_AS_WRITTEN", ())


def said(finding: Finding) -> str:
    """What an acknowledgement records a finding said, for the reader and for :func:`apply`."""
    return f"{finding.check}: {finding.topic}: {finding.message}"


def new_entries(findings: list[Finding], reason: str, reviewer: str, today: date, expires: date) -> list[dict]:
    """Entries acknowledging ``findings``."""
    return [
        {
            "fingerprint": f.fingerprint,
            "finding": said(f),
            "reviewed_by": reviewer,
            "reviewed_on": today.isoformat(),
            "reason": reason,
            "expires": expires.isoformat(),
        }
        for f in findings
    ]


def add_entries(existing: Optional[str], entries: list[dict], modeline: str) -> str:
    """The acknowledgements file's text with ``entries`` appended; everything already there is kept as it was."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from checker.authoring.fmt import appended_to_list, ended, lf, line_ending, writer

    yaml = writer()
    items = CommentedSeq()
    for entry in entries:
        item = CommentedMap()
        for key, value in entry.items():
            item[key] = DoubleQuotedScalarString(value) if key in ("finding", "reason") else value
        items.append(item)
    if existing and existing.strip():
        stream = io.StringIO()
        yaml.dump(CommentedMap(acknowledgements=items), stream)
        appended = appended_to_list(lf(existing), "acknowledgements", stream.getvalue())
        if appended is not None:  # every line already there kept as it was, its layout too
            return ended(appended, line_ending(existing))
        document = yaml.load(lf(existing))
        prefix = ""
    else:
        document = CommentedMap()
        prefix = modeline + HEADER
    if document.get("acknowledgements") is None:
        document["acknowledgements"] = CommentedSeq()
    document["acknowledgements"].extend(items)
    stream = io.StringIO()
    yaml.dump(document, stream)
    return ended(prefix + stream.getvalue(), line_ending(existing or ""))


class NotAcknowledged(ValueError):
    """A fingerprint to renew that the acknowledgements file does not hold."""


def renew_entries(existing: str, fingerprints: list[str], reason: str, reviewer: Optional[str], today: date,
                  expires: date, now_said: Optional[dict[str, str]] = None) -> str:  # fmt: skip
    """The acknowledgements file's text with the entries of ``fingerprints`` reviewed again today, until
    ``expires``, for ``reason`` (and by ``reviewer``, when given; else by whoever reviewed them before), each
    recording what its finding says now when ``now_said`` has it; every other line is kept as it was."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    from checker.authoring.fmt import ended, lf, line_ending, writer

    yaml = writer()
    document = yaml.load(lf(existing))
    entries = (document or {}).get("acknowledgements") or []
    by_fingerprint = {entry.get("fingerprint"): entry for entry in entries if hasattr(entry, "get")}
    missing = [f for f in fingerprints if f not in by_fingerprint]
    if missing:
        raise NotAcknowledged(f"no acknowledgement has fingerprint {', '.join(missing)}: acknowledge it first")
    for fingerprint in fingerprints:
        entry = by_fingerprint[fingerprint]
        if reviewer:
            entry["reviewed_by"] = reviewer
        entry["reviewed_on"] = today.isoformat()
        entry["reason"] = DoubleQuotedScalarString(reason)
        entry["expires"] = expires.isoformat()
        if now_said and fingerprint in now_said:
            entry["finding"] = DoubleQuotedScalarString(now_said[fingerprint])
    stream = io.StringIO()
    yaml.dump(document, stream)
    return ended(stream.getvalue(), line_ending(existing))


def acknowledged_path_default(config_path: Optional[Path]) -> Path:
    """Where acknowledgements live when the configuration does not say: beside claims/."""
    return (config_path.parent if config_path else Path.cwd()) / "acknowledgements.yaml"
