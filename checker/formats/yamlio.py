"""Safe YAML reading that keeps the position of every value.

PyYAML's own constructors silently keep the last of two duplicate keys, build
arbitrary objects from tags when asked to, and expand aliases without bound.
claimcheck therefore lets the (C, when available) composer build the node
graph and constructs plain Python data itself, refusing what would lose data
or run code, and recording where each value stands so that a later schema
error can point at file:line:col.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterator, NamedTuple, Sequence

import yaml

try:  # libyaml's composer, in C, where it is installed; else PyYAML's own, quietly
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader

#: the implicit tag of plain scalars already met: a claim file says "subject", "metric", "2025-12-31" and the like
#: again and again, and the resolver tries its patterns on each (a tenth of the composing time)
_TAGS: dict[str, str] = {}


class _Loader(_Base):  # type: ignore[misc, valid-type]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is yaml.ScalarNode and implicit[0] and len(value) <= 64 and not self.yaml_path_resolvers:
            tag = _TAGS.get(value)  # a plain scalar: its text alone decides
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_TAGS) < 100_000:  # short texts only, and so many: a few megabytes at most
                    _TAGS[value] = tag
            return tag
        return super().resolve(kind, value, implicit)


KeyPath = tuple  # the keys and list indexes that lead to a value from the top of the document

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_ALLOWED_TAGS = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TIMESTAMP, _MAP, _SEQ}

#: how many nodes aliases may add on top of the document's own nodes
ALIAS_EXPANSION_ALLOWANCE = 10_000
#: how deep mappings and sequences may nest
MAX_DEPTH = 64
#: the longest number read; longer ones (thousands of digits) are refused before conversion
MAX_NUMBER_CHARS = 100
_NUMBER_HINT = "write a finite number of ordinary size"


class Span(NamedTuple):
    """Where a value stands in its file: 1-based line and column, end exclusive (a tuple: cheap to make)."""

    line: int
    col: int
    end_line: int
    end_col: int


class YamlProblem(Exception):
    """A file that cannot be read as claimcheck's safe YAML."""

    def __init__(self, message: str, line: int = 1, col: int = 1, hint: str = "", check: str = "yaml-syntax") -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.col = col
        self.hint = hint
        self.check = check  # the check its finding is filed under


class _Refused:
    """A value written in the file that claimcheck does not take (a number that is not finite, or too long; a text
    with a control character; a key given twice): kept in its place, so that only the entry it stands in is
    refused (see :attr:`Document.problems`). No model takes it."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "<refused>"


REFUSED = _Refused()


@dataclass
class Document:
    """Plain data read from one file and the span of each value in it; ``problems``: the values refused where they
    stand (:data:`REFUSED` in ``data``), by key path, each with what is wrong (the file is read as far as the
    schema's validation, which refuses the entry they stand in, or the whole document: see loading.validate)."""

    data: Any
    spans: dict[KeyPath, Span]
    problems: dict[KeyPath, YamlProblem] = field(default_factory=dict)

    def span(self, path: KeyPath) -> Span:
        """The span of the value at ``path``, or of its nearest enclosing value."""
        path = tuple(path)
        while path not in self.spans and path:
            path = path[:-1]
        return self.spans.get(path, Span(1, 1, 1, 1))

    def key_span(self, path: KeyPath) -> Span:
        """The span of the key that introduces ``path`` (falls back to the value)."""
        return self.spans.get(("<key>",) + tuple(path)) or self.span(path)


def _span(node: yaml.Node) -> Span:
    start, end = node.start_mark, node.end_mark
    return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)


