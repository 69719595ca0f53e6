"""The cache: what a run learnt about unchanged files and subjects, so that the next run need not redo it.

Two kinds of entries live in the cache folder:

* ``files/``: each claim file read and validated (a :class:`FileRecord`), under
  the digest of its bytes and of the path it is shown under;
* ``subjects.jsonl``: for each subject, the digest of everything its findings
  depend on (its claims as written and where they stand, their sources, the
  archived texts they quote, the rules) and the findings, timelines and claim
  rows it gave.

Entries are JSON (never pickled objects: a cache folder may come from
elsewhere, and reading it must not run code), each with a checksum of its
payload. An entry that is missing, damaged, of another version or not
matching its checksum is ignored and rebuilt, never used; the folder is safe
to delete at any time. Writes are atomic (a temporary file, then a rename);
the temporary files a killed run leaves (``.claimcheck-tmp-*``) are deleted
by a later run once they are an hour old.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

import orjson

from checker import __version__
from checker.corpus import ClaimRow, DocumentRecord, FileRecord, dump, spans_from_plain
from checker.findings import ClaimRef, Finding, Location
from checker.timeline import Entry, Point, Timeline

#: raised whenever the shape of an entry changes: older entries are then ignored
FORMAT = 3
#: how the cache's temporary files begin: the sweep deletes nothing else, even in a folder given by --cache
TEMPORARY = ".claimcheck-tmp-"


def _code_digest() -> str:
    """A digest of claimcheck's own code: results cached by another build of it are never used."""
    package = Path(__file__).resolve().parent
    hashed = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".j2", ".js") and path.is_file():
            hashed.update(path.relative_to(package).as_posix().encode())
            hashed.update(path.read_bytes())
    return hashed.hexdigest()[:16]


_STAMP = f"claimcheck {__version__} cache {FORMAT} code {_code_digest()}"


def digest(*parts: bytes) -> str:
    """A hex digest of byte strings, each length-prefixed (so parts cannot run into each other)."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(len(part).to_bytes(8, "little"))
        hashed.update(part)
    return hashed.hexdigest()


def _seal(payload: Any) -> bytes:
    body = orjson.dumps(payload)
    return orjson.dumps({"stamp": _STAMP, "checksum": digest(body), "body": body.decode("utf-8")})


def _open(raw: bytes) -> Any:
    """The payload of a sealed entry; raises ValueError when it is not one this version wrote intact."""
    try:
        sealed = orjson.loads(raw)
        body = sealed["body"].encode("utf-8")
        if sealed["stamp"] != _STAMP or sealed["checksum"] != digest(body):
            raise ValueError("stale or damaged cache entry")
        return orjson.loads(body)
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"damaged cache entry: {exc}") from None


def _write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write atomically (bytes, or pieces as they come); a cache that cannot be written is no error (the run goes
    on without it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=TEMPORARY, dir=path.parent)
        with os.fdopen(handle, "wb") as stream:
            if isinstance(data, bytes):
                stream.write(data)
            else:
                for piece in data:
                    stream.write(piece)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except (OSError, UnboundLocalError):
            pass


def _read(path: Path) -> Optional[bytes]:
    try:
        return path.read_bytes() if path.is_file() else None
    except OSError:
        return None


#: a temporary file this old was left by a run that was killed (a running one renames or deletes its own sooner)
ABANDONED_AFTER_S = 3600


def sweep(folder: Path) -> None:
    """Delete the temporary files that killed runs left in the cache folder."""
    if not folder.is_dir():
        return
    old = time.time() - ABANDONED_AFTER_S
    for path in folder.rglob(TEMPORARY + "*"):
        try:
            if path.is_file() and not path.is_symlink() and path.stat().st_mtime < old:
                path.unlink()
        except OSError:
            pass


# ------------------------------------------------------------------ file records


def file_key(raw: bytes, shown: str) -> str:
    """The cache key of a claim file: its bytes and the path findings name it by."""
    return digest(_STAMP.encode(), shown.encode("utf-8"), raw)


def load_file(folder: Path, key: str) -> Optional[FileRecord]:
    """The cached record of a file, or None when there is no intact one."""
    raw = _read(folder / "files" / key[:2] / f"{key}.json")
    if raw is None:
        return None
    try:
        findings, documents, read = _open(raw)
        return FileRecord(
            tuple(_finding_tuple(f) for f in findings),
            tuple(_document(d) for d in documents),
            int(read),
        )
    except (ValueError, TypeError, KeyError):
        return None


def save_file(folder: Path, key: str, record: FileRecord) -> None:
    """Keep a file's record."""
    payload = [
        [list(f[:4]) + [list(f[4]) if f[4] else None, f[5]] for f in record.findings],
        [_document_plain(d) for d in record.documents],
        record.claims_read,
    ]
    _write(folder / "files" / key[:2] / f"{key}.json", _seal(payload))


