"""JSON read in one call of orjson gives what the careful reading gives, or leaves the text to it."""

from __future__ import annotations

import json

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.formats.loading import _CAREFUL, _plainly, _unique_keys

_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**25), max_value=10**25),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=12),
    ),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=6), inner, max_size=5)),
    max_leaves=20,
)


def _careful(text: str):
    return json.loads(text, object_pairs_hook=_unique_keys)


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(_values, st.sampled_from(["", " ", "\n", "\t"]))
def test_what_is_read_plainly_is_what_is_read_carefully(value, space):
    text = json.dumps(value, ensure_ascii=False, separators=("," + space, ":" + space))
    plain = _plainly(text)
    if plain is not _CAREFUL:
        assert orjson.dumps(plain) == orjson.dumps(_careful(text))
        assert type(plain) is type(_careful(text))


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',  # a key twice
        '{"a": {"b": 1, "b": 1}}',
        '{"quote": "say \\"a\\": 1", "a": 1}',  # an escaped quote before a colon
        '{"a": "\\u0007"}',  # an escape of a control character
        '{"a": 123456789012345678901234567890}',  # beyond 64 bits: orjson would give a float
        '{"a": NaN}',
        '{"a": 1e400}',
        '{"a": 1,}',
        '{"a": "\x1b[31m"}',  # a raw control character
    ],
)
def test_what_could_differ_is_left_to_the_careful_reading(text):
    assert _plainly(text) is _CAREFUL


def test_an_ordinary_claim_file_line_is_read_plainly():
    text = '{"source": {"id": "a", "published": "2025-01-02"}, "claims": [{"id": "c", "value": 14, "quote": "14 : x"}]}'
    assert _plainly(text) == _careful(text)


_documents = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(10**6), 10**6), st.text(alphabet="ab é\"\\/\t", max_size=6)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(alphabet="kéy\"", min_size=1, max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["source", "claims", "x"]), _documents, min_size=1, max_size=3),
       st.sampled_from([1, 2, 4]), st.booleans())  # fmt: skip
def test_a_json_document_over_several_lines_is_located_as_yaml_locates_it(document, indent, ascii_only):
    """A pretty-printed .json file is located by the place of each key and value, where a YAML reading of the same
    text (JSON written so is YAML) puts them; on one line (JSON Lines), by its line."""
    from checker.formats.loading import _json_spans
    from checker.formats.yamlio import read_yaml

    text = json.dumps(document, indent=indent, ensure_ascii=ascii_only)
    spans = _json_spans(text, 1)
    if "\\" not in text:  # PyYAML reads JSON's escapes as YAML 1.1 does, not always as JSON does
        assert spans == read_yaml(text.encode("utf-8")).spans
    assert _json_spans(json.dumps(document), 7) == {(): (7, 1, 7, len(json.dumps(document)) + 1)}


def test_a_pretty_printed_json_claim_file_names_the_line_of_each_problem(tmp_path):
    from conftest import VOCABULARY, claim, one_source, run_cli, write_corpus

    body = one_source("a", "2026-01-10", claim("p", "partners", 14, as_of="2025-12-31"),
                      claim("q", "partnrs", 14, as_of="2025-12-31"))  # fmt: skip
    claims, _ = write_corpus(tmp_path, {}, VOCABULARY)
    text = json.dumps(body, indent=2)
    (claims / "a.json").write_text(text, "utf-8")
    said = run_cli(tmp_path, "check", "--no-cache").output
    line = next(n for n, row in enumerate(text.splitlines(), 1) if '"partnrs"' in row)
    assert f"claims/a.json:{line}:" in said and 'unknown metric "partnrs"' in said, said


def test_a_json_document_beyond_the_located_size_is_located_as_a_whole(monkeypatch):
    from checker.formats import loading

    text = json.dumps({"source": {"id": "a"}, "claims": [{"id": "c"}]}, indent=2)
    assert len(loading._json_spans(text, 1)) > 1
    monkeypatch.setattr(loading, "MAX_LOCATED_JSON_CHARS", len(text) - 1)
    assert loading._json_spans(text, 1) == {(): (1, 1, text.count("\n") + 1, 2)}
