"""The cache: what a run learnt about unchanged files and subjects, so that the next run need not redo it.

Two kinds of entries live in the cache folder:

* ``files/``: each claim file read and validated (a :class:`FileRecord`), under
  the digest of its bytes and of the path it is shown under. Nothing kept
  depends on where the checkout stands (the path the file was read from is
  that of the run that reads the record) or on anything but those bytes
  (whether its archived texts can be read is found on every run);
* ``documents/``: each rules file parsed, under the digest of its bytes;
* ``subjects.cache``: for each subject, the findings, timelines and claim
  rows it gave, under a digest of what they depend on: its claims as written,
  their sources, the archived texts they quote and the rules. Where the
  findings point is kept as names of places (this claim's value, see
  :class:`Places`), looked up again in the files of the next run: results
  that do not depend on where the claims stand are used again when only lines
  moved. Results with a location no name fits are kept under a digest that
  also covers where every value stands. Only data is kept, never a
  report's text: every report is written afresh from the results, so a
  report's shape never depends on what an earlier run wrote.

Entries are JSON (never pickled objects: a cache folder may come
from elsewhere, and reading it must not run code), each authenticated by an
HMAC made with the user's own key, kept outside the cache folder (see
:mod:`checker.engine.cachekey`): an entry that is missing, damaged, of another
version, written by anyone else or with another key, or moved from another
entry's place is ignored and rebuilt, never used. Each is read as a regular
file of bounded size, never through a symbolic link: an entry that is a FIFO,
a device or a link (to ``/dev/zero``, to a file elsewhere) is a miss, neither
waited on nor read without end. The folder is safe to delete at any time.
Writes are atomic (a temporary file, then a rename); the temporary files a
killed run leaves (``.claimcheck-tmp-*``) are deleted by a later run once
they are an hour old, and the entries no run has used for a month once a day
(see :func:`sweep`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import tempfile
import time
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator, NamedTuple, Optional, Sequence

import orjson

from checker import __version__
from checker.corpus.kept import parts_fit
from checker.corpus.records import DocumentRecord, FileRecord, Parts, dump
from checker.corpus.spans import spans_from_plain
from checker.engine import cachekey
from checker.formats.files import (
    MAX_FILE_BYTES,
    Refused,
    digest,
    open_regular,
    read_open,
    read_regular,
    write_atomically,
)
from checker.formats.loading import Reader, read_bytes, read_document
from checker.formats.yamlio import Document, Span
from checker.model.findings import Finding

#: raised whenever the shape of an entry changes: older entries are then ignored
FORMAT = 10
#: how the cache's temporary files begin: the sweep deletes nothing else, even in a folder given by --cache
TEMPORARY = ".claimcheck-tmp-"
#: a file's record or a parsed rules file larger than this is not read (one of a claim file of the largest size
#: claimcheck reads is about twice as large)
MAX_ENTRY_BYTES = 4 * MAX_FILE_BYTES
#: the subjects' entry is read piece by piece, never whole: its size is bounded only by the disk
_UNBOUNDED = 1 << 62


class Piece(NamedTuple):
    """A piece of an open entry of the cache, read only when it is used (a record of the subjects' entry, or its
    results), and copied in chunks: a busy subject's record is never held whole to be copied."""

    stream: BinaryIO
    start: int
    size: int

    def read(self) -> bytes:
        """The piece's bytes; raises OSError when the file no longer holds them."""
        return b"".join(self.chunks(self.size))

    def chunks(self, most: int = 1 << 20) -> Iterator[bytes]:
        """The piece's bytes, at most ``most`` at a time; raises OSError when the file no longer holds them. Read
        at their place, without moving the file's position, where the system can."""
        at, left = self.start, self.size
        while left > 0:
            if hasattr(os, "pread"):
                data = os.pread(self.stream.fileno(), min(left, most), at)
            else:
                self.stream.seek(at)
                data = self.stream.read(min(left, most))
            if not data:
                raise OSError(f"{getattr(self.stream, 'name', 'a cache entry')} was cut short while it was read")
            yield data
            at += len(data)
            left -= len(data)


