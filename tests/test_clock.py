"""Clock formats read as strptime reads them: the same datetime for every text, or no reading where it raises."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.authoring.clock import ClockFormat

from conftest import ROOT

#: the formats of the flight mapping, and others with every directive read here and some that strptime reads alone
FORMATS = yaml.safe_load(Path(ROOT / "examples" / "flights" / "mapping.yaml").read_text("utf-8"))["metrics"][
    "scheduled_departure"
]["parse"]["formats"] + [
    "%d %B %Y %H:%M:%S", "%A %d %b %y, %I %p", "%b-%d %H%M", "%I:%M", "%H:%M %p", "%Y%m%d",
    "%d/%m/%Y %H:%M", "%j %H:%M", "%H:%M %Z", "100%% %H:%M", "%H:%M %", "%Y-%m-%d %H:%M:%S.%f",
]  # fmt: skip

#: pieces a text is made of: what each directive may match, what it may not, and what stands between them
PIECES = {
    "Y": ["2011", "1999", "0001", "9999", "201", "20111"],
    "y": ["11", "68", "69", "00", "7", "123"],
    "m": ["12", "1", "01", "09", "13", "00", " 1"],
    "b": ["Dec", "dec", "DEC", "Feb", "Sept", "May", "ſep", "İan"],
    "B": ["December", "february", "MAY", "Febuary", "Auguſt", "aprİl"],
    "d": ["1", "01", " 1", "29", "30", "31", "32", "0", "00"],
    "H": ["0", "00", "13", "23", "24", "7"],
    "I": ["1", "01", "12", "13", "0", "00"],
    "M": ["0", "05", "59", "60", "7"],
    "S": ["0", "59", "60", "61", "62"],
    "p": ["AM", "pm", "Pm", "a.m.", "A"],
    "a": ["Thu", "thu", "Thursday", "Xyz", "ſun", "FRİ", "frı"],
    "A": ["Thursday", "THURSDAY", "Thu", "ſunday"],
    "j": ["1", "335", "366", "367"],
    "Z": ["UTC", "GMT", "EST"],
    "f": ["5", "123456", "1234567"],
    "%": ["%", ""],
}
BETWEEN = ["", " ", "  ", "\t", ",", ", ", "-", "/", ":", ".", "x"]


def _strptime(text: str, pattern: str) -> datetime | None:
    try:
        return datetime.strptime(text, pattern)
    except ValueError:
        return None


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A text made after one of the formats: each directive replaced by a piece that may or may not fit it, the
    characters between kept or changed, and now and then something added at either end."""
    pattern = draw(st.sampled_from(FORMATS))
    parts = []
    for literal, directive in re.findall(r"([^%]*)(?:%(.)|$)", pattern, re.DOTALL):
        parts.append(literal if draw(st.integers(0, 5)) else draw(st.sampled_from(BETWEEN)))
        if directive:
            parts.append(draw(st.sampled_from(PIECES.get(directive, ["1"]))))
    edges = draw(st.sampled_from(["", "", "", " ", "0", "x", " PM"]))
    return (edges if draw(st.booleans()) else "") + "".join(parts) + (edges if draw(st.booleans()) else "")


READERS = {pattern: ClockFormat(pattern) for pattern in FORMATS}


@settings(max_examples=3000, deadline=None)
@given(texts())
def test_every_format_reads_a_text_as_strptime_does(text):
    for pattern, reader in READERS.items():
        assert reader.read(text) == _strptime(text, pattern), (text, pattern)


@pytest.mark.parametrize(
    ("text", "pattern"),
    [
        ("12:10 AM, Dec 01", "%I:%M %p, %b %d"),  # midnight
        ("12:10 PM, Dec 01", "%I:%M %p, %b %d"),  # noon
        ("12:10, Dec 01", "%I:%M, %b %d"),  # no mark: before noon
        ("1:10 pm,   dec  1", "%I:%M %p, %b %d"),  # any case, any run of blanks
        ("29 Feb", "%d %b"),  # 29 February of no year (1900): no date
        ("29 Feb 2012", "%d %b %Y"),
        ("31 Apr 2012", "%d %b %Y"),
        ("2011-12-01 3:10 PM trailing", "%Y-%m-%d %I:%M %p"),
        ("Thu, Dec 1 6:20 PM", "%a, %b %d %I:%M %p"),
        ("Sun, Dec 1 6:20 PM", "%a, %b %d %I:%M %p"),  # a weekday that is not the date's is not judged
        # letters beyond ASCII that the pattern matches as ASCII ones, in names that are then none of the locale's
        ("01 ſep 2011 13:58", "%d %b %Y %H:%M"),
        ("Auguſt 1", "%B %d"),
        ("aprİl 1", "%B %d"),
        ("ſun 04/12/2011 13:55", "%a %d/%m/%Y %H:%M"),
        ("FRİ 04/12/2011 13:55", "%a %d/%m/%Y %H:%M"),
        ("frı 04/12/2011", "%a %d/%m/%Y"),
        ("ſunday 4", "%A %d"),
        ("\u212aelvin 4", "%B %d"),
    ],
)
def test_the_cases_strptime_treats_apart(text, pattern):
    assert ClockFormat(pattern).read(text) == _strptime(text, pattern)


def test_formats_with_other_directives_are_left_to_strptime():
    assert ClockFormat("%Y-%m-%d %H:%M").regex is not None
    for pattern in ("%j %H:%M", "%H:%M %Z", "100%% %H:%M", "%d %d", "%Y %y", "%H %I", "%H:%M %"):
        assert ClockFormat(pattern).regex is None, pattern
