"""Claim files read and validated into records: plain data that the cache keeps and worker processes share."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, Optional, Sequence

import orjson

from checker.corpus.provenance import not_utf8, read_archive
from checker.corpus.spans import Located
from checker.formats.confine import archive_problem, resolved
from checker.formats.loading import Loaded, display_path, load_models, location
from checker.formats.models import Claim, ClaimFile, Source
from checker.formats.yamlio import Document
from checker.model.findings import Finding, digest_of, input_error, plain
from checker.model.timespec import TimeError, parse_time


class DocumentRecord(NamedTuple):
    """One claim document read and validated, as plain data: cheap to cache and to send to another process."""

    path: str  # as reports show it
    file: str  # the file it was read from (archive paths are relative to it)
    source: dict  # the source block as written
    spans: dict  # key path -> (line, col, end line, end col) of the source block's values
    #: (index, subject as written or None, the claim as JSON, the spans of its values as JSON [[key path, span]])
    #: of each claim kept: bytes, read again only where the claim is resolved or located
    claims: Sequence[tuple]
    #: digests made once, when the file is read (see cache.with_digests), for the cache's digests of subjects:
    #: for each subject as written, of its claims here as written and of where they stand; of where the source
    #: block's values stand; of where every value of the document stands. None until made
    parts: Optional[Parts] = None
    source_digest: bytes = b""  # of where the source block's values stand
    places_digest: bytes = b""  # of where every value of the document stands


class Parts(NamedTuple):
    """The subjects a document has claims about, as written, and for each two digests of 16 bytes (see
    DocumentRecord.parts), one after another in one string of bytes."""

    names: list[Optional[str]]
    digests: bytes


class FileRecord(NamedTuple):
    """What reading one claim file gave: its documents, and findings about what could not be used."""

    findings: tuple  # input errors, as plain tuples (see findings.plain)
    documents: tuple[DocumentRecord, ...]
    claims_read: int


def _circular(loaded: Loaded, entries: list[tuple[int, Claim]], source_id: str) -> list[Finding]:
    """An error for each claim of a file derived, at some remove, from itself: a derivation that goes round names
    no stated figure, so it explains nothing (its quote is not held to its value, as a derived claim's is not).
    The rounds are the strongly connected parts of the claims' derivations, found in one pass (Tarjan's)."""
    sources = {claim.id: claim.derived.from_ for _, claim in entries if claim.derived and claim.derived.from_}
    if not sources:
        return []
    rounds = {member: found for found in _rounds(sources) for member in found}
    problems = []
    for index, claim in entries:
        members = rounds.get(claim.id)
        if members is None:
            continue
        if len(members) == 1:
            said = f'claim "{claim.id}" is derived from itself'
        else:
            others = [f'"{name}"' for name in members if name != claim.id]
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
            said = f'claim "{claim.id}" is derived from itself through a round of {len(members)} claims, with {shown}'
        hint = "derive it from stated claims in `derived.from`, or from none when the text states what it follows from"
        problems.append(_derivation_problem(loaded, index, said, hint, source_id))
    return problems


def _derivation_problem(loaded: Loaded, index: int, said: str, hint: str, source_id: str) -> Finding:
    """An error in the derivation of the claim at ``index`` of a file, at its `derived` key."""
    return input_error("vocabulary", loaded.location("claims", index, "derived"), said, hint, key=(said, source_id))


def _rounds(sources: dict[str, list[str]]) -> list[list[str]]:
    """The claims that derive from one another in a round (each with a path back to itself), round by round,
    each sorted: the strongly connected parts of more than one claim, or of one claim derived from itself."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sources:
        if root in order:
            continue
        work = [(root, iter(sources.get(root, ())))]
        order[root] = low[root] = len(order)
        stack.append(root)
        on_stack.add(root)
        while work:  # depth first without recursion: a chain may be thousands of claims long
            node, following = work[-1]
            step = next(following, None)
            if step is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == order[node]:
                    members = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        members.append(member)
                        if member == node:
                            break
                    if len(members) > 1 or node in sources.get(node, ()):
                        found.append(sorted(members))
            elif step not in order:
                if step in sources:
                    order[step] = low[step] = len(order)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sources[step])))
            elif step in on_stack:
                low[node] = min(low[node], order[step])
    return found