def _code_digest() -> str:
    """A digest of claimcheck's own code, the whole package (how files are read and values interpreted, not only
    this folder): results cached by another build of it are never used."""
    package = Path(__file__).resolve().parent.parent
    hashed = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.suffix in (".py", ".json", ".j2", ".js") and path.is_file():
            hashed.update(path.relative_to(package).as_posix().encode())
            hashed.update(path.read_bytes())
    return hashed.hexdigest()[:16]


_STAMP = f"claimcheck {__version__} cache {FORMAT} code {_code_digest()}"


def sealer(name: str) -> "hmac.HMAC":
    """A new HMAC of the entry named ``name`` (its place in the cache folder), made with the user's key: it tells
    damage and forgery apart from what this user's claimcheck wrote there, which no checksum kept beside the data
    could. Raises cachekey.KeyProblem when there is no key to be had (the run then uses no cache)."""
    return cachekey.mac(cachekey.key(), name, _STAMP)


def _mac(name: str, data: bytes) -> str:
    sealed = sealer(name)
    sealed.update(data)
    return sealed.hexdigest()


def _seal(name: str, payload: Any, blob: bytes = b"") -> bytes:
    """An entry: a line with the stamp and the HMAC of the rest, a line of JSON, and bytes the JSON sizes."""
    body = orjson.dumps(payload) + b"\n" + blob
    return orjson.dumps({"stamp": _STAMP, "mac": _mac(name, body)}) + b"\n" + body


def _unseal(name: str, raw: bytes) -> tuple[Any, bytes]:
    """The payload and the bytes after it of the entry named ``name``; raises ValueError when it is not one this
    version wrote there intact with the user's key."""
    try:
        start = raw.index(b"\n") + 1
        sealed = orjson.loads(raw[:start])
        body = raw[start:]
        if sealed["stamp"] != _STAMP or not hmac.compare_digest(sealed["mac"], _mac(name, body)):
            raise ValueError("stale, damaged or forged cache entry")
        end = body.index(b"\n")
        return orjson.loads(body[:end]), body[end + 1 :]
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"damaged cache entry: {exc}") from None


def _write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write atomically (bytes, or pieces as they come); a cache that cannot be written is no error (the run goes
    on without it), and need not be on disk before it is used: it can be made again."""
    try:
        write_atomically(path, data, durable=False, prefix=TEMPORARY)
    except OSError:
        pass


#: a temporary file this old was left by a run that was killed (a running one renames or deletes its own sooner)
ABANDONED_AFTER_S = 3600


#: a file's record or a parsed rules file no run has used for this long is deleted (every version of every file
#: a corpus ever had would otherwise stay); a run marks those it uses, at most once a day each
UNUSED_AFTER_S = 30 * 86400
MARK_AFTER_S = 86400
#: the file whose time says when unused entries were last looked for (at most once a day)
PRUNED = ".pruned"
_ENTRY = re.compile(r"[0-9a-f]{64}\.json")


def sweep(folder: Path) -> None:
    """Delete the temporary files that killed runs left in the cache folder, and (once a day) the entries no run
    has used for a month."""
    if not folder.is_dir():
        return
    old = time.time() - ABANDONED_AFTER_S
    for path in folder.rglob(TEMPORARY + "*"):
        _delete_if_older(path, old)
    marker = folder / PRUNED
    try:
        if time.time() - marker.lstat().st_mtime < MARK_AFTER_S:
            return
    except OSError:
        pass
    unused = time.time() - UNUSED_AFTER_S
    for path in chain((folder / "files").glob("*/*.json"), (folder / "documents").glob("*.json")):
        if _ENTRY.fullmatch(path.name) and (path.parent.name == "documents" or path.parent.name == path.name[:2]):
            _delete_if_older(path, unused)  # named as claimcheck names its entries: nothing else is deleted
    _touch(marker)


def _touch(path: Path) -> None:
    """Set the time of a file of the cache to now, making it if need be, never through a symbolic link (one could
    make claimcheck create or touch a file anywhere)."""
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        handle = os.open(path, flags, 0o666)  # as any new file, the umask decides its mode
    except OSError:
        return
    try:
        os.utime(handle if os.utime in os.supports_fd else path)
    except OSError:
        pass
    finally:
        os.close(handle)


def _delete_if_older(path: Path, than: float) -> None:
    try:
        if path.is_file() and not path.is_symlink() and path.stat().st_mtime < than:
            path.unlink()
    except OSError:
        pass


def _read_entry(path: str | Path) -> Optional[bytes]:
    """The bytes of an entry a run uses (a regular file, not a link, of at most MAX_ENTRY_BYTES), marked as used
    (its time set to now) when it was marked a day ago or more: entries no run uses for a month are deleted (see
    sweep)."""
    try:
        handle = open_regular(path, MAX_ENTRY_BYTES, follow=False)  # a folder, a FIFO, a link: Refused
    except (OSError, Refused):
        return None
    try:
        if time.time() - os.fstat(handle).st_mtime > MARK_AFTER_S:
            try:
                os.utime(handle if os.utime in os.supports_fd else path)
            except OSError:  # a cache that cannot be written is still read
                pass
        return read_open(handle, MAX_ENTRY_BYTES)
    except (OSError, Refused):
        return None
    finally:
        os.close(handle)


# ------------------------------------------------------------------ file records


def file_entry(folder: Path, key: str) -> str:
    """Where the record of a claim file with this key (see :func:`file_key`) is kept."""
    return os.path.join(folder, "files", key[:2], key + ".json")  # a thousand files: no Path objects


def document_entry(folder: Path, content: bytes) -> Path:
    """Where a rules file with these bytes is kept parsed."""
    return folder / "documents" / f"{digest(_STAMP.encode(), content)}.json"


def _file_name(key: str) -> str:
    """The name a file's record is authenticated under (see :func:`sealer`)."""
    return f"files/{key}"


