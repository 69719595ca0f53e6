"""Where a subject's findings point, kept as names: "the value of claim 3 of source X" rather than a line.

The cache keeps a subject's results with the places they point at named
(:class:`Places`); a later run looks each name up where it stands now
(:class:`Finder`), so results hold when only lines moved (a line added
above) and nothing is checked again. A place no name fits is kept as its
line and column, and the results then hold only while their file is
unchanged.
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple, Optional

import orjson

from checker.corpus.claims import ClaimRow
from checker.corpus.kept import finding_plain, location_plain, plain_text, ref_plain, timeline_plain
from checker.corpus.records import DocumentRecord
from checker.corpus.spans import span_in
from checker.corpus.timeline import Timeline
from checker.model.findings import ClaimRef, Finding, Location


class Places:
    """Names for the places a shard's results point at: a value of a claim (or of a source block) of a source,
    rather than a line and column. Results cached with names are used again when only lines moved (a line added
    above), each name looked up where it now stands (:class:`Finder`).

    Findings point at claims nearly always: the place of each claim is found in its spans' text at once; the
    spans of a file are read whole only when a finding points at some other value of it.
    """

    def __init__(self, parts: Iterable[tuple[DocumentRecord, Iterable[tuple]]]) -> None:
        self._parts = list(parts)
        self._claims: Optional[dict[Location, Optional[list]]] = None
        self._files: dict[str, dict[Location, Optional[list]]] = {}
        self._documents: Optional[dict[str, list[tuple[DocumentRecord, Iterable[tuple]]]]] = None  # by path
        self._stamps: Optional[dict[Any, str]] = None

    def stamp(self, source: Any) -> str:
        """The digest of where every value of a source's document stands (see DocumentRecord.places_digest), as text."""
        if self._stamps is None:
            self._stamps = {part[0].source.get("id"): part[0].places_digest.hex() for part in self._parts}
        return self._stamps.get(source, "")

    def name(self, location: Location) -> Optional[list]:
        """[source id, claim index (-1 for the source block), key path], or None when no value or several stand
        exactly there."""
        if self._claims is None:
            self._claims = self._named_claims()
        if location in self._claims:  # a claim's mapping spans more than any of its values: no value stands there
            return self._claims[location]
        named = self._files.get(location.path)
        if named is None:
            named = self._files[location.path] = self._named_values(location.path)
        return named.get(location)

    def _named_claims(self) -> dict[Location, Optional[list]]:
        names: dict[Location, Optional[list]] = {}
        for document, entries in self._parts:
            source = document.source.get("id")
            for index, _, _, spans in entries:
                span = span_in(spans, ["claims", index])
                if span is not None:
                    _add(names, Location(document.path, *span), [source, index, ["claims", index]])
        return names

    def _named_values(self, path: str) -> dict[Location, Optional[list]]:
        if self._documents is None:
            self._documents = {}
            for part in self._parts:
                self._documents.setdefault(part[0].path, []).append(part)
        names: dict[Location, Optional[list]] = {}
        for document, entries in self._documents.get(path, ()):
            source = document.source.get("id")
            for key, span in document.spans.items():
                _add(names, Location(document.path, *span), [source, -1, list(key)])
            for index, _, _, spans in entries:
                for key, span in orjson.loads(spans):
                    # a JSON document has only the span of the whole: that of its source block's root
                    _add(names, Location(document.path, *span), [source, index, key] if key else [source, -1, []])
        return names


def _add(names: dict[Location, Optional[list]], location: Location, name: list) -> None:
    if location not in names:
        names[location] = name
    elif names[location] != name:
        names[location] = None  # two values at one place: which one a finding meant is unknown


