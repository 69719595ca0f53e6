"""The canonical form of claim files, kept by `claimcheck fmt` without losing a comment.

Canonical means: keys in the order the format documents them (``source``
then ``claims``; within each, the order of docs/formats.md), quotes in
double quotes on one line (they are evidence: nothing may fold or
re-escape them silently), times and dates unquoted, other strings in the
style their author chose, two-space indentation. Comments stay with the keys they
follow. The file is read and written with ruamel.yaml's round trip.
"""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any, Optional

from pydantic import BaseModel

from checker.formats.models import TIME_KEYS, Claim, Derivation, Range, Source, Undated

_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


def _order(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


ORDER = {
    "document": ["source", "claims"],
    "source": _order(Source),
    "claim": _order(Claim),
    "undated": _order(Undated),
    "derived": _order(Derivation),
    "range": _order(Range),
}


def writer():  # noqa: ANN201 - ruamel's YAML object
    """The round-trip YAML reader and writer with the project's layout."""
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100_000  # never fold a line: a quote stays on one line, as it was copied
    yaml.preserve_quotes = True
    return yaml


def _reorder(mapping: Any, order: list[str]) -> None:
    keys = list(mapping.keys())
    wanted = [key for key in order if key in mapping] + [key for key in keys if key not in order]
    if keys != wanted:
        for key in wanted:
            mapping.move_to_end(key)
        _trailing_stays_last(mapping, keys[-1], wanted[-1])


def _trailing_stays_last(mapping: Any, was_last: Any, now_last: Any) -> None:
    """Keep the lines that follow a mapping (blank lines, the comment that heads what comes next, a file's last
    comment) after it once its keys are reordered: the round trip holds them in the comment of its last key, which
    would carry them into the middle of the mapping. Its end-of-line comment stays with that key."""
    if was_last == now_last:
        return
    held = mapping.ca.items.get(was_last)
    token = held[2] if held and len(held) > 2 else None
    if token is None or "\n" not in token.value.rstrip("\n") and not token.value.startswith("\n"):
        return  # no lines after it, only its own end-of-line comment (or none)
    if not isinstance(mapping[was_last], str) and hasattr(mapping[was_last], "ca"):
        return  # a mapping or list: the lines after it are held deeper, where they stay at its end
    own, _, following = token.value.partition("\n")
    if own.strip():  # its end-of-line comment stays; the lines after it go
        token.value = own + "\n"
    else:
        held[2] = None
    target = mapping.ca.items.setdefault(now_last, [None, None, None, None])
    if target[2] is None:
        import copy

        moved = copy.copy(token)
        moved.value = "\n" + following
        target[2] = moved
    else:
        target[2].value = target[2].value.rstrip("\n") + "\n" + following


def _scalar(value: Any, key: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString, PlainScalarString

    if not isinstance(value, str):
        return value
    if key == "quote":
        return DoubleQuotedScalarString(str(value))
    if key in TIME_KEYS or key == "value":
        if _DAY.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                return value  # not a real date: leave it for validation to report
        if key in TIME_KEYS and _YEAR.match(value):
            return int(value)
        if key in TIME_KEYS:
            return PlainScalarString(str(value))  # 2025-H1, 2025-06: no quotes needed
    return value  # other strings keep the style their author chose


def _tidy(mapping: Any, kind: str) -> None:
    from ruamel.yaml.comments import CommentedMap

    _reorder(mapping, ORDER.get(kind, []))
    for key in list(mapping.keys()):
        value = mapping[key]
        if isinstance(value, CommentedMap):
            child = {"undated": "undated", "derived": "derived", "value": "range"}.get(str(key), "")
            _tidy(value, child)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, str):
                    value[index] = _scalar(item, "")
        else:
            mapping[key] = _scalar(value, str(key))


def tidy_claim(mapping: Any) -> None:
    """A claim's mapping (ruamel) put in canonical form in place: its keys in order, its values written as
    :func:`canonical` writes them."""
    _tidy(mapping, "claim")


def appended_to_list(existing: str, key: str, written: str) -> Optional[str]:
    """``existing`` (LF) with the items of ``written`` (the list under ``key`` as :func:`writer` writes it:
    items "  - a: ...", their other keys "    b: ...") added after the last item of its list ``key``, at the
    indentation its items have, every line already there left as it was (its comments, its layout). None when
    that list is not a block list holding an item (``key: []``, no such key), which only writing the document
    again can extend."""
    import yaml

    try:
        root = yaml.compose(existing, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    found = [value for name, value in root.value if isinstance(name, yaml.ScalarNode) and name.value == key]
    if len(found) != 1 or not isinstance(found[0], yaml.SequenceNode) or found[0].flow_style or not found[0].value:
        return None
    listed, last = found[0], found[0].value[-1]
    dash, inner = listed.start_mark.column, listed.value[0].start_mark.column
    if inner <= dash:
        return None
    lines = existing.split("\n")
    # after the last item's last line that holds more than blanks and comments (what follows belongs to what follows)
    end = last.end_mark.line if last.end_mark.column == 0 else last.end_mark.line + 1
    while end > last.start_mark.line + 1 and not lines[end - 1].split("#", 1)[0].strip():
        end -= 1
    shifted = []
    for line in written.split("\n")[1:]:  # the line "key:" left out
        if line.startswith("  - "):
            shifted.append(" " * dash + "-" + " " * (inner - dash - 1) + line[4:])
        elif line:
            shifted.append(" " * inner + line[4:])
    if end == len(lines) and lines[-1] == "":  # a file that ends with a line break: the new lines go before it
        end -= 1
    return "\n".join([*lines[:end], *shifted, *lines[end:]]) + ("" if existing.endswith("\n") else "\n")


def line_ending(text: str) -> str:
    """The line ending of a text's first line: "\r\n" or "\n" (a file's style, which a command that rewrites the
    file keeps)."""
    at = text.find("\n")
    return "\r\n" if at > 0 and text[at - 1] == "\r" else "\n"


def lf(text: str) -> str:
    """The text with its CRLF line endings as LF, as it is given to the YAML round trip (which would otherwise
    keep the CR of the lines that end in a comment, and write LF everywhere else)."""
    return text.replace("\r\n", "\n")


def ended(text: str, ending: str) -> str:
    """The text of a round trip (LF) with every line ended by ``ending``."""
    return text if ending == "\n" else lf(text).replace("\n", ending)


def canonical(text: str) -> str:
    """The canonical form of a claim file's text, its lines ended as its first line is."""
    from ruamel.yaml.comments import CommentedMap

    yaml = writer()
    document = yaml.load(lf(text))
    if not isinstance(document, CommentedMap):
        return text
    _reorder(document, ORDER["document"])
    if isinstance(document.get("source"), CommentedMap):
        _tidy(document["source"], "source")
    for claim in document.get("claims") or []:
        if isinstance(claim, CommentedMap):
            _tidy(claim, "claim")
    stream = io.StringIO()
    yaml.dump(document, stream)
    return ended(stream.getvalue(), line_ending(text))