def _document_name(where: Path) -> str:
    """The name a parsed rules file kept at ``where`` is authenticated under."""
    return f"documents/{where.stem}"


def file_key(raw: bytes, shown: str) -> str:
    """The cache key of a claim file: its bytes and the path findings name it by."""
    return digest(_STAMP.encode(), shown.encode("utf-8", "surrogateescape"), raw)


def load_file(folder: Path, key: str, file: str) -> Optional[FileRecord]:
    """The cached record of a file, or None when there is no intact one; ``file`` is the path it is read from in
    this run (see DocumentRecord.file: the record does not keep it, a checkout elsewhere may share the cache)."""
    raw = _read_entry(file_entry(folder, key))
    if raw is None:
        return None
    try:
        (findings, documents, read), blob = _unseal(_file_name(key), raw)
        at = 0
        kept = []
        for path, source, spans, sizes, parts, header, placed in documents:
            names, digests = parts
            if len(digests) != 64 * len(names) or len(sizes) % 4 or min(sizes, default=0) < 0:
                raise ValueError("a document whose digests or sizes are not whole")
            if max(sizes[1::4], default=-1) >= len(names) or not isinstance(sum(sizes), int):  # no fraction
                raise ValueError("a claim about a subject the document does not list")
            kept.append(DocumentRecord(path, file, source, spans_from_plain(spans), ClaimsInBytes(blob, at, sizes, names),
                                       Parts(names, bytes.fromhex(digests)), bytes.fromhex(header),
                                       bytes.fromhex(placed)))  # fmt: skip
            at += sum(sizes[2::4]) + sum(sizes[3::4])
        if at != len(blob):
            raise ValueError("the sizes of the claims do not add up")
        return FileRecord(tuple(_finding_tuple(f) for f in findings), tuple(kept), int(read))
    except (ValueError, TypeError, KeyError):
        return None


class ClaimsInBytes(Sequence[tuple]):
    """The claims of a document read from the cache (see DocumentRecord.claims), cut from the bytes of its file's
    record only when first used: a run that checks no subject again never uses most of them."""

    __slots__ = ("_blob", "_at", "_sizes", "_names", "_cut")

    def __init__(self, blob: bytes, at: int, sizes: list[int], names: list[Optional[str]]) -> None:
        # sizes: for each claim, its index, its subject (its place in names), its size as written and of its spans
        self._blob, self._at, self._sizes, self._names = blob, at, sizes, names
        self._cut: Optional[tuple] = None

    def _entries(self) -> tuple:
        if self._cut is None:
            blob, at, sizes, entries = self._blob, self._at, self._sizes, []
            for number in range(0, len(sizes), 4):
                index, subject, written, where = sizes[number : number + 4]
                entries.append((index, self._names[subject], blob[at : at + written],
                                blob[at + written : at + written + where]))  # fmt: skip
                at += written + where
            self._cut, self._blob = tuple(entries), b""
        return self._cut

    def __len__(self) -> int:
        return len(self._sizes) // 4

    def __getitem__(self, index: Any) -> Any:
        return self._entries()[index]

    def __iter__(self) -> Iterator[tuple]:
        return iter(self._entries())

    def __reduce__(self) -> tuple:  # sent to another process as the tuple it stands for
        return tuple, (self._entries(),)