class Finder:
    """Where the places :class:`Places` named stand in the documents of this run."""

    def __init__(self, documents: Iterable[DocumentRecord]) -> None:
        self._documents = {document.source.get("id"): document for document in documents}
        self._claims: dict[str, dict[int, bytes]] = {}
        self._stamps: dict[Any, str] = {}

    def stamp(self, source: Any) -> str:
        """As Places.stamp, for the documents of this run."""
        stamp = self._stamps.get(source)
        if stamp is None:
            document = self._documents.get(source)
            stamp = self._stamps[source] = document.places_digest.hex() if document is not None else ""
        return stamp

    def unmoved(self, name: list, stamp: str, was: list) -> bool:
        """Whether the named place stands where it stood, ``was``, in a document whose values all stood where they
        stand now (``stamp``: see Places.stamp): then it need not be looked up."""
        return bool(stamp) and self.stamp(name[0]) == stamp and self._documents[name[0]].path == was[0]

    def locate(self, name: list) -> Optional[Location]:
        """The location of a named place, or None when it is no longer there."""
        source, index, key = name
        document = self._documents.get(source)
        if document is None:
            return None
        if index < 0:
            if not key and len(document.spans) > 1:
                # the whole of a JSON document on one line, where its claims stood (see Places._named_values): over
                # several lines each claim has a place of its own, and which one was meant is not known
                return None
            span = document.spans.get(tuple(key))
            return Location(document.path, *span) if span is not None else None
        claims = self._claims.get(source)
        if claims is None:
            claims = self._claims[source] = {entry[0]: entry[3] for entry in document.claims}
        spans = claims.get(index)
        span = span_in(spans, key) if spans is not None else None
        return Location(document.path, *span) if span is not None else None


def result_plain(findings: list[Finding], timelines: list[Timeline], rows: list[ClaimRow], places: Places) -> list:
    """One subject's results as plain data, and whether they are *relocatable* (every location in them named, see
    :class:`Places`). A claim that several findings show is written once, and so is a location: findings and
    claims name them by their place in a table."""
    refs: dict[int, int] = {}  # id of a claim reference -> its place
    table: list[list] = []
    spots: dict[Location, int] = {}
    where: list[list] = []
    stamps: dict[str, str] = {}  # the sources of the places named -> their documents' stamps (see Places.stamp)
    fixed = False  # some location is written as line and column (one with only a path stands still)

    def spot(location: Optional[Location]) -> Optional[int]:
        nonlocal fixed
        if location is None:
            return None
        number = spots.get(location)
        if number is None:
            number = spots[location] = len(where)
            bare = location == Location(location.path)
            name = None if bare else places.name(location)
            if name is None:
                fixed = fixed or not bare
                where.append(location_plain(location))
            else:  # with where it stands now: looked up again when its document's values moved (see moves)
                where.append([*name, location_plain(location)])
                stamps[name[0]] = places.stamp(name[0])
        return number

    def place(ref: ClaimRef) -> int:
        number = refs.get(id(ref))
        if number is None:
            number = refs[id(ref)] = len(table)
            table.append(ref_plain(ref, spot(ref.location)))
        return number

    plain = [finding_plain(f, spot(f.location), [place(ref) for ref in f.claims]) for f in findings]
    return [plain, [timeline_plain(t) for t in timelines], [list(r) for r in rows], table, where, not fixed, stamps]


def relocatable(plain: list) -> bool:
    """Whether results :func:`result_plain` made name every location (they then hold wherever lines move)."""
    return bool(plain[5])


class Moves(NamedTuple):
    """Where the named places of a subject's results stand now (see :func:`moves`)."""

    where: list  # the results' table of locations, each named one with where it stands now
    stamps: dict[str, str]  # the stamps of the documents of the places named, now (see Places.stamp)
    moved: bool  # some place stands elsewhere than it stood


def moves(data: list, finder: Finder) -> Optional[Moves]:
    """The named places of results :func:`result_plain` made plain, looked up again (those of a document whose
    values all stand where they stood are where they were); None when one is gone."""
    where = []
    moved = False
    stamps = data[6]
    for spot in data[4]:
        if len(spot) == 5:  # a location no name fits: where it was
            where.append(spot)
            continue
        *name, was = spot
        if finder.unmoved(name, stamps.get(name[0], ""), was):
            where.append(spot)
            continue
        now = finder.locate(name)
        if now is None:
            return None
        moved = moved or now != Location(*was)
        where.append([*name, location_plain(now)])
    now_stamps = {source: finder.stamp(source) for source in stamps}
    return Moves(where, now_stamps, moved or now_stamps != stamps)


def relocated(data: list, found: Moves) -> tuple[bytes, tuple[int, ...]]:
    """Results made plain with the table of locations of :func:`moves` (where the places stand now), as text, and
    the sizes of its parts (see checker.corpus.kept.plain_text)."""
    return plain_text([*data[:4], found.where, data[5], found.stamps])