def read_file(path: Path, shown: str, raw: bytes | None = None) -> FileRecord:
    """Read and validate one claim file: the first phase of a run, independent of the rules.

    ``raw``: the file's content when it was already read (or made in memory, as an imported table's).
    A claim with errors is left out and the others are kept, as if it had not
    been written; a document whose source block (or shape) is wrong is left out
    whole, with a finding that says so. Nothing in the record but ``file`` (the
    path it was read from, where its archived texts are looked for) depends on
    more than the bytes and ``shown``: whether the archived texts can be read is
    for :func:`with_archive_problems` to say, on every run.
    """
    findings: list[Finding] = []
    documents = []
    read = 0
    refusal = partial(_refused, shown, "line" if path.suffix == ".jsonl" else "file")
    for loaded, problems in load_models(path, shown, ClaimFile, raw=raw, entries=("claims",), refusal=refusal):
        findings.extend(problems)
        if loaded is None:
            continue
        wrong_date = _date_problem(loaded)
        if wrong_date is not None:
            findings.append(wrong_date)
            refused = refusal(loaded.document, frozenset(["source"]))
            if refused is not None:
                findings.append(refused)
            continue
        written = loaded.document.data.get("claims") or []
        read += len(written)
        entries = loaded.entries("claims")
        spans, source_spans = _claim_spans(loaded.document.spans, len(written))
        names: dict[str, str] = {}  # one string for a subject its claims name alike, as for their spans
        kept = []
        ids: dict[str, int] = {}
        # a claim left out as invalid still names itself: deriving from it is no unknown id (its own finding says
        # what is wrong), but it takes no id from the claims kept
        every_id = {c.get("id") for c in written if isinstance(c, dict) and isinstance(c.get("id"), str)}
        source_id = loaded.model.source.id
        for index, claim in entries:
            if claim.id in ids:
                first = loaded.location("claims", ids[claim.id], "id")
                findings.append(
                    input_error(
                        "duplicate-id",
                        loaded.location("claims", index, "id"),
                        f'claim id "{claim.id}" is used twice in this file (first at line {first.line})',
                        "give each claim its own id",
                        # the message names a line: the key names the source, the id and what the claim says
                        key=(f'claim id "{claim.id}" is used twice', source_id, digest_of(written[index])),
                    )
                )
                continue
            ids[claim.id] = index
            unknown = [name for name in claim.derived.from_ if name not in every_id] if claim.derived else []
            if unknown:
                said = f'claim "{claim.id}" is derived from unknown claim id "{unknown[0]}"'
                hint = "name claims of this file in `derived.from`"
                findings.append(_derivation_problem(loaded, index, said, hint, source_id))
            subject = written[index].get("subject")
            name = names.setdefault(subject, subject) if isinstance(subject, str) else None
            kept.append((index, name, dump(written[index]), spans.get(index, b"[]")))
        findings.extend(_circular(loaded, entries, source_id))
        documents.append(
            DocumentRecord(loaded.path, path.as_posix(), loaded.document.data["source"], source_spans, tuple(kept))
        )
    return FileRecord(tuple(plain(f) for f in findings), tuple(documents), read)