def save_file(folder: Path, key: str, record: FileRecord) -> None:
    """Keep a file's record: its claims as written and their spans (both JSON) after the rest, as they are."""
    documents = []
    blob = []
    for document in with_digests(record).documents:  # made by the reader already
        assert document.parts is not None
        numbers = {name: number for number, name in enumerate(document.parts.names)}
        sizes = []
        for index, subject, written, spans in document.claims:
            sizes += [index, numbers[subject], len(written), len(spans)]
            blob += [written, spans]
        spans_ = [[list(key), list(span)] for key, span in document.spans.items()]
        parts = [document.parts.names, document.parts.digests.hex()]
        documents.append([document.path, document.source, spans_, sizes, parts, document.source_digest.hex(),
                          document.places_digest.hex()])  # fmt: skip
    findings = [list(f[:4]) + [list(f[4]) if f[4] else None, f[5]] for f in record.findings]
    entry = _seal(_file_name(key), [findings, documents, record.claims_read], b"".join(blob))
    _write(Path(file_entry(folder, key)), entry)


def _finding_tuple(data: list) -> tuple:
    check, severity, message, hint, location, print_ = data
    return (check, severity, message, hint, tuple(location) if location else None, print_)


# ------------------------------------------------------------------ documents


def document_reader(folder: Path) -> Reader:
    """A reader of documents (see :func:`loading.read_document`) that keeps each document it parses, under the
    digest of the file's bytes, and parses a file again only when those bytes changed. For the rules: a large
    vocabulary takes longer to parse than the rest of a run that finds nothing changed."""

    def read(path: Path, shown: str, check: str = "yaml-syntax", raw: Optional[bytes] = None) -> Document | Finding:
        content = raw if raw is not None else read_bytes(path, shown, check)
        if isinstance(content, Finding):
            return content
        where = document_entry(folder, content)
        kept = _read_entry(where)
        if kept is not None:
            try:
                (data, spans), _ = _unseal(_document_name(where), kept)
                return Document(data, {tuple(key): Span(*span) for key, span in spans})
            except (ValueError, TypeError):
                pass  # damaged: parsed again, and kept anew
        document = read_document(path, shown, check, content)
        if isinstance(document, Document) and not document.problems and _json_exact(document.data):
            spans = [[list(key), list(span)] for key, span in document.spans.items()]
            _write(where, _seal(_document_name(where), [document.data, spans]))
        return document

    return read


def _json_exact(value: Any) -> bool:
    """Whether JSON gives ``value`` back as it is (a mapping's keys all text, no integer beyond 64 bits)."""
    if isinstance(value, dict):
        return all(isinstance(key, str) and _json_exact(item) for key, item in value.items())
    if isinstance(value, list):
        return all(map(_json_exact, value))
    if isinstance(value, int) and not isinstance(value, bool):
        return -(2**63) <= value < 2**63
    return value is None or isinstance(value, (str, bool, float))


# ------------------------------------------------------------------ subject results


def with_digests(record: FileRecord) -> FileRecord:
    """A file's record whose documents have their digests (see DocumentRecord.parts), made here if need be."""
    if all(document.parts is not None for document in record.documents):
        return record
    return record._replace(documents=tuple(_digested(document) for document in record.documents))


