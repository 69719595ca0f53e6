"""quote-value on a table: the claims passed over in bulk are claims check() has nothing to say about.

check_table finds with regular expressions, for all the claims of a table at
once, the claims whose quote certainly states their value, and runs check()
on the others only. Its reading of numbers in bulk rests on what read_numbers
does with a "plain" quote (see checker/checks/quote_value.py); the properties
here build quotes from the pieces that could make that reading go wrong —
numbers with commas and points, number words, precision words, magnitude words,
units, currencies, ISO dates, years, ordinals, punctuation, odd white space and
characters — and require that check() finds nothing to say about any claim
passed over. The premises about characters that the reading takes from Python
are checked character by character against Polars' patterns.
"""

from __future__ import annotations

import re
import string
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from test_properties import FEW, MANY

from checker import engine
from checker.checks import quote_value
from checker.checks.base import Group
from checker.corpus.claims import Resolved
from checker.corpus.numbers import PRECISION_WORDS, read_numbers
from checker.engine.table import ClaimsTable, load_polars
from checker.formats.models import Precision, Range

from conftest import VOCABULARY, claim, one_source, write_corpus

pytestmark = pytest.mark.slow  # every number of generated quotes, read twice (pytest -m "not slow" leaves it out)

_VOCABULARY: dict[str, Any] = {
    "metrics": {
        **VOCABULARY["metrics"],
        "budget": {"label": "budget", "kind": "amount", "time": "flow", "unit": "EUR"},
    },
    "entities": VOCABULARY["entities"],
}


def _resolved(files: dict[str, dict[str, Any]]) -> tuple[list[Resolved], Any]:
    with tempfile.TemporaryDirectory(prefix="qv-") as folder:
        claims_dir, rules_dir = write_corpus(Path(folder), files, _VOCABULARY)
        result = engine.run([claims_dir], rules_dir, run_checks=False)
    return list(result.corpus.claims), result.vocabulary


def _judged(claims: list[Resolved], vocabulary: Any) -> tuple[set[int], ClaimsTable]:
    """The rows check_table passes over in bulk, and the table."""
    pl = load_polars()
    table = ClaimsTable.of(claims, vocabulary)
    stated = table.frame.filter(~pl.col("derived") & (pl.col("source_kind") != "dataset"))
    return set(quote_value._certain(table, stated).get_column("row").to_list()), table


def _by_group(claims: list[Resolved], vocabulary: Any) -> list[str]:
    return sorted(
        repr((subject, metric_id, problem))
        for subject, metrics in engine.partition(claims).items()
        for metric_id, group in metrics.items()
        for problem in quote_value.check(
            Group(subject, metric_id, vocabulary.metrics[metric_id], group, vocabulary), quote_value.Options()
        )
    )


def _alone(claim: Resolved, vocabulary: Any) -> list:
    group = Group(claim.subject, claim.metric_id, vocabulary.metrics[claim.metric_id], (claim,), vocabulary)
    return list(quote_value.check(group, quote_value.Options()))


def _sound(files: dict[str, dict[str, Any]]) -> None:
    """Every claim passed over in bulk is one check() finds nothing to say about; check_table finds what check()
    finds."""
    claims, vocabulary = _resolved(files)
    certain, table = _judged(claims, vocabulary)
    for row in sorted(certain):
        assert _alone(table.claims[row], vocabulary) == [], table.claims[row].claim
    on_table = sorted(map(repr, quote_value.check_table(table, quote_value.Options())))
    assert on_table == _by_group(claims, vocabulary)


# ------------------------------------------------------------------ quotes made of pieces