def read_made(path: Path, shown: str, text: str) -> FileRecord | None:
    """The record :func:`read_file` makes of JSON Lines text that claimcheck's import wrote from a table, made
    without validating each document again: the import writes only documents the claim format takes as written
    (see :attr:`checker.authoring.tabular.Imported.plain`). None when a line is not such a document as far as can be told
    at a glance (not an object of a source and claims with ids of their own): :func:`read_file` then reads it.
    """
    documents = []
    read = 0
    for line, chunk in enumerate(text.split("\n"), 1):
        if not chunk.strip():
            continue
        try:
            data = orjson.loads(chunk)
        except orjson.JSONDecodeError:
            return None
        if not isinstance(data, dict) or data.keys() != {"source", "claims"}:
            return None
        source, written = data["source"], data["claims"]
        if not isinstance(source, dict) or not isinstance(written, list):
            return None
        if not all(isinstance(claim, dict) for claim in written):
            return None
        ids = [claim.get("id") for claim in written]
        if len(set(ids)) != len(ids) or not all(isinstance(i, str) for i in ids):
            return None
        span = (line, 1, line, len(chunk) + 1)  # as loading._json_document: the line the document stands on
        spans = dump([[[], list(span)]])
        names: dict[str, str] = {}
        kept = []
        for index, claim in enumerate(written):
            subject = claim.get("subject")
            name = names.setdefault(subject, subject) if isinstance(subject, str) else None
            kept.append((index, name, dump(claim), spans))
        read += len(written)
        documents.append(DocumentRecord(shown, path.as_posix(), source, {(): span}, tuple(kept)))
    return FileRecord((), tuple(documents), read)


def _refused(shown: str, unit: str, document: Document, places: frozenset[str]) -> Finding | None:
    """Why the claims of a document (a file, or a line of JSON Lines) are all left out: its source block, or its
    shape, is wrong. None when it has no claims to lose."""
    data = document.data
    written = data.get("claims") if isinstance(data, dict) else None
    count = len(written) if isinstance(written, list) else 0
    if not count:
        return None
    lost = f"none of the {count} claims of this {unit} can" if count > 1 else f"the claim of this {unit} cannot"
    if "source" in places:
        problem = "has no source block" if "source" not in data else "has an invalid source block"
        return input_error(
            "schema",
            location(shown, document.key_span(("source",))),
            f"the {unit} {problem}, so {lost} be checked",
            "fix the source block first: every claim of the " + unit + " is attributed to it",
        )
    return input_error(
        "schema",
        location(shown, document.span(())),
        f"the {unit} is not a valid claim file, so {lost} be checked",
        "a claim file holds a `source:` block and a `claims:` list, and nothing else",
    )


def dump(data: object) -> bytes:
    """Plain data as compact JSON (orjson; the standard library for integers beyond 64 bits).

    The bytes are copied once: orjson hands back its whole buffer, 4 KiB
    however short the text, and a record keeps two such texts a claim for
    the whole run wherever it was read (in a run of one process, or on the
    worker of a cluster): about 0.4 KiB a claim instead of 8 KiB.
    """
    try:
        return memoryview(orjson.dumps(data)).tobytes()
    except TypeError:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


#: beyond this magnitude, a float orjson read may have been an integer of more than 64 bits in the text
_BEYOND_64_BITS = float(2**63)


def load_claim(text: bytes) -> Any:
    """A claim's data from its JSON in a record (made by :func:`dump`, or as the import wrote it: see
    ``Imported.record``), as it was. orjson reads an integer beyond 64 bits as a float; only a claim's value (or
    its range's ends) may hold one, so a claim whose value holds a float that large is read again with the
    standard library, which keeps integers exact."""
    data = orjson.loads(text)
    value = data.get("value") if type(data) is dict else None
    if type(value) is dict:
        value = max(abs(end) if type(end) is float else 0.0 for end in (value.get("min"), value.get("max")))
    if type(value) is float and not -_BEYOND_64_BITS < value < _BEYOND_64_BITS:
        return json.loads(text)
    return data


