"""Reading files into validated models, turning every failure into a located finding.

Loading never stops at a bad file: each problem becomes a finding with
file:line:col and a hint, and the files that could be read go on to the checks.
"""

from __future__ import annotations

import bisect
import os
import re
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Optional, TypeVar

import orjson
from pydantic import BaseModel, ValidationError

from checker.formats.confine import resolved, walked_file_problem
from checker.formats.files import MAX_FILE_BYTES, Refused, TooLarge, read_regular
from checker.formats.models import NULL_KEY, TIME_KEYS
from checker.formats.yamlio import (
    ESCAPE_HINT,
    MAX_NUMBER_CHARS,
    REFUSED,
    Document,
    Span,
    YamlProblem,
    control_character,
    decode,
    read_yaml,
    refusing_whole,
)
from checker.model.findings import Finding, Location, digest_of, input_error, place_key
from checker.model.names import did_you_mean, fold, suggestion

M = TypeVar("M", bound=BaseModel)

CLAIM_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")
#: the claim files a person writes by hand, which `fmt` keeps in canonical form
YAML_SUFFIXES = (".yaml", ".yml")
#: schema problems reported per file; a file with more gets one last finding saying so
MAX_FINDINGS_PER_FILE = 100


#: the folder paths are shown relative to, when it is not the working directory (see :func:`shown_from`)
_SHOWN_FROM: ContextVar[Optional[str]] = ContextVar("claimcheck_shown_from", default=None)


@contextmanager
def shown_from(folder: str) -> Iterator[None]:
    """Show paths relative to ``folder`` in the block: a process that reads files for a run started elsewhere shows
    them as that run does, relative to its working directory (paths it is given are then absolute)."""
    token = _SHOWN_FROM.set(folder)
    try:
        yield
    finally:
        _SHOWN_FROM.reset(token)


def display_path(path: Path) -> str:
    """The path as reports show it: relative to the working directory, with / separators."""
    try:
        return Path(os.path.relpath(path, _SHOWN_FROM.get())).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def location(path: str, span: Span) -> Location:
    """A finding location from a document span."""
    return Location(path, span.line, span.col, span.end_line, span.end_col)


@dataclass
class Loaded:
    """A file read and validated: its model, its document (for positions) and its display path.

    ``dropped`` names, for each key whose entries are validated one by one (see
    :func:`validate`), the entries left out of the model as invalid: list
    indices, or mapping keys.
    """

    path: str
    model: Any
    document: Document
    dropped: dict[str, frozenset] = field(default_factory=dict)

    def location(self, *keys: Any) -> Location:
        """Where the value at ``keys`` stands."""
        return location(self.path, self.document.span(keys))

    def entries(self, key: str) -> list[tuple[int, Any]]:
        """The validated entries of the list at ``key``, each with its index as written (invalid ones left out)."""
        kept = getattr(self.model, key)
        left_out = self.dropped.get(key)
        if not left_out:
            return list(enumerate(kept))
        written = self.document.data.get(key)
        indices = [index for index in range(len(written)) if index not in left_out]
        return list(zip(indices, kept, strict=True))


def read_bytes(path: Path, shown: str, check: str = "yaml-syntax") -> bytes | Finding:
    """The bytes of a regular file of at most MAX_FILE_BYTES, or the finding that says why they cannot be read."""
    try:
        return read_regular(path, MAX_FILE_BYTES)
    except TooLarge as refused:
        return input_error(check, Location(shown), str(refused), "split it into smaller files")
    except Refused as refused:
        return input_error(
            "io", Location(shown), f"cannot read file: {refused}", "claim and rules files are text files"
        )
    except OSError as exc:
        return input_error(
            "io", Location(shown), f"cannot read file: {exc.strerror or exc}", "check the path and its permissions"
        )


def read_document(path: Path, shown: str, check: str = "yaml-syntax", raw: bytes | None = None) -> Document | Finding:
    """Read a file (or its bytes, already read) as safe YAML, or return the finding that says why it cannot be."""
    content = raw if raw is not None else read_bytes(path, shown, check)
    if isinstance(content, Finding):
        return content
    try:
        return read_yaml(content)
    except YamlProblem as problem:
        return input_error(check, Location(shown, problem.line, problem.col), problem.message, problem.hint)


