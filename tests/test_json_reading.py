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