def _finding_tuple(data: list) -> tuple:
    check, severity, message, hint, location, print_ = data
    return (check, severity, message, hint, tuple(location) if location else None, print_)


def _spans_plain(spans: dict) -> list:
    return [[list(key), list(span)] for key, span in spans.items()]


def _document_plain(document: DocumentRecord) -> list:
    claims = [[index, subject, written.decode(), spans.decode()] for index, subject, written, spans in document.claims]
    return [document.path, document.file, document.source, _spans_plain(document.spans), claims]


def _document(data: list) -> DocumentRecord:
    path, file, source, spans, claims = data
    kept = tuple((index, subject, written.encode(), spans_.encode()) for index, subject, written, spans_ in claims)
    return DocumentRecord(path, file, source, spans_from_plain(spans), kept)


# ------------------------------------------------------------------ subject results


def subject_inputs(
    documents: Iterable[DocumentRecord], key_of: Any, archives: dict[str, str]
) -> dict[str, "hashlib._Hash"]:
    """For each subject, a running digest of its claims as written, where they stand and their sources."""
    out: dict[str, Any] = {}
    for document in documents:
        source = dump([document.path, document.file, document.source, archives.get(document.file, "")])
        for index, name, written, spans in document.claims:
            subject = key_of(name)
            hashed = out.get(subject)
            if hashed is None:
                hashed = out[subject] = hashlib.sha256()
            hashed.update(source)
            hashed.update(b"%d\x1f%d\x1f%d\x1f" % (index, len(written), len(spans)))
            hashed.update(written)
            hashed.update(spans)
    return out


def load_subjects(folder: Path, rules: str) -> dict[str, tuple[str, Any, bytes]]:
    """Cached subject results made with these rules: subject -> (digest of its inputs, plain result, its line)."""
    raw = _read(folder / SUBJECTS)
    if raw is None:
        return {}
    try:
        body, _, trailer = raw.rstrip(b"\n").rpartition(b"\n")
        body += b"\n"
        if orjson.loads(trailer)["checksum"] != hashlib.sha256(body).hexdigest():
            return {}
        lines = body.split(b"\n")
        head = orjson.loads(lines[0])
        if head["stamp"] != _STAMP or head["rules"] != rules:
            return {}
        out = {}
        for line in lines[1:-1]:
            subject, digest_, result = orjson.loads(line)
            out[subject] = (digest_, result, line + b"\n")
        return out
    except (orjson.JSONDecodeError, ValueError, TypeError, KeyError, IndexError):
        return {}


#: the subjects' entry: a line with the stamp and the rules, a line per subject, and a line with the checksum
#: of all the lines before it (JSON Lines, so that it is written and read subject by subject)
SUBJECTS = "subjects.jsonl"


def subject_line(subject: str, inputs: str, result: Any) -> bytes:
    """One subject's line of the subjects' entry: the subject, the digest of its inputs, its plain result."""
    return orjson.dumps([subject, inputs, result]) + b"\n"


def save_subjects(folder: Path, rules: str, files: list[Path], lines: Iterable[bytes]) -> None:
    """Replace the subjects' entry with the lines in ``files`` (the workers' files of lines, see
    :func:`write_lines`; each is deleted after) and then ``lines``, copied piece by piece, never held whole."""
    hashed = hashlib.sha256()

    def pieces() -> Iterator[bytes]:
        for piece in chain([orjson.dumps({"stamp": _STAMP, "rules": rules}) + b"\n"], _copied(files), lines):
            hashed.update(piece)
            yield piece
        yield orjson.dumps({"checksum": hashed.hexdigest()}) + b"\n"

    try:
        _write(folder / SUBJECTS, pieces())
    finally:
        for path in files:
            path.unlink(missing_ok=True)


def _copied(files: list[Path]) -> Iterator[bytes]:
    for path in files:
        with open(path, "rb") as stream:
            while chunk := stream.read(1 << 20):
                yield chunk


_LINES: dict[int, tuple[Path, Any]] = {}  # this process's file of subject lines: (path, stream)


def write_lines(folder: Path, lines: Iterable[bytes]) -> Optional[Path]:
    """Append subject lines to this process's own file of lines in ``folder``, and name that file (None when
    it cannot be written). A worker writes its subjects' lines there; the run then copies every worker's file
    into the subjects' entry (:func:`save_subjects`), so that no process holds them all."""
    try:
        held = _LINES.get(os.getpid())
        if held is None:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=TEMPORARY + "lines-", dir=folder)
            held = _LINES[os.getpid()] = (Path(name), os.fdopen(handle, "wb"))
        for line in lines:
            held[1].write(line)
        held[1].flush()
        return held[0]
    except OSError:
        return None