def _digested(document: DocumentRecord) -> DocumentRecord:
    """A document with its digests: for each subject as written, of its claims as written (index, size, text) and
    of where their values stand (index, size, spans); of the spans of its source block; of all its spans."""
    header = _short(dump(sorted((list(key), list(span)) for key, span in document.spans.items())))
    content: dict[Optional[str], Any] = {}
    where: dict[Optional[str], Any] = {}
    placed = hashlib.sha256(header)
    for index, name, written, spans in document.claims:
        hashed = content.get(name)
        if hashed is None:
            hashed = content[name] = hashlib.sha256()
            where[name] = hashlib.sha256()
        hashed.update(b"%d\x1f%d\x1f%s" % (index, len(written), written))
        part = b"%d\x1f%d\x1f%s" % (index, len(spans), spans)
        where[name].update(part)
        placed.update(part)
    digests = b"".join(hashed.digest()[:16] + where[name].digest()[:16] for name, hashed in content.items())
    return document._replace(
        parts=Parts(list(content), digests), source_digest=header, places_digest=placed.digest()[:16]
    )


def _short(data: bytes) -> bytes:
    """A digest of 128 bits: enough to tell apart the parts of a corpus, and half the size to keep."""
    return hashlib.sha256(data).digest()[:16]


def subject_inputs(
    documents: Iterable[DocumentRecord], key_of: Any, archives: dict[tuple[str, str], list[str]]
) -> dict[str, tuple[str, str]]:
    """For each subject, two digests: of its claims as written and their sources (its *content*), and of that
    and where every value of them stands in its file (*all* its inputs). Neither depends on the order of the
    documents, which the results do not depend on either, nor on where the checkout stands. ``archives``: for
    each document's file and archived text as written, that text's path as shown and the digest of its bytes
    (or why it cannot be read)."""
    content: dict[str, Any] = {}
    where: dict[str, Any] = {}
    keys: dict[Optional[str], str] = {}  # a subject as written -> its key
    # in the order of their source ids (unique in a run): results do not depend on the order of documents
    for document in sorted(documents, key=lambda document: str(document.source.get("id"))):
        if document.parts is None:
            document = _digested(document)
        # each document's part of a subject: the digest of its source, and that of the subject's claims in it
        written = document.source.get("archive")
        archive = archives.get((document.file, written), "") if isinstance(written, str) else ""
        source = hashlib.sha256(dump([document.path, document.source, archive]))
        about, header = source.digest(), document.source_digest
        names, digests = document.parts or Parts([], b"")
        for at, name in enumerate(names):
            subject = keys.get(name)
            if subject is None:
                subject = keys[name] = key_of(name)
            hashed = content.get(subject)
            if hashed is None:
                hashed = content[subject] = hashlib.sha256()
                where[subject] = hashlib.sha256()
            hashed.update(about + digests[32 * at : 32 * at + 16])
            where[subject].update(header + digests[32 * at + 16 : 32 * at + 32])
    out = {}
    for subject, hashed in content.items():
        first = hashed.hexdigest()
        out[subject] = (first, digest(first.encode(), where[subject].digest()))
    return out


class Stored(NamedTuple):
    """One subject's record in the subjects' entry, read: its head parsed, its results left in the file (read where
    they are used, never mapped whole: a large corpus's records run to gigabytes)."""

    content: str  # the digest of its content, and of all its inputs (see subject_inputs)
    everything: str
    relocatable: bool  # its results name every location (see Places)
    checked: int  # how many of its claims were resolved
    heads: list  # what the gate needs of its findings and timelines (see checker.corpus.kept.heads)
    plain: Piece  # its results as plain data (JSON; see result_plain)
    parts: tuple[int, ...]  # the size of each part's text in them (see checker.corpus.kept.plain_text)
    line: Piece  # the whole record


def load_subjects(folder: Path, rules: str) -> dict[str, Stored]:
    """Cached subject results made with these rules: only the head of each subject's record is read now."""
    try:
        stream = _open_entry(folder / SUBJECTS)
    except (OSError, Refused):
        return {}
    try:
        size = os.fstat(stream.fileno()).st_size
        stream.seek(max(0, size - 256))  # the HMAC's line is short, and the last
        tail = stream.read(min(size, 256))
        last = size - len(tail) + tail.rfind(b"\n", 0, len(tail) - 1) + 1
        sealed = sealer(SUBJECTS)
        stream.seek(0)
        left = last
        while left and (chunk := stream.read(min(left, 1 << 22))):  # read, not mapped: memory stays small
            sealed.update(chunk)
            left -= len(chunk)
        if left or not hmac.compare_digest(orjson.loads(tail[last - size + len(tail) :])["mac"], sealed.hexdigest()):
            return {}
        stream.seek(0)
        head = orjson.loads(stream.readline())
        if head["stamp"] != _STAMP or head["rules"] != rules:
            return {}
        return _records(stream, stream.tell(), last)
    except (orjson.JSONDecodeError, ValueError, TypeError, KeyError, IndexError, OSError):
        return {}


