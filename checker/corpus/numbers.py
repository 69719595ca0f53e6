"""Reading the numbers a sentence states: digits or words, magnitudes, units and precision words.

Number words ("seventeen", "sixty-four", "thousands") are turned into digits
by text2num's ``alpha2digit``; what stands around each number — a precision
word before it ("nearly", "more than"), a magnitude word and a unit after it
("billion", "per cent"), a currency sign before it ("US$") — is then read
from the digit form. Units are resolved later through pint (``checker.model.units``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

from text_to_num import alpha2digit

from checker.formats.models import Precision

#: precision words and what they say; the longest a text ends with is the one read (see _precision_of)
PRECISION_WORDS: tuple[tuple[str, Precision], ...] = (
    ("more than", Precision.more_than),
    ("greater than", Precision.more_than),
    ("upwards of", Precision.more_than),
    ("in excess of", Precision.more_than),
    ("fewer than", Precision.less_than),
    ("less than", Precision.less_than),
    ("at least", Precision.at_least),
    ("no fewer than", Precision.at_least),
    ("at most", Precision.at_most),
    ("up to", Precision.at_most),
    ("no more than", Precision.at_most),
    ("close to", Precision.nearly),
    ("nearly", Precision.nearly),
    ("almost", Precision.nearly),
    ("approximately", Precision.about),
    ("around", Precision.about),
    ("roughly", Precision.about),
    ("about", Precision.about),
    ("some", Precision.about),
    ("over", Precision.more_than),
    ("above", Precision.more_than),
    ("exceeding", Precision.more_than),
    ("exceeded", Precision.more_than),
    ("surpassing", Precision.more_than),
    ("surpassed", Precision.more_than),
    ("topped", Precision.more_than),
    ("under", Precision.less_than),
    ("below", Precision.less_than),
    ("top", Precision.at_most),  # "the top 32 economies": a rank of 32 or better
)
MAGNITUDE_WORDS = {"thousand": 1e3, "million": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "trillion": 1e12, "tn": 1e12}

_CURRENCY = r"(?:US\s?\$|\$|€|£|VN[ĐD]\s?|USD\s|EUR\s|GBP\s)"
_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MENTION = re.compile(
    # the lookahead names what a mention can start with (a currency or a digit): it only saves trying every
    # currency at each place of the text
    rf"(?=[\dUVEG$€£])(?P<currency>{_CURRENCY})?(?P<number>{_NUMBER})(?P<ordinal>st|nd|rd|th)?\b"
    rf"(?:[\s-]?(?P<magnitude>thousand|million|billion|trillion|bn|mn|tn)\b)?"
    rf"(?:\s?(?P<unit>per\s?cent|percent|%|percentage points?|USD|US dollars|dollars?|VND|EUR|euros?|-fold|times))?",
    re.IGNORECASE,
)
_MAGNITUDE_AFTER_DIGITS = re.compile(r"(\d\s?)(thousand|million|billion|trillion)\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_DOZEN = re.compile(r"\b(?:a|one)\s+dozen\b|\bdozen\b", re.IGNORECASE)
# words that state a number only as a lower bound: "thousands of", "double-digit"
_VAGUE = (
    (re.compile(r"\bdozens\b", re.IGNORECASE), "at least 24"),
    (re.compile(r"\bhundreds\b", re.IGNORECASE), "at least 200"),
    (re.compile(r"\bthousands\b", re.IGNORECASE), "at least 1000"),
    (re.compile(r"\bmillions\b", re.IGNORECASE), "at least 1000000"),
    (re.compile(r"\bdouble[- ]digit\b", re.IGNORECASE), "at least 10"),
)
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z ]{0,20})\s*$")
#: the words text2num's English reader turns into digits (its vocabulary: cardinals, ordinals, "o" and "nought"
#: for zero, both spellings of forty and one misspelt sixtieth; it drops any plural s before looking a word up),
#: with words digits() rewrites itself and a few more number words, to be safe should a new text2num know them
_NUMBER_WORDS = frozenset(
    """
    zero o nought one oneth first two second three third four fourth five fifth six sixth seven seventh
    eight eighth nine ninth ten tenth eleven eleventh twelve twelfth thirteen thirteenth fourteen fourteenth
    fifteen fifteenth sixteen sixteenth seventeen seventeenth eighteen eighteenth nineteen nineteenth
    twenty twentieth thirty thirtieth forty fourty fortieth fourtieth fifty fiftieth sixty sixtieth sixteeth
    seventy seventieth eighty eightieth ninety ninetieth hundred hundredth thousand thousandth million millionth
    billion billionth trillion trillionth dozen half quarter
    """.split()
)
_LETTERS = re.compile(r"[a-z]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class Mention:
    """A number a text states, with what surrounds it."""

    number: float  # as written, with its minus sign when it has one ("-12.5", "−3": see :func:`read_numbers`)
    magnitude: float  # 1, or the factor of "billion" and the like
    unit: str  # the unit words after it (or the currency before it), as written
    precision: Precision  # from a precision word just before it; exact when none
    word: str  # that precision word, or ""
    ordinal: bool  # "4th", "80th"
    surface: str  # the mention in the digit form of the text

    @property
    def value(self) -> float:
        """The number times its magnitude word."""
        return self.number * self.magnitude

    @property
    def is_year(self) -> bool:
        """True for a bare four-digit number that reads as a year."""
        return (
            not self.ordinal
            and not self.unit
            and self.magnitude == 1
            and self.number.is_integer()
            and 1900 <= self.number <= 2100
        )


def _may_hold_number_words(text: str) -> bool:
    """False when :func:`digits` would give the text back as it is: no word of ``_NUMBER_WORDS`` (alone or with
    plural s's) stands between characters that are not ASCII letters, and nothing else :func:`digits` rewrites
    is there. A word text2num turns into digits is a run of letters that, lowercased, is one of them, and a letter
    next to it would have been part of its word. A text with a lone surrogate, which text2num refuses, is left to
    it too, so that it says so as before."""
    if not text.isascii() and _SURROGATE.search(text):
        return True
    lowered = text.lower()
    if "double" in lowered or "zqxmag" in lowered:
        return True
    words = _LETTERS.findall(lowered)
    return not (_NUMBER_WORDS.isdisjoint(words) and _NUMBER_WORDS.isdisjoint(map(str.rstrip, words, repeat("s"))))


@lru_cache(maxsize=16384)
def digits(text: str, small: bool = True) -> str:
    """The text with number words written as digits ("sixty-four" -> "64", "a dozen" -> "12").

    With ``small`` false, "one" and "two" stay words: in running text they are
    more often articles of speech ("one of the few") than counts.
    """
    if not _may_hold_number_words(text):
        return text  # most quotes write their numbers in digits: text2num and the rewrites below would keep them
    # a magnitude word after digits stays a word: "900 billion" is 900 with a magnitude
    for pattern, replacement in _VAGUE:
        text = pattern.sub(replacement, text)
    protected = _MAGNITUDE_AFTER_DIGITS.sub(lambda m: f"{m.group(1)}zqxmag{m.group(2)}", text)
    converted = alpha2digit(protected, "en", threshold=0 if small else 3)
    return _DOZEN.sub("12", converted).replace("zqxmag", "")


def _precision_before(text: str, start: int) -> tuple[Precision, str]:
    before = text[max(0, start - 25) : start].lower()
    match = _WORD_BEFORE.search(before)
    if not match:
        return Precision.exact, ""
    return _precision_of(match.group(1).strip())


#: a precision word that ends another ("more than", "no more than") is tried after it
_LONGEST_FIRST = sorted(PRECISION_WORDS, key=lambda item: -len(item[0]))


@lru_cache(maxsize=4096)
def _precision_of(tail: str) -> tuple[Precision, str]:
    """The precision word the words before a number end with (the longest of ``PRECISION_WORDS`` that they end
    with), and its precision: the last few words before numbers repeat across a corpus, and each is read once."""
    for word, precision in _LONGEST_FIRST:
        if tail.endswith(word) and (len(tail) == len(word) or tail[-len(word) - 1] == " "):
            return precision, word
    return Precision.exact, ""


#: the signs a number below zero is written with: a hyphen-minus, and the minus sign
MINUS_SIGNS = "-\u2212"


#: what may stand right before a minus sign: the start of the text, white space, an opening bracket or quote mark,
#: or what introduces a figure; a hyphen after a letter, digit, "%" or a date joins (COVID-19, 2024-25, 5%-10%)
_BEFORE_A_SIGN = frozenset("([{:=\"'\u201c\u2018\u00ab")


def _minus_before(text: str, start: int) -> bool:
    """True when the mention at ``start`` of ``text`` (read_numbers' text, with each ISO date a NUL) has a minus sign:
    "-12.5 million", "−3", "(-4)". Not a hyphen that joins (COVID-19, 2024-25), nor one that ends a range ("10 -12")."""
    if start == 0 or text[start - 1] not in MINUS_SIGNS:
        return False
    before = text[: start - 1]
    if before and not (before[-1].isspace() or before[-1] in _BEFORE_A_SIGN):
        return False
    rest = before.rstrip()
    return not rest or not (rest[-1].isdigit() or rest[-1] in "%\x00")


@lru_cache(maxsize=16384)
def read_numbers(text: str, small: bool = True) -> tuple[Mention, ...]:
    """Every number the text states, in order (``small``: see :func:`digits`); a number with a minus sign is below
    zero."""
    written = digits(text, small)
    converted = _ISO_DATE.sub(" ", written)
    dated = _ISO_DATE.sub("\x00", written) if "-" in written else converted  # a sign after a date is no sign
    found = []
    for match in _MENTION.finditer(converted):
        number = float(match["number"].replace(",", ""))
        magnitude = MAGNITUDE_WORDS.get((match["magnitude"] or "").lower(), 1.0)
        unit = " ".join(
            part.strip() for part in (match["currency"] or "", match["unit"] or "") if part and part.strip()
        )
        surface, start = match.group(0).strip(), match.start()
        if _minus_before(dated, start):
            number, surface, start = -number, converted[start - 1] + surface, start - 1
        precision, word = _precision_before(converted, start)
        found.append(Mention(number, magnitude, unit, precision, word, bool(match["ordinal"]), surface))
    return tuple(found)