def close_lines() -> None:
    """Close this process's file of lines (before the run copies it)."""
    held = _LINES.pop(os.getpid(), None)
    if held is not None:
        held[1].close()


def result_plain(findings: list[Finding], timelines: list[Timeline], rows: list[ClaimRow]) -> list:
    """One subject's results as plain data: a claim that several findings show is written once, and the
    findings name it by its place in the list of claims."""
    refs: dict[int, int] = {}  # id of a claim reference -> its place
    table: list[list] = []

    def place(ref: ClaimRef) -> int:
        number = refs.get(id(ref))
        if number is None:
            number = refs[id(ref)] = len(table)
            table.append(_ref_plain(ref))
        return number

    plain = [_finding_plain(f, [place(ref) for ref in f.claims]) for f in findings]
    return [plain, [_timeline_plain(t) for t in timelines], [list(r) for r in rows], table]


def result_from_plain(data: list) -> tuple[list[Finding], list[Timeline], list[ClaimRow]]:
    """The results :func:`result_plain` made plain (one object for each claim reference, as they were)."""
    findings, timelines, rows, table = data
    refs = [_ref(ref) for ref in table]
    return (
        [_finding(f, refs) for f in findings],
        [_timeline(t) for t in timelines],
        [ClaimRow(r[0], r[1], r[2], r[3], r[4], r[5], tuple(tuple(pair) for pair in r[6]), r[7], r[8]) for r in rows],
    )


def _location_plain(location: Location) -> list:
    return [location.path, location.line, location.col, location.end_line, location.end_col]


def _finding_plain(finding: Finding, claims: list[int]) -> list:
    f = finding
    location = _location_plain(f.location) if f.location else None
    return [f.subject, f.metric, f.check, f.severity, f.verdict, f.message, f.fingerprint, f.note, f.hint,
            location, claims, f.topic, f.status, f.acknowledgement]  # fmt: skip


def _ref_plain(ref: ClaimRef) -> list:
    r = ref
    return [r.source, r.claim, _location_plain(r.location), r.value, r.time, r.scope, r.quote, r.origin,
            r.published, r.evidence, list(r.evidence_span), r.derivation]  # fmt: skip


def _finding(data: list, refs: list[ClaimRef]) -> Finding:
    subject, metric, check, severity, verdict, message, fingerprint, note, hint, where, claims, *rest = data
    location = Location(*where) if where else None
    return Finding(subject, metric, check, severity, verdict, message, fingerprint, note, hint, location,
                   tuple(refs[number] for number in claims), *rest)  # fmt: skip


def _ref(data: list) -> ClaimRef:
    source, claim, where, value, when, scope, quote, origin, published, evidence, span, derivation = data
    return ClaimRef(source, claim, Location(*where), value, when, scope, quote, origin, published, evidence,
                    (span[0], span[1]), derivation)  # fmt: skip


def _day(text: Optional[str]) -> Optional[date]:
    return date.fromisoformat(text) if text else None


def _entry_plain(entry: Entry) -> list:
    points = [[list(p.key), *p[1:3], _iso(p.start), _iso(p.end), *p[5:]] for p in entry.claims]
    return [entry.value, _iso(entry.start), _iso(entry.end), entry.time, entry.certain, points, entry.scope]


def _iso(day: Optional[date]) -> Optional[str]:
    return day.isoformat() if day else None


def _entry(data: list) -> Entry:
    value, start, end, when, certain, points, scope = data
    claims = tuple(Point(tuple(p[0]), p[1], p[2], _day(p[3]), _day(p[4]), *p[5:]) for p in points)  # type: ignore[arg-type]
    return Entry(value, _day(start), _day(end), when, certain, claims, scope)


def _timeline_plain(timeline: Timeline) -> list:
    latest = timeline.entries.index(timeline.latest) if timeline.latest is not None else None
    return [timeline.subject, timeline.metric, [_entry_plain(e) for e in timeline.entries], latest]


def _timeline(data: list) -> Timeline:
    subject, metric, entries, latest = data
    built = tuple(_entry(e) for e in entries)
    return Timeline(subject, metric, built, built[latest] if latest is not None else None)


def rules_key(rules_dir: Path, tolerance: float) -> str:
    """What every subject's results depend on besides its claims: the rules files and this version."""
    parts = [_STAMP.encode(), repr(tolerance).encode()]
    files = sorted(rules_dir.rglob("*")) if rules_dir.is_dir() else [rules_dir]
    for path in files:
        if path.is_file():
            parts += [path.relative_to(rules_dir).as_posix().encode() if rules_dir.is_dir() else b"", path.read_bytes()]
    return digest(*parts)