def _open_entry(path: Path) -> BinaryIO:
    """An entry read piece by piece, open (the records read from it later keep it open): a regular file, never a
    link; raises Refused or OSError."""
    return os.fdopen(open_regular(path, _UNBOUNDED, follow=False), "rb")


def _records(stream: BinaryIO, at: int, last: int) -> dict[str, Stored]:
    """The subjects' records between two places of a file; raises ValueError when they are not whole. Only
    their heads are read (the file is not mapped: the pages around every head would count as the run's memory)."""
    out = {}
    try:
        while at < last:
            head = _head(stream, at, last)
            subject, content, everything, relocatable, checked, heads, size, parts = orjson.loads(head)
            if not (isinstance(size, int) and size >= 0 and parts_fit(parts, size)):
                raise ValueError("a record whose head gives no size, or sizes of parts that do not add up")
            first = at + len(head)
            end = first + 1 + size + 1
            if end > last or _byte(stream, first) != b"\t" or _byte(stream, end - 1) != b"\n":
                raise ValueError("a record that does not end where its head says")
            out[subject] = Stored(
                content, everything, bool(relocatable), int(checked), heads, Piece(stream, first + 1, size),
                tuple(parts), Piece(stream, at, end - at),
            )  # fmt: skip
            at = end
    except (orjson.JSONDecodeError, TypeError, IndexError) as exc:
        raise ValueError(f"a damaged record: {exc}") from None
    return out


def _head(stream: BinaryIO, at: int, last: int) -> bytes:
    """The head of the record at ``at``: the compact JSON before its first tab (JSON writes none raw)."""
    stream.seek(at)
    pieces = []
    left = last - at
    while left > 0:
        chunk = stream.read(min(left, 1 << 16))
        if not chunk:
            break
        tab = chunk.find(b"\t")
        if tab >= 0:
            pieces.append(chunk[:tab])
            return b"".join(pieces)
        pieces.append(chunk)
        left -= len(chunk)
    raise ValueError("a record without its head")


def _byte(stream: BinaryIO, at: int) -> bytes:
    stream.seek(at)
    return stream.read(1)


#: the subjects' entry: a line with the stamp and the rules, a record per subject, and a line with the HMAC (see
#: :func:`sealer`) of everything before it (written and read subject by subject). A subject's record is its head
#: (JSON: its digests, what the gate needs of its findings, and the size of the rest), a tab, its results (JSON),
#: a newline
SUBJECTS = "subjects.cache"


def subject_record(
    subject: str,
    digests: tuple[str, str],
    relocatable: bool,
    plain: tuple[bytes, tuple[int, ...]],
    checked: int,
    heads: list,
) -> bytes:
    """One subject's record in the subjects' entry (see :class:`Stored`). ``plain`` is its results made plain
    (:func:`result_plain`) as JSON, with the sizes of their parts (see checker.corpus.kept.plain_text),
    ``relocatable`` whether they name every location, ``heads`` what the gate needs of them (see
    checker.corpus.kept.heads)."""
    text, parts = plain
    head = orjson.dumps([subject, *digests, relocatable, checked, heads, len(text), parts])
    return head + b"\t" + text + b"\n"


def save_subjects(folder: Path, rules: str, files: list[Path], lines: Iterable[bytes | Piece]) -> None:
    """Replace the subjects' entry with the records in ``files`` (the workers' files of records, see
    :func:`write_lines`; each is deleted after) and then ``lines`` (records, or pieces of them), copied piece
    by piece, never held whole."""
    sealed = sealer(SUBJECTS)

    def pieces() -> Iterator[bytes]:
        head = [orjson.dumps({"stamp": _STAMP, "rules": rules}) + b"\n"]
        copied = (chunk for line in lines for chunk in (line.chunks() if isinstance(line, Piece) else [line]))
        for piece in chain(head, _copied(files), copied):
            sealed.update(piece)
            yield piece
        yield orjson.dumps({"mac": sealed.hexdigest()}) + b"\n"

    try:
        _write(folder / SUBJECTS, pieces())
    finally:
        for path in files:
            try:
                path.unlink(missing_ok=True)
            except OSError:  # still open where files cannot be deleted so (Windows): swept by a later run
                pass