_PIECES = [
    *(word for word, _ in PRECISION_WORDS),
    *"Nearly ABOUT More than over- -over stop overall topped handsome Some tops undercount".split(),
    *"two seventeen sixty-four Two TWENTY zero one o O first second half quarter dozen dozens hundreds".split(),
    *"a dozen|twenty-one|one hundred|double-digit|forty two|seconds".split("|"),
    *"thousand million billion trillion Million MILLION millions bn mn tn Bn thousands".split(),
    *"per cent|percent|%|percentage points|times|-fold|fold|USD|US dollars|dollars|euros|EUR|VND".split("|"),
    *"US$|US $|us$|$|€|£|VND|VNĐ|vnđ|VND |EUR |USD |GBP |eur |Usd ".split("|"),
    *"2025-10-30 2025 1999 2024/25 October Oct oct 30 30th 4th 80th 1st 2nd 3rd 11th".split(),
    *"the of in was town rose to from between and by . , ; : - — ( ) ’ ' / Båered é Ä naïve".split(),
    *"1,234 1,234.5 12,3456 1,23 1.2.3 0.5 .5 007 12.0 3.14 1,000,000 10-12 5x A380 COVID-19 1_000".split(),
    *"İ ſix K ı ٣ ५ ²".split(),
]
#: what stands between pieces: most often a space, now and then white space or glue that read_numbers reads apart
_GLUE = st.sampled_from([" "] * 60 + ["", ", ", ". ", "-", "’", "/", "("] * 5 + ["  ", "      ", "\u00a0", "\t", "\n"])
_WORDS = {"nearly": "nearly", "about": "about", "more-than": "more than", "at-least": "at least",
          "less-than": "less than", "at-most": "at most"}  # fmt: skip


_ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen".split()
_ONES += "seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _formats(value: float) -> list[str]:
    """Ways a quote may write a number: in digits, in words, or as another number that comes close to it."""
    whole = float(value).is_integer()
    ways = [f"{int(value)}", f"{int(value):,}", f"{value:.1f}"] if whole else [f"{value}", f"{value:,}", f"{value:g}"]
    if whole and value >= 100:
        ways.append(f"{int(value)}"[:1] + "," + f"{int(value)}"[1:])  # a comma out of place
    if whole and value < 100:
        n = int(value)
        ways.append(_ONES[n] if n < 20 else _TENS[n // 10 - 2] + (f"-{_ONES[n % 10]}" if n % 10 else ""))
    return ways + [f"{value:,.2f}", f"{value * 1000:g}", f"{value / 1000:g}", f"{value + 1:g}"]


_BEFORE = st.sampled_from(
    [""] * 10 + [*(word for word, _ in PRECISION_WORDS), "Over", "NEARLY", "about EUR", "some US$", "more than $",
     "at least EUR", "stop", "handsome", "EUR", "US $", "€", "VNĐ", "a", "the", "A", "-", ".", ",", "5", "over 5",
     "5 EUR", "5 million US dollars", "nearly five", "over two-thirds", "over ſ", "abouţ", "over 2025-10-30"]
)  # fmt: skip
_AFTER = st.sampled_from(
    [""] * 30 + [" million", "million", " billion", "-million", " thousand", " bn", "th", "st", "abc", "_", "-fold",
     " per cent", "%", ",5", ",50", ".5", "5", ".", ",", "-10-30", "-10", " times", "’", "ä", " Million", "s",
     " million million", " dozen", " hundred"]
)  # fmt: skip


@st.composite
def _mention(draw: st.DrawFn, numbers: list[float]) -> str:
    """A number (most often one the claim states) with what may stand around it."""
    number = draw(st.sampled_from(numbers) if draw(st.integers(0, 3)) else st.integers(0, 3000).map(float))
    return draw(_BEFORE) + draw(_GLUE) + draw(st.sampled_from(_formats(number))) + draw(_AFTER)


@st.composite
def _quote(draw: st.DrawFn, numbers: list[float], precision: str) -> str:
    """A quote of numbers (the claim's and others) with what may stand around them, and of other pieces."""
    stated = [
        (draw(st.sampled_from(["", "", _WORDS.get(precision, "nearly") + " ", "about ", "over "])) + text)
        for number in numbers
        for text in [draw(st.sampled_from(_formats(number)))]
    ]
    others = st.one_of(
        st.sampled_from(_PIECES),
        st.integers(0, 3_000_000).map(lambda n: f"{n:,}"),
        st.text(alphabet=string.ascii_letters + "0123456789 ,.-$%'", max_size=6),
    )
    pieces = draw(st.lists(_mention(numbers), max_size=4)) + draw(st.lists(others, max_size=4)) + stated
    order = draw(st.permutations(pieces))
    text = "".join(piece + draw(_GLUE) for piece in order).strip()
    return text or "x"


_VALUES = st.one_of(
    st.integers(0, 40),
    st.integers(1900, 2100),
    st.integers(0, 5_000_000),
    st.integers(0, 10**7).map(lambda n: n / 10),
    st.integers(0, 10**6).map(lambda n: n / 100),
)


@st.composite
def _number_claim(draw: st.DrawFn, index: int) -> dict[str, Any]:
    metric = draw(st.sampled_from(["partners", "level", "budget", "share", "trade"]))
    whole = metric == "partners"
    value: Any = draw(st.integers(0, 5_000_000) if whole else _VALUES)
    extra: dict[str, Any] = {}
    numbers = [float(value)]
    if metric in ("partners", "level") and draw(st.booleans()) and draw(st.booleans()):
        high = value + draw(st.integers(1, 50))
        value, numbers = {"min": value, "max": high}, [float(value), float(high)]
    else:
        extra["precision"] = draw(st.sampled_from(["exact", "exact", "about", "nearly", "more-than", "at-least",
                                                   "less-than", "at-most"]))  # fmt: skip
    if metric in ("budget", "trade"):
        currency = "EUR" if metric == "budget" else "USD"
        extra["unit"] = draw(st.sampled_from(["", "thousand ", "million ", "billion ", "trillion ", "bn "])) + currency
        extra["period"] = "2025"
    quote = draw(_quote(numbers, extra.get("precision", "exact")))
    return claim(f"c{index}", metric, value, quote=quote, **extra)


@st.composite
def _other_claim(draw: st.DrawFn, index: int) -> dict[str, Any]:
    metric = draw(st.sampled_from(["founded", "minister", "members"]))
    if metric == "founded":
        value: Any = draw(st.sampled_from(["2025-10-30", "2025-10-03", "2025-10", "2025", "2025-Q4", "2025-H2",
                                            "2025-10/2025-12", "1999-01-09"]))  # fmt: skip
        pieces = st.sampled_from(["2025", "1999", "October", "OCT", "Octo", "Jan", "january", "30", "3", "9", "09",
                                  "30th", "3rd", "2025-10-30", "10", "Q4", "the", "on", "in", "was", "founded"])  # fmt: skip
    else:
        value = draw(st.sampled_from(["rufus", "chicolini"])) if metric == "minister" else ["freedonia", "sylvania"]
        pieces = st.sampled_from(["Rufus", "Fíreflý", "Rufus Fíreflý", "Rufus Fireflý", "rufus", "Chicolini",
                                  "Freedonia", "Sylvania", "freedonia", "and", "the", "met"])  # fmt: skip
    words = draw(st.lists(st.one_of(pieces, st.sampled_from(_PIECES)), min_size=1, max_size=8))
    quote = "".join(word + draw(_GLUE) for word in words).strip() or "x"
    return claim(f"c{index}", metric, value, quote=quote)


@st.composite
def _files(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    count = draw(st.integers(1, 30))
    claims = [draw(_number_claim(i) if draw(st.integers(0, 4)) else _other_claim(i)) for i in range(count)]
    return {"a.yaml": one_source("a", "2026-01-12", *claims)}


@FEW
@given(_files())
def test_a_claim_passed_over_in_bulk_is_one_check_finds_nothing_about(files):
    _sound(files)


@st.composite
def _read_numbers(draw: st.DrawFn) -> list[tuple[str, str, str, Any]]:
    """Number claims without a corpus: (quote, unit, precision, value)."""
    out = []
    for _ in range(draw(st.integers(1, 20))):
        value: Any = draw(_VALUES)
        numbers = [float(value)]
        precision = draw(st.sampled_from([p.value for p in Precision if p != Precision.range]))
        if draw(st.integers(0, 4)) == 0:
            high = value + draw(st.integers(0, 50))
            value, numbers, precision = Range(min=value, max=high), [float(value), float(high)], "range"
        unit = draw(st.sampled_from(["", "", "", "million EUR", "billion USD", "thousand", "bn USD", "US$ million"]))
        out.append((draw(_quote(numbers, precision)), unit, precision, value))
    return out


#: quotes the reading in bulk must not take as read_numbers' (most of them it would, without one of its rules)
_KEPT_OUT = [
    ("over five 5", "", "exact", 5),  # digits() makes "over 5 5"
    ("12abc about 12", "", "exact", 12),  # no mention in "12abc"
    ("1,2345 about 12345", "", "exact", 12345),  # "1" and "2345"
    ("over 2025-10-30 5", "", "exact", 5),  # the date removed, "over" stands before 5
    ("nearly      5", "", "exact", 5),  # spaces a precision word reaches across
    ("nearly\u00a05", "", "exact", 5),
    ("handsome 5 about 5", "", "about", 5),  # "some" is not a word of its own
    ("about EUR6", "", "about", 6),  # no currency: "about" does not stand right before the mention
    ("over Uſ$6", "", "more-than", 6),  # "Uſ$" is a currency to a case-insensitive pattern
    ("about 27,700 thousand", "million EUR", "about", 27.7),  # found by its magnitude
    ("about 5 5", "", "exact", 5),  # the first mention of 5 is the one check() reads
    ("about 5 thousand 5000", "", "exact", 5000),  # and it may be one with a magnitude
]


@MANY
@example(items=_KEPT_OUT)
@given(_read_numbers())
def test_a_number_read_in_bulk_is_one_check_reads_in_its_quote(items):
    """The reading in bulk on its own, on many more quotes: what check() runs for a number says nothing of a claim
    it passes over."""
    pl = load_polars()
    stated = [(float(v.min), float(v.max)) if isinstance(v, Range) else (float(v), float(v)) for *_, v in items]
    frame = pl.DataFrame(
        {
            "row": range(len(items)),
            "quote": [quote for quote, *_ in items],
            "unit": [unit or None for _, unit, *_ in items],
            "precision": [precision for _, _, precision, _ in items],
            "stated_min": [low for low, _ in stated],
            "stated_max": [high for _, high in stated],
        },
        schema_overrides={"row": pl.UInt32},
    )
    runs = quote_value._runs(frame.select("row", "quote"))
    for row in quote_value._numbers_stated(frame, runs).get_column("row"):
        quote, unit, precision, value = items[row]
        said = SimpleNamespace(quote=quote, unit=unit or None, precision=Precision(precision), value=value)
        assert list(quote_value._numbers(SimpleNamespace(claim=said))) == [], items[row]


# ------------------------------------------------------------------ cases, both ways


def _case(*claims: dict[str, Any], kind: str = "news-report") -> tuple[set[str], list[str]]:
    """The ids of the claims passed over in bulk, and check_table's findings (which must be check()'s)."""
    source = one_source("a", "2026-01-12", *claims)
    source["source"]["kind"] = kind
    files = {"a.yaml": source}
    _sound(files)
    resolved, vocabulary = _resolved(files)
    certain, table = _judged(resolved, vocabulary)
    found = [problem.message for _, _, problem in quote_value.check_table(table, quote_value.Options())]
    return {table.claims[row].claim.id for row in certain}, found


@pytest.mark.parametrize(
    "value, extra, quote, in_bulk, finding",
    [
        (350, {"precision": "nearly"}, "Nearly 350 cooperation agreements were signed", True, None),
        (350, {}, "Nearly 350 cooperation agreements were signed", False, 'the quote says "nearly 350"'),
        (70, {"precision": "more-than"}, "a member of 70 organisations", False, "the claim's precision is more-than"),
        (70, {"precision": "more-than"}, "a member of more than 70 regional organisations", True, None),
        (70, {"precision": "at-least"}, "no fewer than 70 organisations", True, None),
        (5, {}, "no more than 5 visits", False, "precision is exact"),
        (28, {}, "partnership frameworks with 38 partners", False, "value 28 is not in its quote, which says 38"),
        (64, {}, "sixty-four countries signed the Convention", True, None),
        (17, {}, "its seventeen free trade agreements in 2025", True, None),
        (12, {"precision": "more-than"}, "over a dozen delegations", True, None),
        (1000, {"precision": "at-least"}, "repatriating thousands of nationals", True, None),
        (1234, {}, "1,234 visitors, up from 1,100", True, None),
        (2025, {}, "in 2025-10-30 there were 2025 visits", False, None),
        (5, {}, "5th visit in five years", False, None),
    ],
)
def test_numbers(value, extra, quote, in_bulk, finding):
    certain, found = _case(claim("c", "partners", value, quote=quote, **extra))
    assert ("c" in certain) == in_bulk
    assert [f for f in found if finding and finding in f] == found and len(found) == (finding is not None)


@pytest.mark.parametrize(
    "value, unit, quote, in_bulk, finding",
    [
        (27.7, "million EUR", "The budget came to EUR 27.7 million for 2025", True, None),
        (27.7, "million EUR", "The budget came to 27.7 million euros for 2025", True, None),
        (27.7, "million EUR", "The budget came to EUR 27,700 thousand for 2025", False, None),
        (0.0277, "billion EUR", "The budget came to EUR 27.7 million for 2025", False, None),
        (27.7, "million EUR", "The budget came to about EUR 27.7 million for 2025", False, "precision is exact"),
        (27.7, "million EUR", "The budget came to EUR 27.8 million for 2025", False, "value 27.7 is not in its quote"),
        (27.7, "million EUR", "The budget came to EUR 27.7 million million", True, None),  # digits() called
    ],
)
def test_magnitudes(value, unit, quote, in_bulk, finding):
    certain, found = _case(claim("c", "budget", value, unit=unit, period="2025", quote=quote))
    assert ("c" in certain) == in_bulk
    assert [f for f in found if finding and finding in f] == found and len(found) == (finding is not None)


def test_about_a_currency_amount_is_read_in_bulk():
    certain, found = _case(
        claim("c", "budget", 300, unit="million EUR", period="2025", precision="about", quote="about EUR 300 million"),
        claim("d", "budget", 300, unit="million EUR", period="2025", precision="about", quote="some US$300 million"),
    )
    assert certain == {"c", "d"} and found == []


@pytest.mark.parametrize(
    "value, quote, in_bulk, finding",
    [
        ({"min": 10, "max": 12}, "between 10 and 12 visits", True, None),
        ({"min": 10, "max": 12}, "between ten and twelve visits", True, None),
        ({"min": 10, "max": 13}, "between 10 and 12 visits", False, "value 13 is not in its quote"),
        ({"min": 10, "max": 12}, "between about 10 and 12 visits", False, 'the quote says "about 10"'),
        ({"min": 12, "max": 12}, "12 visits", True, None),
    ],
)
def test_ranges(value, quote, in_bulk, finding):
    certain, found = _case(claim("c", "level", value, quote=quote))
    assert ("c" in certain) == in_bulk
    assert [f for f in found if finding and finding in f] == found and len(found) == (finding is not None)


def test_derived_claims_and_dataset_sources_are_not_judged_either_way():
    derived = claim("c", "partners", 1, quote="the highest in the group", derived={"how": '"the highest" is rank 1'})
    assert _case(derived) == (set(), [])
    assert _case(claim("d", "partners", 28, quote="38"), kind="dataset") == (set(), [])


@pytest.mark.parametrize(
    "metric, value, quote, in_bulk, finding",
    [
        ("founded", "2025-10-30", "founded on 2025-10-30", True, None),
        ("founded", "2025-10-30", "founded on 30 October 2025", True, None),
        ("founded", "2025-10-30", "founded on 30th October 2025", False, None),
        ("founded", "2025-10-30", "founded on 3 October 2025", False, "does not say day 30"),
        ("founded", "2025-10", "founded in OCT 2025", True, None),
        ("founded", "2025-Q4", "founded late in 2025", True, None),
        ("founded", "2025", "founded in 2024", False, "does not say 2025"),
        ("minister", "rufus", "Foreign Minister Rufus Fíreflý", True, None),
        ("minister", "rufus", "Foreign Minister Rufus Firefly", False, None),
        ("minister", "chicolini", "Foreign Minister Rufus Fíreflý", False, "Chicolini is not named"),
        ("members", ["freedonia", "sylvania"], "Freedonia and Sylvania joined", True, None),
        ("members", ["freedonia", "sylvania"], "Freedonia joined", False, "Sylvania not named"),
    ],
)
def test_dates_and_entities(metric, value, quote, in_bulk, finding):
    certain, found = _case(claim("c", metric, value, quote=quote))
    assert ("c" in certain) == in_bulk
    assert [f for f in found if finding and finding in f] == found and len(found) == (finding is not None)


# ------------------------------------------------------------------ the premises about characters


def _matched(pattern: str, characters: list[str]) -> list[bool]:
    pl = load_polars()
    return pl.Series(characters, dtype=pl.String).str.contains(pattern).to_list()


@pytest.mark.parametrize(
    "value, quote, in_bulk, finding",
    [
        (-12.5, "The budget came to -12.5 million euros for 2025", False, None),
        (-3, "The balance came to \u22123 million euros for 2025", False, None),
        (-4, "The balance came to (-4 million euros) for 2025", False, None),
        (12.5, "The budget came to -12.5 million euros for 2025", False, "which says -12.5 million"),
        (-12.5, "The budget came to 12.5 million euros for 2025", False, "value -12.5 is not in its quote"),
        (25, "The 2024-25 budget came to 25 million euros", True, None),  # a hyphen that joins
        (12, "The budget came to 10 -12 million euros", False, None),  # a range, spaced oddly
        (5, "The balance:-5 million euros", False, "which says -5 million"),  # a sign after these marks too
        (7, "The balance was \u201c-7 million euros\u201d", False, "which says -7 million"),
        (8, "The balance was [-8 million euros]", False, "which says -8 million"),
        (9, "The balance was {=-9 million euros}", False, "which says -9 million"),
    ],
)
def test_a_minus_sign_makes_a_number_below_zero(value, quote, in_bulk, finding):
    """A quote that says "-12.5 million" states -12.5, not 12.5; a hyphen that joins numbers is no sign."""
    certain, found = _case(claim("c", "budget", value, unit="million EUR", period="2025", quote=quote))
    assert ("c" in certain) == in_bulk
    assert [f for f in found if finding and finding in f] == found and len(found) == (finding is not None), found


def test_the_characters_read_numbers_treats_apart_make_a_quote_other_than_plain():
    characters = [chr(code) for code in range(0x80, sys.maxunicode + 1) if not 0xD800 <= code < 0xE000]
    letters = string.ascii_letters
    twins = [
        c
        for c in characters
        if (any(x in letters for x in c.lower()) or re.fullmatch(f"[{letters}]", c, re.IGNORECASE))
    ]
    assert all(_matched(quote_value._CASE_TWINS, twins))
    spaces = [c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace() and c != " "]
    digits = [c for c in characters if re.fullmatch(r"\d", c)]
    assert all(_matched(quote_value._UNPLAIN, spaces + digits + twins + ["  "]))
    assert [c for c in characters if re.fullmatch("[ĐD]", c, re.IGNORECASE)] == ["Đ", "đ"]


def test_no_precision_word_is_part_of_what_a_mention_takes_after_its_number():
    # so a currency after a precision word is never the unit of the mention before it
    ordinals = ["", "st", "nd", "rd", "th"]
    magnitudes = ["", " thousand", "-million", " billion", " trillion", " bn", " mn", " tn", "million"]
    units = ["", " per cent", " percent", "%", " percentage points", " USD", " US dollars", " dollars", " VND", " EUR",
             " euros", "-fold", " times", "USD"]  # fmt: skip
    words = [word for word, _ in PRECISION_WORDS]
    for ordinal in ordinals:
        for magnitude in magnitudes:
            for unit in units:
                after = f"{ordinal}{magnitude}{unit}".lower()
                assert not any(word in after for word in words), after


def test_every_sign_read_numbers_reads_makes_a_quote_other_than_plain():
    """Whatever may stand before a minus sign that read_numbers reads, the bulk reading leaves the quote to it."""
    from checker.corpus import numbers

    marks = sorted(numbers._BEFORE_A_SIGN) + [" ", "\t", "\u3000"]
    quotes = [f"balance{mark}{sign}5 million" for mark in marks for sign in numbers.MINUS_SIGNS]
    quotes += [f"{sign}5 million" for sign in numbers.MINUS_SIGNS]
    assert all(read_numbers(q)[0].number == -5 for q in quotes)
    assert all(_matched(quote_value._UNPLAIN, quotes))
