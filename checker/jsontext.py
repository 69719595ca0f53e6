"""JSON text as claimcheck writes it: indented by two spaces, UTF-8 unescaped, one newline at the end."""

from __future__ import annotations

from typing import Any, BinaryIO, Iterable, Iterator, NamedTuple, Optional, Sequence, TypeVar

import orjson


def inert(text: bytes) -> bytes:
    """JSON text that a CI runner printing it cannot read as a command: GitHub's runner acts on "##[" anywhere in a
    line of a log, and a claim's quote may hold it. "[" inside a string is written as its escape, the same data to
    every JSON reader; outside strings JSON never has "#"."""
    return text.replace(b"##[", b"##\\u005b")


def dumps(value: Any) -> bytes:
    """A value as indented JSON text, made inert (see :func:`inert`)."""
    return inert(orjson.dumps(value, option=orjson.OPT_INDENT_2))


def pretty(document: Any) -> str:
    """A document as indented JSON text (orjson: reports with thousands of findings are written fast)."""
    return dumps(document).decode("utf-8") + "\n"


def pretty_chunks(head: dict[str, Any], lists: dict[str, Iterable[Any]]) -> Iterator[bytes]:
    """The UTF-8 text of :func:`pretty` of ``head`` with ``lists`` added as its last keys, item by item.

    The bytes are those of the whole document written at once; the items are
    never all held, as objects or as text, which a report of a million claims
    would need gigabytes for. An item given as a :class:`Region` (text
    :func:`item_text` wrote before, kept in a file) is read and put in as it is;
    regions that follow each other in a file with :data:`SEPARATOR` between
    them (see :func:`items_text`) are copied as one piece. An item given as
    bytes is such text already at hand.
    """
    if not lists:
        yield pretty(head).encode("utf-8")
        return
    text = dumps(head)
    yield text[:-2] if head else b"{"  # without the closing "\n}" (or the "}" of "{}")
    for number, (key, items) in enumerate(lists.items()):
        yield (b"," if head or number else b"") + b"\n  " + orjson.dumps(key) + b": "
        opened = False
        pending: Optional[Region] = None  # written before, not copied yet: the regions after it may join it
        for item in items:
            if isinstance(item, Region):
                if pending is not None and pending.joins(item):
                    pending = Region(pending.stream, pending.start, item.start + item.size - pending.start)
                    continue
                if pending is not None:
                    yield from pending.chunks()
                yield SEPARATOR if opened else b"[\n    "
                pending = item
            else:
                if pending is not None:
                    yield from pending.chunks()
                    pending = None
                yield (SEPARATOR if opened else b"[\n    ") + (item if isinstance(item, bytes) else item_text(item))
            opened = True
        if pending is not None:
            yield from pending.chunks()
        yield b"\n  ]" if opened else b"[]"
    yield b"\n}\n"


#: what stands between two items of a list of :func:`pretty_chunks`
SEPARATOR = b",\n    "


def item_text(item: Any) -> bytes:
    """An item of a list of :func:`pretty_chunks` as it stands in the document: indented by four more spaces."""
    return dumps(item).replace(b"\n", b"\n    ")


T = TypeVar("T")


def items_text(texts: Sequence[T]) -> list[T | bytes]:
    """Items' texts (or regions that hold them) to keep in a file one after another, each followed by
    :data:`SEPARATOR`: the regions of items that stand next to each other in a report are then one piece of the
    file (see :meth:`Region.joins`)."""
    return [piece for text in texts for piece in (text, SEPARATOR)]


class Region(NamedTuple):
    """A piece of an open file: text :func:`item_text` wrote, kept there and read only when it is written out."""

    stream: BinaryIO
    start: int
    size: int

    def joins(self, after: Region) -> bool:
        """Whether ``after`` follows this piece in its file with only :data:`SEPARATOR` between them, as
        :func:`items_text` keeps them (the file's checksum vouches for what stands between)."""
        return after.stream is self.stream and after.start == self.start + self.size + len(SEPARATOR)

    def read(self) -> bytes:
        """The piece's bytes; raises OSError when the file no longer holds them."""
        return b"".join(self.chunks(self.size))

    def chunks(self, most: int = 1 << 20) -> Iterator[bytes]:
        """The piece's bytes, at most ``most`` at a time (a large piece is copied, never held whole); raises
        OSError when the file no longer holds them."""
        at, left = self.start, self.size
        while left > 0:
            self.stream.seek(at)
            data = self.stream.read(min(left, most))
            if not data:
                raise OSError(f"{getattr(self.stream, 'name', 'a file')} was cut short while it was read")
            yield data
            at += len(data)
            left -= len(data)