def _claim_spans(spans: dict, count: int) -> tuple[dict[int, bytes], dict]:
    """The spans of each claim's values, by claim index, as JSON ([[key path, [line, col, end line, end col]]]),
    and those of the source block (and of the whole document) as plain tuples, by key path: one pass over a
    document's spans, which are one or two for each value it holds."""
    grouped, source = _grouped_spans(spans, count)
    # one text for equal spans: every claim of a JSON Lines document has only the span of its line, and a record
    # holds its claims' spans for the whole run
    texts: dict[bytes, bytes] = {}
    claims = {}
    for index, found in grouped.items():
        text = dump([[list(key), span] for key, span in found.items()])
        claims[index] = texts.setdefault(text, text)
    return claims, source


def _grouped_spans(spans: dict, count: int) -> tuple[dict[int, dict], dict]:
    """The spans of each claim's values as plain tuples, by claim index; those of the source block, by key path."""
    out: dict[int, dict] = {}
    source: dict = {}
    root = spans.get(())
    for key, span in spans.items():
        first = key[0] if key else "source"  # the whole document's span goes with the source block's
        if first == "claims":
            if len(key) > 1:
                out.setdefault(key[1], {})[key] = tuple(span)
        elif first == "<key>":
            second = key[1] if len(key) > 1 else None
            if second == "claims" and len(key) > 2:
                out.setdefault(key[2], {})[key] = tuple(span)
            elif second == "source":
                source[key] = tuple(span)
        elif first == "source":
            source[key] = tuple(span)
    if root is not None:  # JSON documents carry only the span of the whole document
        whole = tuple(root)
        for index in range(count):
            out.setdefault(index, {}).setdefault((), whole)
    return out, source


def _date_problem(loaded: Loaded) -> Finding | None:
    """The finding for a source date that follows the grammar but names no real time (2025-02-30, 2026/2025)."""
    source: Source = loaded.model.source
    written = source.published if source.published is not None else source.undated.estimate if source.undated else None
    if written is None:
        return None
    try:
        parse_time(written)
    except TimeError as problem:
        keys = ("source", "published") if source.published is not None else ("source", "undated", "estimate")
        return input_error(
            "value",
            loaded.location(*keys),
            f'source "{source.id}": {problem}',
            "write a real date: 2025, 2025-H1, 2025-Q2, 2025-06, 2025-06-30 or a span A/B that ends after it starts",
        )
    return None


def with_archive_problems(record: FileRecord) -> FileRecord:
    """A file's record with a finding for each source whose archived text may not or cannot be read.

    Worked out on every run, never kept in the cache with the record: it
    depends on the archived text and on where the checkout stands, not on the
    claim file's bytes (a cached "readable" would turn quote checking off,
    unsaid, once the text is gone or in a checkout elsewhere that shares the
    cache).
    """
    found = [problem for document in record.documents if (problem := _archive_problem(document)) is not None]
    if not found:
        return record
    return record._replace(findings=(*record.findings, *(plain(f) for f in found)))


def _archive_problem(document: DocumentRecord) -> Finding | None:
    """A finding when the document's source names an archived text that may not or cannot be read."""
    archive = document.source.get("archive")
    if not isinstance(archive, str):
        return None
    target = Path(document.file).parent / archive
    refused = archive_problem(target)
    source_id = str(document.source.get("id"))  # the sources of a JSON Lines file may name one archive
    where = Located(document.path, document.spans).location("source", "archive")
    if refused is not None:
        message, hint = refused
        said = f'archived text "{display_path(target)}" {message}; quotes of this source are not verified'
        return input_error("archive", where, said, hint, key=(said, source_id))
    if read_archive(resolved(target)) is not None:
        return None
    encoding = not_utf8(resolved(target))
    if encoding is not None:  # a file the user can fix, as one too large: an error, not a warning
        said = f'archived text "{display_path(target)}" is not UTF-8 ({encoding}): quotes of this source are not verified'
        return input_error("archive", where, said, "save the text as UTF-8", key=(said, source_id))
    said = f'archived text "{display_path(target)}" cannot be read: quotes of this source are not verified'
    return input_error(
        "archive",
        where,
        said,
        "fix the `archive:` path (it is relative to the claim file) or remove it",
        severity="warning",
        key=(said, source_id),
    )