_TYPE_WORDS = {
    "string": "text",
    "int": "a whole number",
    "float": "a number",
    "bool": "true or false",
    "dict": "a mapping",
    "list": "a list",
}


def _message(error: Any, model: type[BaseModel], keys: tuple, where: str = "", named: bool = False) -> tuple[str, str]:
    """The message and hint of a validation error at ``keys`` (named ``where`` in the message, when given);
    ``named``: the place is not located finer than the document (JSON), so the message names its key path."""
    kind = error["type"]
    where = where or ".".join(str(k) for k in keys) or "file"
    if kind == "missing":
        return f'missing key "{error["loc"][-1]}" in {where}', "add it"
    if kind == "extra_forbidden":
        # the error's own location: a JSON document's spans may not reach the unknown key
        name, parents = error["loc"][-1], tuple(error["loc"][:-1])
        allowed = _fields_at(model, parents)
        hint = suggestion(str(name), {field.replace("_", ""): field for field in allowed}) if allowed else ""
        inside = f" in {where.rpartition('.')[0]}" if named and "." in where else ""
        return f'unknown key "{name}"{inside}', hint or (
            "allowed keys: " + ", ".join(sorted(allowed)) if allowed else ""
        )
    if kind == "string_pattern_mismatch":
        value = error.get("input")
        if keys and keys[-1] in TIME_KEYS:
            return (
                f'{where if named else keys[-1]} "{value}" is not a time',
                "write 2025, 2025-H1, 2025-Q2, 2025-06, 2025-06-30 or a span A/B",
            )
        if keys and keys[-1] == "fingerprint":
            return f'{where} "{value}" is not a fingerprint', "a fingerprint is 16 lowercase hexadecimal digits"
        if keys and keys[-1] in ("expires", "reviewed_on"):
            return f'{where} "{value}" is not a day', "write the day as YYYY-MM-DD"
        return f'{where} "{value}" has the wrong form', "ids are lowercase letters, digits, '.', '_' and '-'"
    if kind == "enum":
        return f"{where}: {error['msg'][0].lower()}{error['msg'][1:]}", ""
    message = error["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    return f"{where}: {message[0].lower()}{message[1:]}", ""


def _fields_at(model: type[BaseModel], keys: tuple) -> list[str]:
    """Field names of the model that validates the mapping at ``keys`` (best effort): through lists, optional
    values and mappings of names to models (the metrics of a rules file), whose names are keys of their own."""
    current: Any = model
    named = False  # the next key is a name of a mapping of names to models, not a field
    for key in keys:
        if isinstance(key, int) or named:
            named = False
            continue
        field = getattr(current, "model_fields", {}).get(key)
        if field is None:
            return []
        current, named = _model_in(field.annotation)
        if current is None:
            return []
    return [field.alias or name for name, field in current.model_fields.items()] if current else []


def _model_in(annotation: Any) -> tuple[Any, bool]:
    """The model a field's values are made of (through Optional, lists and dicts), and whether it is the value of a
    mapping keyed by names."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    keyed = getattr(annotation, "__origin__", None) is dict
    for inner in getattr(annotation, "__args__", ())[1 if keyed else 0 :]:
        found, named = _model_in(inner)
        if found is not None:
            return found, keyed or named
    return None, False


_TYPE_PREFIXES = {
    str: ("string", "value_error"),
    int: ("int", "greater", "less"),
    float: ("float", "finite", "greater", "less"),
    bool: ("bool",),
    list: ("list", "too_short", "too_long"),
    dict: ("dict", "model", "missing", "extra", "value_error"),
}


def _matching_branch(branches: list[Any]) -> Any:
    """Of the errors of a union's branches, the one that speaks of the value's own type."""
    for error in branches:
        if error["type"] in ("missing", "extra_forbidden"):
            return error
    value = branches[0].get("input")
    prefixes = _TYPE_PREFIXES.get(type(value), ())
    fitting = [e for e in branches if e["type"].startswith(prefixes)]
    return fitting[0] if len(fitting) == 1 else None


def _real_keys(document: Document, loc: tuple) -> tuple:
    """The part of a pydantic error location that exists in the document."""
    keys: list = []
    for key in loc:
        candidate = tuple(keys) + (key,)
        if candidate in document.spans or ("<key>",) + candidate in document.spans:
            keys.append(key)
    return tuple(keys)


def _data_keys(data: Any, loc: tuple) -> tuple:
    """The part of a pydantic error location that exists in the data: for a JSON document, whose spans do not
    reach its values, the key path its messages name."""
    keys: list = []
    for key in loc:
        if (isinstance(data, dict) and isinstance(key, str) and key in data) or (
            isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data)
        ):
            keys.append(key)
            data = data[key]
    return tuple(keys)


def validation_findings(
    error: ValidationError | list[Any],
    model: type[BaseModel],
    document: Document,
    path: str,
    check: str = "schema",
) -> list[Finding]:
    """One finding per distinct place a validation error (or its list of errors) points at."""
    seen: dict[tuple, Finding] = {}
    errors = error.errors() if isinstance(error, ValidationError) else error
    # a key written as null is reported where the key stands, not where the mapping holding it starts
    errors = [{**e, "loc": (*e["loc"], e["ctx"]["key"])} if e.get("type") == NULL_KEY else e for e in errors]
    # a JSON document has the span of the whole document alone: its messages name the keys its data holds
    json_like = len(document.spans) == 1 and () in document.spans
    keys_of: Callable[[Any, tuple], tuple] = _data_keys if json_like else _real_keys
    place: Any = document.data if json_like else document
    # a file may hold several documents (JSON Lines): a claim document is named by its source's id
    source = document.data.get("source") if isinstance(document.data, dict) else None
    named = isinstance(source, dict) and isinstance(source.get("id"), str)
    document_id = (f'source "{source["id"]}"',) if named else ()  # type: ignore[index]
    by_place: dict[tuple, list[Any]] = {}
    for item in errors:
        by_place.setdefault(keys_of(place, item["loc"]), []).append(item)
    for item in errors:
        keys = keys_of(place, item["loc"])
        if item["type"] == "extra_forbidden":
            keys = tuple(item["loc"][: len(keys) + 1]) if len(keys) < len(item["loc"]) else keys
        if keys in seen:
            continue
        if len(seen) == MAX_FINDINGS_PER_FILE:
            more = (
                f"about {len(by_place) - len(seen)} more places in this file have problems; "
                f"only the first {MAX_FINDINGS_PER_FILE} are reported"
            )
            seen[("<more>",)] = input_error(check, Location(path), more, "fix these first", key=(more, *document_id))
            break
        # a union fails once per branch: keep the branch that matches the value's own type
        branches = by_place.get(keys, [item])
        chosen = _matching_branch(branches) if len(branches) > 1 else item
        # the message names items of lists by their positions (when it names the place); the key always names
        # the place, by ids (see _place)
        where = _place(document.data, keys) or "file"
        if chosen is None:
            message = f"{'.'.join(str(k) for k in keys)}: value has the wrong type or form"
            hint = "see docs/formats.md for what this key takes"
            said = f"{where}: value has the wrong type or form"
        else:
            message, hint = _message(chosen, model, keys, named=json_like)
            said = _message(chosen, model, keys, where, named=json_like)[0]
            if chosen["type"] == "missing":  # a mapping may lack several keys: name them all
                parent = chosen["loc"][:-1]
                missing = [f'"{e["loc"][-1]}"' for e in branches if e["type"] == "missing" and e["loc"][:-1] == parent]
                if len(missing) > 1:
                    message = f"missing keys {', '.join(missing)} in {'.'.join(str(k) for k in keys) or 'file'}"
                    hint = "add them"
                    said = f"missing keys {', '.join(missing)} in {where}"
        span = document.key_span(keys) if item["type"] == "extra_forbidden" else document.span(keys)
        seen[keys] = input_error(check, location(path, span), message, hint, key=(said, where, *document_id))
    # a JSON document knows only its own line: two places may then say the same thing at the same place
    return list({(f.location, f.message): f for f in seen.values()}.values())


def _place(data: Any, keys: tuple) -> str:
    """A place in a document by names rather than positions: an item of a list by its id (by a digest of what
    it holds when it has none), so that the place is the same when the items are reordered."""
    parts = []
    current = data
    for key in keys:
        if isinstance(key, int) and isinstance(current, list) and 0 <= key < len(current):
            current = current[key]
            name = current.get("id") if isinstance(current, dict) else None
            parts.append(f"[id {name}]" if isinstance(name, str) else f"[{digest_of(current)}]")
        else:
            parts.append(str(key))
            current = current.get(key) if isinstance(current, dict) else None
    return ".".join(parts)


#: what reads a file's document: :func:`read_document`, or one that keeps what it read (cache.document_reader)
Reader = Callable[..., "Document | Finding"]
#: what says why a document is refused whole, given it and the top-level keys its errors outside the entries
#: stand under ("" for the document itself): a finding, or None when the located errors say all there is to say
Refusal = Callable[[Document, frozenset[str]], Optional[Finding]]


def validate(
    document: Document,
    model: type[M],
    shown: str,
    check: str = "schema",
    entries: tuple[str, ...] = (),
    refusal: Optional[Refusal] = None,
) -> tuple[Loaded | None, list[Finding]]:
    """Validate a document that holds a mapping; return it (or None) with its findings.

    ``entries`` are top-level keys of lists or mappings whose entries stand
    alone: an entry with errors is left out of the model (each of its errors
    a finding) and the others are kept. An error anywhere else refuses the
    whole document; ``refusal`` then says why, when more needs saying.
    """
    refused = _refused_values(document, shown, entries)
    if refused is not None and not isinstance(refused, tuple):  # a value outside every entry: refused whole
        data = document.data if isinstance(document.data, dict) else {}
        outside = frozenset(
            str(at[0]) if at else ""
            for at in document.problems
            if len(at) < 2 or at[0] not in entries or not _entry_of(data.get(at[0]), at[1])
        )
        why = refusal(document, outside) if refusal is not None else None
        return None, [refused] + ([why] if why is not None else [])
    errors: list[Any] = []
    try:
        validated = model.model_validate(document.data)
    except ValidationError as exc:
        errors = exc.errors()
    else:
        if refused is None:
            return Loaded(shown, validated, document), []
    if refused is not None:  # a refused value says what is wrong with it; the schema's word on it would not
        problems, places = refused
        errors = [error for error in errors if not any(error["loc"][: len(at)] == at for at in places)]
    findings = validation_findings(errors, model, document, shown, check)
    data = document.data
    bad: dict[str, set] = {}
    outside: set[str] = set()
    if refused is not None:
        findings = sorted([*findings, *problems], key=place_key)
        for at in places:
            bad.setdefault(at[0], set()).add(at[1])
    for error in errors:
        loc = error["loc"]
        section = data.get(loc[0]) if loc and loc[0] in entries else None
        if len(loc) > 1 and _entry_of(section, loc[1]):
            bad.setdefault(loc[0], set()).add(loc[1])
        else:
            outside.add(str(loc[0]) if loc else "")
    if not outside:
        kept = dict(data)
        for key, left_out in bad.items():
            section = data[key]
            kept[key] = (
                [item for index, item in enumerate(section) if index not in left_out]
                if isinstance(section, list)
                else {name: item for name, item in section.items() if name not in left_out}
            )
        try:
            validated = model.model_validate(kept)
        except ValidationError:  # an error that only shows once entries are left out: the entries are not alone
            outside.add("")
        else:
            return Loaded(shown, validated, document, {key: frozenset(names) for key, names in bad.items()}), findings
    refused = refusal(document, frozenset(outside)) if refusal is not None else None
    return None, findings + ([refused] if refused is not None else [])


def _refused_values(
    document: Document, shown: str, entries: tuple[str, ...]
) -> Finding | tuple[list[Finding], list[tuple]] | None:
    """The values the reading refused (see yamlio.Document.problems): None when there are none; when each stands
    in an entry of ``entries``, their findings and where they stand (their entries are then left out alone); else
    the finding of the first, which refuses the document whole, as it did before anything was validated."""
    if not document.problems:
        return None
    findings, places = [], []
    source = document.data.get("source") if isinstance(document.data, dict) else None
    named = (f'source "{source["id"]}"',) if isinstance(source, dict) and isinstance(source.get("id"), str) else ()
    for at, problem in document.problems.items():
        where = Location(shown, problem.line, problem.col)
        section = document.data.get(at[0]) if isinstance(document.data, dict) and at and at[0] in entries else None
        if len(at) < 2 or not _entry_of(section, at[1]):  # not in one entry: the document is refused whole
            return input_error(problem.check, where, problem.message, problem.hint)
        # named by the entry's id and the key, as schema errors are: two claims may have the same problem
        key = (problem.message, _place(document.data, at), *named)
        findings.append(input_error(problem.check, where, problem.message, problem.hint, key=key))
        places.append(at)
    return findings, places


#: a day as the formats write it, which YAML (and the formatter) also reads as a date
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def impossible_dates(document: Document, shown: str) -> list[Finding]:
    """A finding for each value written as a day (2025-02-30) that the calendar does not have: one a YAML reader
    that reads dates cannot read at all."""
    found = []
    stack: list[tuple[tuple, Any]] = [((), document.data)]
    while stack:
        at, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((at + (key,), item) for key, item in value.items())
        elif isinstance(value, list):
            stack.extend((at + (index,), item) for index, item in enumerate(value))
        elif isinstance(value, str) and _DAY.fullmatch(value):
            try:
                date.fromisoformat(value)
            except ValueError:
                said = f'"{value}" is not a day the calendar has'
                found.append(input_error("value", location(shown, document.span(at)), said, "write a real date"))
    return sorted(found, key=place_key)


def _entry_of(section: Any, key: Any) -> bool:
    """Whether ``key`` names one entry of ``section`` (a list index, or a mapping's key)."""
    if isinstance(section, list):
        return isinstance(key, int) and 0 <= key < len(section)
    return isinstance(section, dict) and isinstance(key, str) and key in section


def load_model(
    path: Path,
    shown: str,
    model: type[M],
    check: str = "schema",
    raw: bytes | None = None,
    read: Reader = read_document,
    entries: tuple[str, ...] = (),
    refusal: Optional[Refusal] = None,
) -> tuple[Loaded | None, list[Finding]]:
    """Read and validate one file (``raw``: its bytes, when already read); return it (or None) with its findings.

    ``entries`` and ``refusal``: as for :func:`validate` (``refusal`` also says why a file that holds no mapping
    is refused).
    """
    document = read(path, shown, raw=raw)
    if isinstance(document, Finding):
        return None, [said_of_its_kind(document, check)]
    if not isinstance(document.data, dict):
        refused = refusal(document, frozenset([""])) if refusal is not None else None
        return None, [not_a_mapping(shown, check)] + ([refused] if refused is not None else [])
    return validate(document, model, shown, check, entries, refusal)


#: what an empty file of each kind should hold, in place of the claim file's (see yamlio.read_yaml)
_EMPTY_HINTS = {
    "rules": "a rules file holds `metrics:`, `entities:`, `relations:`, `units:` or `checks:`; delete it if it "
    "holds none",
    "acknowledgement": "write `acknowledgements: []`, or delete the file",
}


def said_of_its_kind(finding: Finding, check: str) -> Finding:
    """A reading problem of a file of the kind ``check`` names (rules, acknowledgements) with the hint for that
    kind: an empty file is told what it should hold, not what a claim file holds."""
    hint = _EMPTY_HINTS.get(check)
    if hint is None or finding.message != "file is empty":
        return finding
    return replace(finding, hint=hint)


def not_a_mapping(shown: str, check: str) -> Finding:
    """The finding for a file that holds something other than a mapping."""
    return input_error(check, Location(shown, 1, 1), "the file must hold a mapping at the top", "see docs/formats.md")


#: the end of an object's key, in JSON text whose strings hold no quote (no backslash: no escaped one)
_KEY_END = re.compile(r'"\s*:')
#: an integer orjson would read as a float rather than as Python's exact integer
_LONG_DIGITS = re.compile(r"\d{19,}")


def _plainly(text: str) -> Any:
    """The JSON value of ``text`` read in one call of orjson, when it is certain to be what the careful reading of
    :func:`_json_document` would give: no escape that could hide a character no file may hold, no integer beyond
    64 bits, no key given twice. Otherwise (and for malformed text, which the careful reading explains)
    ``_CAREFUL``.

    Without a backslash no string holds a quote, so every quote followed by a colon ends a key, in the text as
    in orjson's writing of what it read: the counts differ exactly when a key was given twice and dropped.
    """
    if "\\" in text or _LONG_DIGITS.search(text) or control_character(text):
        return _CAREFUL
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return _CAREFUL
    return data if orjson.dumps(data).count(b'":') == len(_KEY_END.findall(text)) else _CAREFUL


_CAREFUL = object()


def _json_document(text: str, line: int, shown: str, check: str) -> Document | Finding:
    """One JSON value as a document: a document on one line (JSON Lines) is located by its line; one written over
    several lines (a pretty-printed .json file) by the place of each of its keys and values."""
    import json

    data = _plainly(text)
    if data is not _CAREFUL:
        return Document(data, _json_spans(text, line))
    try:
        data = json.loads(text, parse_constant=_refused_constant, object_pairs_hook=_unique_keys, parse_int=_whole)
    except json.JSONDecodeError as exc:
        return input_error(
            "yaml-syntax" if check == "schema" else check,
            Location(shown, line + exc.lineno - 1, exc.colno),
            f"malformed JSON: {exc.msg}",
            "check the brackets, commas and quotes around this place",
        )
    except _RefusedKey as exc:  # a key with a control character: the document cannot name it
        return input_error(check, Location(shown, line, 1), str(exc), ESCAPE_HINT)
    except RecursionError:
        return input_error(check, Location(shown, line, 1), "values nest too deeply", "flatten the document")
    data, problems = _refused_in(data, line, check)
    whole = refusing_whole(problems)
    if whole is not None:
        return input_error(check, Location(shown, whole.line, whole.col), whole.message, whole.hint)
    return Document(data, _json_spans(text, line), problems)


#: the longest JSON document over several lines located by each of its keys and values: scanning them costs
#: about as much as reading the document again, and a larger one (written by a program, not edited by hand) is
#: located as a whole, as a JSON Lines document by its line
MAX_LOCATED_JSON_CHARS = 4_000_000
_LINE_BREAK = re.compile("\n")
#: the tokens of JSON text that hold no other value
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null")
_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _json_spans(text: str, line: int) -> dict[tuple, Span]:
    """The spans of a JSON document whose text starts at ``line``: the whole text's, and, when it stands on more
    than one line, those of each value and each key (``("<key>", *path)``), as a YAML document has them. The text
    was read as JSON already: it is only scanned, never judged."""
    whole = {(): _whole_span(text, line)}
    if "\n" not in text.strip() or len(text) > MAX_LOCATED_JSON_CHARS:
        return whole
    starts = [0] + [found.end() for found in _LINE_BREAK.finditer(text)]

    def place(at: int) -> tuple[int, int]:
        row = bisect.bisect_right(starts, at) - 1
        return line + row, at - starts[row] + 1

    spans: dict[tuple, Span] = {}

    def space(at: int) -> int:
        return _JSON_SPACE.match(text, at).end()  # type: ignore[union-attr]  # it matches nothing at worst

    def token(pattern: re.Pattern[str], at: int) -> int:
        found = pattern.match(text, at)
        if found is None:
            raise ValueError(at)
        return found.end()

    def value(at: int, path: tuple) -> int:
        begin = at
        opening = text[at]
        if opening in "{[":
            closing, at, index = ("}" if opening == "{" else "]"), space(at + 1), 0
            while text[at] != closing:
                if opening == "{":
                    end = token(_JSON_STRING, at)
                    name = orjson.loads(text[at:end])
                    spans[("<key>", *path, name)] = Span(*place(at), *place(end))
                    at = space(space(end) + 1)  # past the colon
                    at = space(value(at, (*path, name)))
                else:
                    at = space(value(at, (*path, index)))
                    index += 1
                if text[at] == ",":
                    at = space(at + 1)
            at += 1
        else:
            at = token(_JSON_STRING if opening == '"' else _JSON_SCALAR, at)
        spans[path] = Span(*place(begin), *place(at))
        return at

    try:
        value(space(0), ())
    except (IndexError, ValueError, RecursionError):  # not as it was read: the whole text's span
        return whole
    return spans


class _Bad:
    """A JSON value claimcheck does not take, with what is wrong with it, in its place until the reading ends."""

    __slots__ = ("message", "hint")

    def __init__(self, message: str, hint: str) -> None:
        self.message, self.hint = message, hint


def _refused_constant(name: str) -> _Bad:
    return _Bad(f"{name} is not a finite number", "write a finite number")


def _whole(text: str) -> int | _Bad:
    if len(text.lstrip("-")) > MAX_NUMBER_CHARS:
        return _Bad("a number is too long", "write a number of ordinary size")
    return int(text)


def _refused_in(data: Any, line: int, check: str) -> tuple[Any, dict[tuple, YamlProblem]]:
    """``data`` with each value JSON gives that claimcheck does not take (see :class:`_Bad`; a text with a control
    character) as REFUSED, and those problems by key path, in document order. JSON carries no position finer than
    its line: each message names its key path."""
    problems: dict[tuple, YamlProblem] = {}

    def walk(value: Any, at: tuple) -> Any:
        said = None
        if isinstance(value, _Bad):
            said = (value.message, value.hint)
        elif isinstance(value, str):
            found = control_character(value)
            said = (f"{found} is not allowed", ESCAPE_HINT) if found else None
        elif isinstance(value, dict):
            return {key: walk(item, at + (key,)) for key, item in value.items()}
        elif isinstance(value, list):
            return [walk(item, at + (index,)) for index, item in enumerate(value)]
        if said is None:
            return value
        where = ".".join(map(str, at))
        problems[at] = YamlProblem(f"{where}: {said[0]}" if where else said[0], line, 1, said[1], check)
        return REFUSED

    return walk(data, ()), problems


def _whole_span(text: str, line: int) -> Span:
    """The span of a document's whole text, which starts at ``line``: its end exclusive, as every span's (after
    the last character of a line that does not end the text; the start of the next line after a line break)."""
    breaks = text.count("\n")
    last = text[text.rfind("\n") + 1 :]
    return Span(line, 1, line + breaks, len(last) + 1)


class _RefusedKey(ValueError):
    """A key of a JSON object that no file may hold (a control character in it): it refuses its document."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict, a key given twice refused in its place (json.loads would keep the last silently:
    neither is taken, as which was meant cannot be told); a key with a control character refuses the document."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        found = control_character(key)
        if found:
            raise _RefusedKey(f'key "{key.encode("unicode_escape").decode("ascii")}": {found} is not allowed')
        if key in result:
            result[key] = _Bad(f'duplicate key "{key}"', "JSON would silently keep only the last one")
            continue
        result[key] = value
    return result


def load_models(
    path: Path,
    shown: str,
    model: type[M],
    check: str = "schema",
    raw: bytes | None = None,
    entries: tuple[str, ...] = (),
    refusal: Optional[Refusal] = None,
) -> Iterator[tuple[Loaded | None, list[Finding]]]:
    """Every document of a file, validated: one for YAML and JSON, one per line for JSON Lines.

    ``raw``, when given, is the file's content, already read (or made in memory: an imported table).
    ``entries`` and ``refusal``: as for :func:`validate`, for each document.
    """
    if path.suffix not in (".json", ".jsonl"):
        yield load_model(path, shown, model, check, raw, entries=entries, refusal=refusal)
        return
    content = raw if raw is not None else read_bytes(path, shown)
    if isinstance(content, Finding):
        yield None, [content]
        return
    try:
        text = decode(content)
    except YamlProblem as problem:
        yield (
            None,
            [input_error("yaml-syntax", Location(shown, problem.line, problem.col), problem.message, problem.hint)],
        )
        return
    chunks = (
        [(1, text)]
        if path.suffix == ".json"
        else [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    )
    if not chunks or not text.strip():
        yield None, [input_error(check, Location(shown), "file is empty", "add a source and its claims")]
        return
    for line, chunk in chunks:
        document = _json_document(chunk, line, shown, check)
        if isinstance(document, Finding):
            yield None, [_of_line(document, chunk) if path.suffix == ".jsonl" else document]
            continue
        if not isinstance(document.data, dict):
            wrong = input_error(
                check, Location(shown, line, 1), "each document must be an object", "see docs/formats.md"
            )
            yield None, [_of_line(wrong, chunk) if path.suffix == ".jsonl" else wrong]
            continue
        yield validate(document, model, shown, check, entries, refusal)


def unusable_path(path: Path, suffixes: tuple[str, ...] = CLAIM_SUFFIXES) -> str | None:
    """Why a path given on the command line names nothing to read (None when it names a file with one of the
    suffixes, or a folder that holds one), with a "did you mean" when a near name exists beside it.

    A gate given a misspelt path must not pass because it judged nothing."""
    shown = display_path(path)
    if path.is_dir():
        if any(problem is None for _, problem in _walk(path, suffixes)):
            return None
        return f'"{shown}" is a folder with no file ending in {", ".join(suffixes)}'
    if path.exists():
        if path.name.endswith(suffixes):
            return None
        return f'"{shown}" is not a claim file: its name does not end in {", ".join(suffixes)}'
    if path.is_symlink():  # a link that leads nowhere (or round in a loop): the name itself is there
        return f'"{shown}" is a symbolic link to nothing that can be read (its target is missing, or a loop)'
    message = f'"{shown}": no such file or folder'
    folder = path.parent
    while not folder.is_dir() and folder != folder.parent:
        folder = folder.parent
    try:
        near = {fold(entry.name): entry.name for entry in folder.iterdir() if not entry.name.startswith(".")}
    except OSError:
        return message
    missing = path.parts[len(folder.parts) :] if path.parts[: len(folder.parts)] == folder.parts else ()
    close = did_you_mean(missing[0], near, limit=1) if missing else []
    if close:  # the first name that is not there, spelt as one that is
        message += f'; did you mean "{display_path(folder.joinpath(close[0], *missing[1:]))}"?'
    return message


def _of_line(problem: Finding, text: str) -> Finding:
    """A problem of one line of a JSON Lines file that could not be read, told apart from the same problem on
    other lines by the line's text (its place moves with the lines)."""
    assert problem.location is not None
    key = (problem.message, digest_of(text))
    return input_error(problem.check, problem.location, problem.message, problem.hint, problem.severity, key=key)


def iter_files(
    paths: Iterable[Path], suffixes: tuple[str, ...] = CLAIM_SUFFIXES
) -> Iterator[tuple[Path, Finding | None]]:
    """Every file under the given paths with one of the suffixes, sorted, each once; missing paths are findings.

    Files found in a folder that link outside it (and outside the repository),
    and links to folders, are findings too: they are never followed.
    """
    seen: set[Path] = set()
    found: list[Path] = []
    folders: dict[Path, Path] = {}  # a folder -> itself resolved: a file that is no link resolves within it
    for root in paths:
        if not root.exists():
            yield root, input_error("io", Location(display_path(root)), "no such file or folder", "check the path")
            continue
        candidates = [root] if not root.is_dir() else []
        if root.is_dir():
            for candidate, problem in _walk(root, suffixes):
                if problem is None:
                    candidates.append(candidate)
                else:
                    yield candidate, problem
        for candidate in candidates:
            if candidate.is_symlink():
                target = resolved(candidate)
            else:
                folder = folders.get(candidate.parent)
                if folder is None:
                    folder = folders[candidate.parent] = resolved(candidate.parent)
                target = folder / candidate.name
            if target not in seen:
                seen.add(target)
                found.append(candidate)
    for candidate in sorted(found, key=lambda p: p.as_posix()):
        yield candidate, None


def _walk(root: Path, suffixes: tuple[str, ...]) -> Iterator[tuple[Path, Finding | None]]:
    """The files under ``root`` with one of the suffixes, and findings for the links that are not followed."""
    for folder, dirs, files in os.walk(root, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            if (Path(folder) / name).is_symlink():  # os.walk lists links to folders but never enters them
                yield (
                    Path(folder) / name,
                    input_error(
                        "io",
                        Location(display_path(Path(folder) / name)),
                        "is a symbolic link to a folder: not followed, so the files under it are not read",
                        "links to folders are never followed (they could loop or lead outside); move the files here, "
                        "or pass the folder itself",
                        severity="warning",
                    ),
                )
        for name in sorted(files):
            if name.endswith(suffixes):
                yield _walked(Path(folder) / name, root)


def _walked(path: Path, root: Path) -> tuple[Path, Finding | None]:
    """A file found in ``root``, or why it is not read: a name with control characters or not in UTF-8 (no report
    could show it), a link leading out."""
    try:
        path.as_posix().encode("utf-8")
    except UnicodeEncodeError:
        shown = Path(path.as_posix().encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace"))
        message = "the file name is not UTF-8 text: it was not read"
        return shown, input_error("io", Location(display_path(shown)), message, "rename the file with a UTF-8 name")
    if control_character(path.as_posix()):
        shown = Path(path.as_posix().encode("unicode_escape").decode("ascii"))
        message = f"the path holds {control_character(path.as_posix())}: it was not read"
        return shown, input_error("io", Location(display_path(shown)), message, "rename the file")
    problem = walked_file_problem(path, root)
    if problem is None:
        return path, None
    return path, input_error(
        "io", Location(display_path(path)), problem, "keep claim and rules files in the repository"
    )