def _copied(files: list[Path]) -> Iterator[bytes]:
    for path in files:
        with _open_entry(path) as stream:
            yield from Piece(stream, 0, os.fstat(stream.fileno()).st_size).chunks()


_LINES: dict[int, tuple[Path, Any]] = {}  # this process's file of subject lines: (path, stream)


def write_lines(
    folder: Path, records: Iterable[tuple[str, bytes, tuple[int, ...]]]
) -> Optional[tuple[Path, dict[str, InFile]]]:
    """Append subject records (subject, record, the sizes of its results' parts) to this process's own file in ``folder``, and name that file and
    where each subject's results stand in it (None when it cannot be written). A worker writes its subjects'
    records there; the run then copies every worker's file into the subjects' entry (:func:`save_subjects`), so
    that no process holds them all."""
    try:
        held = _LINES.get(os.getpid())
        if held is None:
            folder.mkdir(parents=True, exist_ok=True)
            handle, name = tempfile.mkstemp(prefix=TEMPORARY + "lines-", dir=folder)
            held = _LINES[os.getpid()] = (Path(name), os.fdopen(handle, "wb"))
        path, stream = held
        results = {}
        for subject, record, parts in records:
            head = record.index(b"\t")  # the results stand between the tab after the head and the final newline
            results[subject] = InFile(str(path), stream.tell() + head + 1, len(record) - head - 2, parts)
            stream.write(record)
        stream.flush()
        return path, results
    except OSError:
        return None


class InFile:
    """A subject's results as a worker wrote them to its file of records: named by the file's path, for the run to
    open (:meth:`hold`) as soon as it hears of it, since the file is deleted once it is copied into the cache."""

    __slots__ = ("path", "start", "size", "parts", "_piece")

    def __init__(self, path: str, start: int, size: int, parts: tuple[int, ...]) -> None:
        self.path, self.start, self.size = path, start, size
        self.parts = parts  # the size of each part's text in them (see checker.corpus.kept.plain_text)
        self._piece: Optional[Piece] = None

    def __reduce__(self) -> tuple:  # sent to the run by its name alone
        return InFile, (self.path, self.start, self.size, self.parts)

    def hold(self, streams: dict[str, BinaryIO]) -> None:
        """Open the file (once for all the results in it: ``streams``), so that it can still be read once it is
        deleted; raises OSError when it cannot be opened."""
        stream = streams.get(self.path)
        if stream is None:
            try:
                stream = streams[self.path] = _open_entry(Path(self.path))
            except (OSError, Refused) as exc:
                raise OSError(
                    f"the findings a worker kept in {self.path} cannot be read ({exc}): was the cache folder "
                    "cleared during the run? Run again, or with --no-cache"
                ) from None
        self._piece = Piece(stream, self.start, self.size)

    def read(self) -> bytes:
        """The results' bytes; raises OSError when the file was never held or no longer holds them."""
        if self._piece is None:
            raise OSError(f"{self.path} was not opened")
        return self._piece.read()


def close_lines() -> None:
    """Close this process's file of lines (before the run copies it)."""
    held = _LINES.pop(os.getpid(), None)
    if held is not None:
        held[1].close()


def rules_key(rules_dir: Path) -> str:
    """What every subject's results depend on besides its claims: the rules files and this version."""
    parts = [_STAMP.encode()]
    files = sorted(rules_dir.rglob("*")) if rules_dir.is_dir() else [rules_dir]
    for path in files:
        if path.is_file():
            try:  # read as the rules are (a link to a file that grows without end is no regular file)
                content = b"read " + read_regular(path, MAX_FILE_BYTES)
            except (OSError, Refused):
                content = b"unreadable"
            parts += [path.relative_to(rules_dir).as_posix().encode() if rules_dir.is_dir() else b"", content]
    return digest(*parts)