def decode(raw: bytes) -> str:
    """Decode UTF-8 (with or without a byte-order mark), locating a bad byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise YamlProblem(
            "file is UTF-32, not UTF-8", 1, 1, "save the file as UTF-8 (without a UTF-32 byte-order mark)"
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise YamlProblem(
            "file is UTF-16, not UTF-8", 1, 1, "save the file as UTF-8 (without a UTF-16 byte-order mark)"
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = len(before) - (before.rfind(b"\n") + 1) + 1
        raise YamlProblem(
            f"file is not valid UTF-8: byte 0x{raw[exc.start]:02x} cannot be decoded",
            line,
            col,
            "save the file as UTF-8",
        ) from None


#: characters no claim or rules file may hold, raw or escaped: control characters but tab and line breaks (they could
#: rewrite a terminal or a CI log), unpaired surrogates and the noncharacters U+FFFE and U+FFFF (no text holds them
#: but by mistake, and no XML report could: JUnit would not parse)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def _named(char: str) -> str:
    code = ord(char)
    kind = "noncharacter" if code >= 0xFFFE else "unpaired surrogate" if code >= 0xD800 else "control character"
    return f"{kind} U+{code:04X}"


def without_control(text: str) -> str:
    """``text`` with each character no file may hold (see :func:`control_character`) as a space: what a text
    copied from elsewhere (a PDF's form feeds) becomes in a file claimcheck writes. Quotes are matched to their
    archived text with runs of spaces folded, so a quote made so still stands in it."""
    return _CONTROL.sub(" ", text)


def control_character(text: str) -> str:
    """The first character of ``text`` no file may hold, named ("control character U+001B", "noncharacter
    U+FFFF", "unpaired surrogate U+D800"), or "" (tabs and line breaks are not control here)."""
    found = _CONTROL.search(text)
    return _named(found.group()) if found else ""


#: what to do about an escape that decodes to a character no file may hold
ESCAPE_HINT = (
    "remove the escape sequence: control characters could rewrite a terminal or a CI log, and no report in XML "
    "can hold a noncharacter or a lone surrogate"
)


def _line_col(text: str, at: int) -> tuple[int, int]:
    """The line and column (from 1) of the character at ``at``."""
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def _check_text(text: str, at: int | None = None) -> None:
    """Refuse a text holding a character no file may hold (the first, or the one at ``at``) where it stands."""
    found = _CONTROL.search(text) if at is None else _CONTROL.match(text, at)
    if found:
        named = _named(found.group())
        raise YamlProblem(f"{named} is not allowed", *_line_col(text, found.start()), "delete the character")


#: where the characters no file may hold are moved to be read (plane 15, for private use: YAML reads them as text)
_MASK = 0xF0000
_MASKED = re.compile(f"[{chr(_MASK)}-{chr(_MASK + 0xFFFF)}]")


def _masked(text: str) -> tuple[str, list[int]]:
    """The text with each character no file may hold (see :data:`_CONTROL`) moved to a private-use one, which YAML
    reads, and where they stand: a text value that holds one is then refused where it stands, alone. A text that
    already holds such private-use characters is read as it is (and refused whole)."""
    controls = [found.start() for found in _CONTROL.finditer(text)]
    if not controls or _MASKED.search(text):
        return text, []
    return _CONTROL.sub(lambda found: chr(_MASK + ord(found.group())), text), controls


class _Builder:
    """Turns a composed node graph into plain data, refusing unsafe constructs."""

    def __init__(self, unique_nodes: int, text: str = "", controls: Sequence[int] = ()) -> None:
        self.budget = unique_nodes + ALIAS_EXPANSION_ALLOWANCE
        self.spans: dict[KeyPath, Span] = {}
        self.problems: dict[KeyPath, YamlProblem] = {}
        # where the text holds a character no file may hold (see _masked), and those a refused value holds
        self.text, self.controls, self.placed = text, controls, set()

    def build(self, node: yaml.Node, path: KeyPath, depth: int = 0) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise YamlProblem(
                "anchors and aliases expand to too many values",
                *self._pos(node),
                hint="write the repeated values out, or use fewer nested aliases",
            )
        self.spans[path] = _span(node)
        if depth >= MAX_DEPTH and not isinstance(node, yaml.ScalarNode):  # the root collection is level 1
            # refused whole, as the pass over parse events refuses a text nested too deep to compose safely
            raise YamlProblem(f"values nest deeper than {MAX_DEPTH} levels", *self._pos(node))
        if node.tag not in _ALLOWED_TAGS:  # refused where it stands: only the entry it stands in is left out
            return self._refuse(path, _tag_problem(node), node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        try:
            return self._scalar(node, two_ways=bool(path))  # a lone number is no claim file: the schema says so
        except YamlProblem as problem:  # a value of its own: refused where it stands
            self.problems[path] = problem
            return REFUSED

    def _refuse(self, path: KeyPath, problem: YamlProblem, *nodes: yaml.Node) -> _Refused:
        """Refuse the value at ``path``, written in ``nodes`` (never built): the characters no file may hold that
        they contain are refused with it, not with the whole file."""
        self.problems[path] = problem
        for node in nodes:
            self._place(node)
        return REFUSED

    def _place(self, node: yaml.Node) -> None:
        self.placed.update(self._controls_in(node))

    def _controls_in(self, node: yaml.Node) -> Sequence[int]:
        """Where the characters no file may hold stand within the text of ``node``."""
        if not self.controls:
            return ()
        start, end = node.start_mark.index, node.end_mark.index
        return self.controls[bisect.bisect_left(self.controls, start) : bisect.bisect_left(self.controls, end)]

    @staticmethod
    def _pos(node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _mapping(self, node: yaml.MappingNode, path: KeyPath, depth: int) -> dict:
        result: dict = {}
        for key_node, value_node in node.value:
            refused = None
            if key_node.tag == _MERGE:
                refused = YamlProblem(
                    "merge keys (<<) are not supported", *self._pos(key_node), hint="write the keys out in full"
                )
            elif key_node.tag not in _ALLOWED_TAGS:
                refused = _tag_problem(key_node)
            elif not isinstance(key_node, yaml.ScalarNode):
                refused = YamlProblem("a mapping key must be a plain value", *self._pos(key_node))
            if refused is None:
                try:
                    key = self._scalar(key_node)
                except YamlProblem as problem:
                    refused = problem
            if refused is not None:  # the key cannot be read: the mapping it stands in is refused where it stands
                if len(path) < 2:  # a key of the document or of a section names an entry: no entry stands alone
                    raise refused
                key = f"<key at {refused.line}:{refused.col}>"
                self.spans[("<key>",) + path + (key,)] = _span(key_node)
                result[key] = self._refuse(path + (key,), refused, key_node, value_node)
                continue
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                key = str(key_node.value)
            if key in result:
                first = self.spans[("<key>",) + path + (key,)]
                self.problems[path + (key,)] = YamlProblem(
                    f'duplicate key "{key}" (first at line {first.line})',
                    *self._pos(key_node),
                    hint="YAML would silently keep only the last one: merge the two or rename one",
                )
                result[key] = REFUSED  # neither value is taken: which one was meant cannot be told
                self._place(value_node)
                continue
            self.spans[("<key>",) + path + (key,)] = _span(key_node)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _scalar(self, node: yaml.ScalarNode, two_ways: bool = True) -> Any:
        tag, text = node.tag, node.value
        if tag == _STR or tag == _TIMESTAMP:
            if self.controls and _MASKED.search(text):  # one written raw in the file, masked to be read (_masked)
                inside = self._controls_in(node)
                if inside:
                    self.placed.update(inside)
                    at = inside[0]
                    raise YamlProblem(
                        f"{_named(self.text[at])} is not allowed", *_line_col(self.text, at), "delete the character"
                    )
            found = _CONTROL.search(text)  # an escape in a double-quoted string ("\\e", "\\x1b") decodes to one
            if found:
                raise YamlProblem(
                    f"{_named(found.group())} is not allowed",
                    *self._pos(node),
                    hint=ESCAPE_HINT,
                )
            if not node.style and tag == _STR and _NUMBER_IN_12.fullmatch(text):
                # text to YAML 1.1, a number to YAML 1.2, to JSON and to the editors that check a file against its
                # schema: read as they read it, so that a file means the same in YAML as in JSON
                number = int(text.replace("0o", "", 1), 8) if "o" in text else float(text)
                if not math.isfinite(number):
                    raise YamlProblem(f'"{_clip(text)}" is not a finite number', *self._pos(node), hint=_NUMBER_HINT)
                return number
            # dates stay text: the time grammar reads them, as JSON-based editors do
            return text
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in ("true", "yes", "on")
        if tag == _INT and len(text) > MAX_NUMBER_CHARS:
            raise YamlProblem(f"a number of {len(text)} characters is too long", *self._pos(node), hint=_NUMBER_HINT)
        if (tag == _INT or tag == _FLOAT) and two_ways and _READ_TWO_WAYS.fullmatch(text):
            here = _int(text) if tag == _INT else _float(text)
            octal = tag == _INT and _OCTAL.fullmatch(text) is not None
            there = int(text, 10) if octal else None  # YAML 1.2 reads a leading zero as decimal, the rest as text
            if here != there:
                raise YamlProblem(
                    f'"{_clip(text)}" is {_clip(str(here))} to a YAML 1.1 reader (this one) and '
                    f"{'text' if there is None else there} to a YAML 1.2 one (JSON-based editors)",
                    *self._pos(node),
                    hint='write the number plainly (no leading zero, ":" or "_"), or in quotes when it is text',
                )
        if tag == _INT:
            return _int(text)
        if tag == _FLOAT:
            value = _float(text)
            if value is None or not math.isfinite(value):
                raise YamlProblem(f'"{_clip(text)}" is not a finite number', *self._pos(node), hint=_NUMBER_HINT)
            return value
        return text  # pragma: no cover - every allowed scalar tag is handled above


#: numbers YAML 1.1 (this reader) and YAML 1.2 (JSON-based editors) read differently: 014 (octal in 1.1), 1:30 (base
#: 60 in 1.1, text in 1.2), 0b101, 1_000 and a hex number with a sign (text in 1.2)
_OCTAL = re.compile(r"[-+]?0[0-7]+")
#: plain text to YAML 1.1 that YAML 1.2 (and JSON) reads as a number, read as a number: an exponent without a
#: point or a sign (1e5, 1.5e3), an octal number written 0o17
_NUMBER_IN_12 = re.compile(r"[-+]?(?:(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+|0o[0-7]+)")
_READ_TWO_WAYS = re.compile(r"[-+]?(?:0[0-7]+|0b[01_]+|[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?)|.*_.*|[-+]0x.*")


def _tag_problem(node: yaml.Node) -> YamlProblem:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    return YamlProblem(
        f'tag "{node.tag}" is not allowed', line, col, hint="claim files hold plain data: remove the tag"
    )


def _clip(text: str, width: int = 40) -> str:
    """``text`` shortened for a message."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _float(text: str) -> float | None:
    """A YAML 1.1 float ("1_000.5", ".5", "1:30.5" in base 60), or None for infinities, NaN and what is not one."""
    clean = text.replace("_", "")
    if clean.lower().lstrip("+-") in (".inf", ".nan"):
        return None
    sign = -1 if clean.startswith("-") else 1
    parts = clean.lstrip("+-").split(":")
    try:
        whole = 0
        for part in parts[:-1]:  # YAML 1.1 sexagesimal: 1:30.5 is 90.5
            whole = whole * 60 + int(part)
        return sign * (whole * 60 + float(parts[-1])) if len(parts) > 1 else float(clean)
    except ValueError:  # "._" and other spellings the resolver accepts but are no number
        return None


def _int(text: str) -> int:
    clean = text.replace("_", "")
    sign = -1 if clean.startswith("-") else 1
    clean = clean.lstrip("+-")
    if clean.startswith("0x"):
        return sign * int(clean[2:], 16)
    if clean.startswith("0o"):
        return sign * int(clean[2:], 8)
    if clean.startswith("0b"):
        return sign * int(clean[2:], 2)
    if ":" in clean:  # YAML 1.1 sexagesimal
        total = 0
        for part in clean.split(":"):
            total = total * 60 + int(part)
        return sign * total
    if len(clean) > 1 and clean.startswith("0"):
        return sign * int(clean, 8)
    return sign * int(clean)


#: texts that cannot nest deeper than this skip the event pass: libyaml composes them without risk
SHALLOW_ENOUGH = 1000


def _depth_bound(text: str) -> int:
    """An upper bound of how deep the text's collections can nest, found without parsing.

    Along a chain of nested block collections each node starts at a column no
    smaller than its parent's, and at the same column only a sequence under a
    mapping key: every two levels move at least one column right, so block
    nesting is at most twice the longest line. Flow collections cannot hold
    block ones, and each opens with a bracket or brace.
    """
    longest = max(map(len, text.split("\n")))
    return 2 * (longest + 1) + text.count("[") + text.count("{")


def _check_depth(text: str, loader: type = _Loader) -> None:
    """Refuse deep nesting before the composer sees it.

    libyaml's composer recurses in C and crashes the process some tens of
    thousands of levels down ("[[[[..." or "- - - ..." on one line); its
    parser produces events without recursion, so they are read first (about a
    tenth of the time of composing). Newer libyaml stops at 1,000 levels by
    itself, before the first event: the pure-Python parser then finds the
    place where the 65th level opens, so that the error stands at the same
    place whichever libyaml is installed.
    """
    depth = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, col = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
                    raise YamlProblem(f"values nest deeper than {MAX_DEPTH} levels", line, col)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError as exc:
        if "nesting depth" in str(getattr(exc, "problem", "")) and loader is not yaml.SafeLoader:
            _check_depth(text, yaml.SafeLoader)
        # otherwise malformed: composing reports it with its place


def _compose(text: str) -> Iterator[yaml.Node]:
    try:
        yield from yaml.compose_all(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "malformed YAML"
        raise YamlProblem(
            f"malformed YAML: {problem}", line, col, hint="check indentation, colons and quoting around this place"
        ) from None
    except yaml.YAMLError as exc:  # reader errors carry no mark
        raise YamlProblem(f"malformed YAML: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"values nest deeper than {MAX_DEPTH} levels") from None


def read_yaml(raw: bytes) -> Document:
    """Read one YAML document from bytes into plain data with spans."""
    original = decode(raw)
    text, controls = _masked(original)
    if not controls:
        _check_text(text)
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        raise YamlProblem("file is empty", hint="add a `source:` block and a `claims:` list")
    try:
        if _depth_bound(text) > SHALLOW_ENOUGH:
            _check_depth(text)
        nodes = list(_compose(text))
    except YamlProblem:
        if controls:  # a character no file may hold where YAML's structure stands (a form feed alone on a line)
            _check_text(original)
        raise
    if len(nodes) != 1:
        second = nodes[1] if len(nodes) > 1 else None
        line, col = (second.start_mark.line + 1, 1) if second is not None else (1, 1)
        raise YamlProblem(
            "file holds more than one YAML document", line, col, hint="keep one document per file (remove `---`)"
        )
    # every distinct value takes at least one character (or an indicator beside it): the text's length bounds
    # them, so aliases may not expand the data beyond a size proportional to the file's
    builder = _Builder(2 * len(text) + 1, original, controls)
    try:
        data = builder.build(nodes[0], ())
    except RecursionError:
        raise YamlProblem(f"values nest deeper than {MAX_DEPTH} levels") from None
    for at in controls:  # one no value refused holds (in a comment, a key's indicator...): the file is refused
        if at not in builder.placed:
            _check_text(original, at)
    problems = dict(sorted(builder.problems.items(), key=lambda item: _place(item[1])))
    whole = refusing_whole(problems)
    if whole is not None:
        raise whole
    return Document(data, builder.spans, problems)


def refusing_whole(problems: dict[KeyPath, YamlProblem]) -> YamlProblem | None:
    """The first of a document's refused values (in document order) when one lies outside every item of a
    top-level list or mapping: the document is then refused whole, as it is read. None when each is inside one."""
    return next(iter(problems.values())) if any(len(at) < 2 for at in problems) else None


def _place(problem: YamlProblem) -> tuple[int, int]:
    return problem.line, problem.col
