"""The safe YAML reader: plain data with positions, and a clear refusal of everything unsafe."""

from __future__ import annotations

import pytest
import yaml

from checker.formats import yamlio
from checker.formats.yamlio import YamlProblem, read_yaml


def test_values_and_positions():
    document = read_yaml(b"a: 1\nb:\n  - x\n  - {c: 2025-06-30, d: 1.5, e: true, f: null}\n")
    assert document.data == {"a": 1, "b": ["x", {"c": "2025-06-30", "d": 1.5, "e": True, "f": None}]}
    assert (document.span(("b", 1, "c")).line, document.span(("b", 1, "c")).col) == (4, 9)
    assert document.key_span(("a",)).line == 1
    # a path that does not exist falls back to its nearest parent
    assert document.span(("b", 1, "missing")).line == 4


def test_dates_stay_text():
    assert read_yaml(b"d: 2025-06-30\n").data == {"d": "2025-06-30"}


def test_byte_order_mark_is_accepted():
    assert read_yaml(b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


BAD = [
    ("duplicate-key", b"a: 1\nb: 2\na: 3\n", 3, 1, "duplicate key"),
    ("python-object-tag", b"a: !!python/object/apply:os.system [ls]\n", 1, 4, "not allowed"),
    ("custom-tag", b"a: !secret x\n", 1, 4, "not allowed"),
    ("binary-tag", b"a: !!binary aGVsbG8=\n", 1, 4, "not allowed"),
    ("merge-key", b"base: &b {x: 1}\nc:\n  <<: *b\n", 3, 3, "merge keys"),
    ("nan", b"a: .nan\n", 1, 4, "finite"),
    ("infinity", b"a: -.inf\n", 1, 4, "finite"),
    ("empty", b"", 1, 1, "empty"),
    ("only-comments", b"# nothing\n\n", 1, 1, "empty"),
    ("two-documents", b"a: 1\n---\nb: 2\n", 3, 1, "more than one"),
    ("malformed", b"a: [1, 2\nb: 3\n", 2, 2, "malformed"),
    ("bad-indent", b"a:\n  b: 1\n c: 2\n", 3, 2, "malformed"),
    ("latin-1", b"name: caf\xe9\n", 1, 10, "not valid UTF-8"),
    ("utf-16", "a: 1\n".encode("utf-16"), 1, 1, "UTF-16"),
    ("control-char", b"a: x\x1by\n", 1, 5, "control character"),
    ("escaped-control-char", b'a: "x\\ey"\n', 1, 4, "control character U+001B"),
    # no XML report could hold these, and no text does but by mistake
    ("noncharacter", "a: x\uffffy\n".encode("utf-8"), 1, 5, "noncharacter U+FFFF"),
    ("escaped-noncharacter", b'a: "it says 12 \\uFFFF"\n', 1, 4, "noncharacter U+FFFF"),
    ("escaped-noncharacter-fffe", b'a: ["\\uFFFE"]\n', 1, 5, "noncharacter U+FFFE"),
]


def _refusal(raw: bytes) -> YamlProblem:
    """What reading refuses first: the file as a whole, or a value inside an item (kept where it stands)."""
    try:
        document = read_yaml(raw)
    except YamlProblem as problem:
        return problem
    assert document.problems, "nothing refused"
    return next(iter(document.problems.values()))


@pytest.mark.parametrize("case, raw, line, col, words", BAD, ids=[c[0] for c in BAD])
def test_refusals_are_located(case, raw, line, col, words):
    refused = _refusal(raw)
    assert words in refused.message
    assert (refused.line, refused.col) == (line, col)


@pytest.mark.parametrize(
    "raw, at, words",
    [
        (b"claims:\n  - {id: a, value: .nan}\n  - {id: b, value: 2}\n", ("claims", 0, "value"), "finite"),
        (b"claims:\n  - {id: a, value: 1, value: 2}\n  - {id: b, value: 2}\n", ("claims", 0, "value"), "duplicate"),
        (b'claims:\n  - {id: a, quote: "x\\ey"}\n  - {id: b, value: 2}\n', ("claims", 0, "quote"), "control"),
        (b"metrics:\n  a: {within: 1" + b"0" * 120 + b"}\n  b: {within: 2}\n", ("metrics", "a", "within"), "too long"),
    ],
)
def test_a_value_refused_inside_an_item_is_kept_in_its_place_and_the_rest_is_read(raw, at, words):
    """A value inside an item of a top-level list or mapping is refused where it stands: the item holds REFUSED
    there and the problem is kept by its key path (the schema's validation then leaves that item out alone); the
    other items are read as written."""
    document = read_yaml(raw)
    assert list(document.problems) == [at] and words in document.problems[at].message
    item = document.data[at[0]][at[1]]
    assert item[at[2]] is yamlio.REFUSED
    assert document.data[at[0]]["b" if at[0] == "metrics" else 1]


@pytest.mark.parametrize("raw", [b"a: .nan\n", b"source: {id: x}\nsource: {id: y}\n", b"- .nan\n- 1\n"])
def test_a_value_refused_outside_the_items_refuses_the_file(raw):
    with pytest.raises(YamlProblem):
        read_yaml(raw)


def test_alias_bomb_is_bounded():
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    with pytest.raises(YamlProblem) as caught:
        read_yaml("\n".join(lines).encode())
    assert "aliases" in caught.value.message


def test_small_aliases_are_allowed():
    document = read_yaml(b"s: &s {stage: in-force}\nt: *s\n")
    assert document.data["t"] == {"stage": "in-force"}


def test_deep_nesting_is_refused():
    with pytest.raises(YamlProblem) as caught:
        read_yaml(b"a: " + b"[" * 100 + b"]" * 100 + b"\n")
    assert "nest" in caught.value.message


NESTINGS = {
    "flow": lambda n: "a: " + "[" * n + "]" * n + "\n",
    "flow-mappings": lambda n: "a: " + "{b: " * n + "1" + "}" * n + "\n",
    "block-mappings": lambda n: "".join("  " * i + f"k{i}:\n" for i in range(n)) + "  " * n + "v: 1\n",
    "compact-sequences": lambda n: "- " * n + "x\n",
    "sequences-under-keys": lambda n: "".join("  " * i + f"- k{i}:\n" for i in range(n)) + "  " * n + "- x\n",
}


@pytest.mark.parametrize("shape", sorted(NESTINGS))
@pytest.mark.parametrize("levels", [1, 63, 64, 65, 66, 120])
def test_nesting_is_judged_alike_with_and_without_the_event_pass(monkeypatch, shape, levels):
    """Shallow texts skip the pass over parse events: the composed tree refuses the same level at the same place."""
    raw = NESTINGS[shape](levels).encode()
    outcomes = []
    for bound in (10**9, -1):  # every text skips the event pass; every text takes it
        monkeypatch.setattr(yamlio, "SHALLOW_ENOUGH", bound)
        try:
            outcomes.append(("read", read_yaml(raw).data))
        except YamlProblem as problem:
            outcomes.append(("refused", problem.message, problem.line, problem.col))
    assert outcomes[0] == outcomes[1]
    assert (outcomes[0][0] == "refused") == (_deepest(raw) > yamlio.MAX_DEPTH)


def _deepest(raw: bytes) -> int:
    """How many collections the deepest chain of the text nests, counted on its parse events."""
    depth = deepest = 0
    for event in yaml.parse(raw.decode(), Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            deepest = max(deepest, depth)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return deepest


def test_the_depth_bound_holds():
    for make in NESTINGS.values():
        for levels in (1, 10, 64, 200):
            text = make(levels)
            assert yamlio._depth_bound(text) >= _deepest(text.encode())


@pytest.mark.parametrize(
    "text, value", [(".5", 0.5), ("1.e+5", 100000.0), ("0x1F", 31), ("007", 7), ("00", 0), ("012.5", 12.5)]
)
def test_numbers_every_yaml_reader_reads_alike_are_read_as_numbers(text, value):
    assert read_yaml(f"a: {text}\n".encode()).data == {"a": value}


@pytest.mark.parametrize("text, value", [("1e5", 100000.0), ("1.5e3", 1500.0), ("-2E-2", -0.02), ("-0o17", -15)])
def test_numbers_yaml_1_1_reads_as_text_are_read_as_yaml_1_2_and_json_read_them(text, value):
    """1e5 is text to YAML 1.1 and 100000 to YAML 1.2, to JSON and to an editor checking the file against its
    schema: it is read as they read it, so that a claim means the same written in YAML or in JSON."""
    read = read_yaml(f"a: {text}\nb: '{text}'\n".encode()).data
    assert read == {"a": value, "b": text} and type(read["a"]) is type(value)
    assert read_yaml(b"x:\n  a: 1e400\n").problems[("x", "a")].message == '"1e400" is not a finite number'


@pytest.mark.parametrize(
    "text, here, there",
    [("014", "12", "14"), ("-014", "-12", "-14"), ("1:30", "90", "text"), ("-1:30.5", "-90.5", "text"),
     ("9:5.", "545.0", "text"), ("1_000", "1000", "text"), ("1_000.5", "1000.5", "text"), ("0b11", "3", "text")],
)  # fmt: skip
def test_a_number_yaml_1_1_and_1_2_read_differently_is_refused_where_it_stands(text, here, there):
    """014 is 12 to this reader (YAML 1.1) and 14 to an editor that reads YAML 1.2: neither may be taken silently.
    Only the value is refused; the file's other entries are read."""
    document = read_yaml(f"claims:\n  - {{a: {text}}}\n  - {{a: 1}}\n".encode())
    assert document.data["claims"][1] == {"a": 1} and document.data["claims"][0]["a"] is yamlio.REFUSED
    problem = document.problems[("claims", 0, "a")]
    assert (
        f'"{text}" is {here} to a YAML 1.1 reader' in problem.message
        and f"and {there} to a YAML 1.2" in problem.message
    )
    assert (problem.line, problem.col) == (2, 9)  # "  - {a: " comes first


def test_plain_scalars_typed_from_memory_are_typed_as_the_resolver_types_them():
    """The loader remembers the implicit tag of short plain scalars: a value met again is typed as the first
    time, and as PyYAML's resolver types it (quoted ones stay text)."""
    from checker.formats import yamlio

    raw = b'v: [yes, "yes", No, 1000, "1_000", 0x1F, ~, null, "", 1.5e+3, 1.5e3, 2025-12-31, abc, "12"]\n'
    expected = [True, "yes", False, 1000, "1_000", 31, None, None, "", 1500.0, 1500.0, "2025-12-31", "abc", "12"]
    yamlio._TAGS.clear()
    assert yamlio.read_yaml(raw).data["v"] == expected
    assert yamlio._TAGS  # remembered
    assert yamlio.read_yaml(raw).data["v"] == expected
    assert [type(v) for v in yamlio.read_yaml(raw).data["v"]] == [type(v) for v in expected]


@pytest.mark.parametrize(
    "raw, place",
    [
        (b"claims:\n  - id: a\n    quote: >-\n      first\n\x0c\n      second\n", (5, 1)),
        (b'claims:\n  - id: a\n    quote: "x"\x0c\n', (3, 15)),
        (b"claims:\n  - id: &a\x01 a\n", (2, 11)),
    ],
    ids=["a form feed alone on a line", "after a closing quote", "in an anchor's name"],
)
def test_a_control_character_where_yaml_has_structure_refuses_the_file_saying_what_it_is(raw, place):
    with pytest.raises(YamlProblem) as refused:
        read_yaml(raw)
    assert refused.value.message.startswith("control character") and (refused.value.line, refused.value.col) == place


@pytest.mark.parametrize(
    "claim",
    ['id: a\n    id: "b\x01"', 'id: !foo "a\x01"', 'id: a\n    <<: {x: "\x01"}', 'id: a\n    ? ["\x01"]\n    : 1'],
    ids=["in a duplicate", "under a tag", "under a merge key", "in a key that is a list"],
)
def test_a_control_character_in_a_value_refused_for_another_reason_costs_only_its_entry(claim):
    document = read_yaml(f"claims:\n  - {claim}\n  - id: ok\n".encode())
    assert document.data["claims"][1] == {"id": "ok"} and len(document.problems) == 1


def test_a_key_that_names_an_entry_and_cannot_be_read_refuses_the_file():
    """A key of a section (a metric's id) is the entry's name: refused alone, what names it would look unknown."""
    with pytest.raises(YamlProblem, match='tag "!foo" is not allowed'):
        read_yaml(b"metrics:\n  !foo partners: {label: x}\n  other: {label: y}\n")


@pytest.mark.parametrize("text", ["0.5_5", "1.000_5", "1_0.0e+3", "0x_1F", "-0x1F", "+0x1F"])
def test_every_number_with_an_underscore_or_a_signed_hex_is_read_two_ways(text):
    document = read_yaml(f"claims:\n  - {{a: {text}}}\n".encode())
    assert "to a YAML 1.2 one" in document.problems[("claims", 0, "a")].message
