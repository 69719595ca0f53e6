"""The shortcuts of the checks that read quotes give what the plain code gave, text for text.

quote-value reads the numbers of every quote (checker.corpus.numbers): a text with no
number word now skips text2num and the rewrites around it, a mention is looked
for only where one can start, and the words before a number are matched with
the precision words once per wording. wording-variants folds an entity's names
once for all the quotes of a subject, and scores a name against all the runs of
words of one length of a quote in one call. quote-verbatim folds a quote
without the offsets that only an archived text needs.

The plain code each shortcut replaces is kept here as its oracle (for folding,
it is the folding of archived texts). Both run on every text the project holds
— every string of the claim and rules files of claims/, examples/ and
tests/data/, the lines of the examples' other files and of the hostile files,
the string literals of the test modules, the quotes of a generated corpus — and
on made-up strings; the results must be equal.
"""

from __future__ import annotations

import ast
import importlib.util
import itertools
import json
import random
import re
import string
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz
from text_to_num import alpha2digit

from checker.checks.wording_variants import _closest, _used, _wordings
from checker.corpus import numbers
from checker.corpus.numbers import Mention, digits, read_numbers
from checker.corpus.provenance import fold_quote, fold_text
from checker.formats.models import Precision
from checker.model.names import fold

from conftest import ROOT

pytestmark = pytest.mark.slow  # every text of the project, read twice (pytest -m "not slow" leaves it out)

# ------------------------------------------------ every text the project holds


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def _documents(path: Path) -> Iterator[Any]:
    text = path.read_text("utf-8")
    if path.suffix == ".jsonl":
        yield from (json.loads(line) for line in text.splitlines() if line.strip())
    else:
        yield from yaml.safe_load_all(text)


def _data(generated: Path) -> Iterator[Any]:
    """Every document of the claim and rules files of the project and of the generated corpus."""
    folders = (ROOT / "claims", ROOT / "rules", ROOT / "examples", ROOT / "tests" / "data", generated)
    for path in sorted(
        path for folder in folders for pattern in ("*.yaml", "*.jsonl") for path in folder.rglob(pattern)
    ):
        yield from _documents(path)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus of 2,000 claims made by the benchmark's generator."""
    spec = importlib.util.spec_from_file_location("generate_for_quotes", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate_for_quotes"] = module
    spec.loader.exec_module(module)
    folder = tmp_path_factory.mktemp("generated")
    module.generate(2000, "jsonl", folder)
    return folder


@pytest.fixture(scope="module")
def texts(generated: Path) -> list[str]:
    """Every text of the project and of the generated corpus, each once."""
    found = [text for document in _data(generated) for text in _strings(document)]
    # read as lines, never parsed: some hostile files are built to blow up a parser
    lines = [
        *(ROOT / "examples").rglob("*.txt"),
        *(ROOT / "examples").rglob("*.md"),
        *(ROOT / "tests" / "hostile" / "files").iterdir(),
    ]
    for path in sorted(lines):
        if path.is_file():
            found.extend(path.read_text("utf-8", errors="replace").splitlines())
    for path in sorted((ROOT / "tests").glob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        found.extend(
            node.value for node in ast.walk(tree) if isinstance(node, ast.Constant) and isinstance(node.value, str)
        )
    unique = list(dict.fromkeys(found))
    assert len(unique) > 5000  # the project's files and the generated corpus are there
    return unique


_GLUE = st.sampled_from([" ", " ", " ", "-", ", ", ". ", "—", "’", "'", "", "\n", "\u00a0", "_", "/", "(", ")"])


def _cased(token: str, how: int) -> str:
    return (token, token.upper(), token.title(), token.capitalize())[how]


# ------------------------------------------------ quote-value: the numbers of a text

#: what checker.corpus.numbers puts before its pattern of a mention so that only the places where one can start are tried
_LOOKAHEAD = r"(?=[\dUVEG$€£])"
assert numbers._MENTION.pattern.startswith(_LOOKAHEAD)
_PLAIN_MENTION = re.compile(numbers._MENTION.pattern.removeprefix(_LOOKAHEAD), re.IGNORECASE)


def _plain_digits(text: str, small: bool = True) -> str:
    for pattern, replacement in numbers._VAGUE:
        text = pattern.sub(replacement, text)
    protected = numbers._MAGNITUDE_AFTER_DIGITS.sub(lambda m: f"{m.group(1)}zqxmag{m.group(2)}", text)
    converted = alpha2digit(protected, "en", threshold=0 if small else 3)
    return numbers._DOZEN.sub("12", converted).replace("zqxmag", "")


def _plain_precision_before(text: str, start: int) -> tuple[Precision, str]:
    before = text[max(0, start - 25) : start].lower()
    match = numbers._WORD_BEFORE.search(before)
    if not match:
        return Precision.exact, ""
    tail = match.group(1).strip()
    ending = [(word, precision) for word, precision in numbers.PRECISION_WORDS if tail.endswith(word)]
    for word, precision in sorted(ending, key=lambda item: -len(item[0])):  # "no more than" over "more than"
        if tail.endswith(word) and (len(tail) == len(word) or tail[-len(word) - 1] == " "):
            return precision, word
    return Precision.exact, ""


def _plain_read_numbers(text: str, small: bool = True) -> tuple[Mention, ...]:
    converted = numbers._ISO_DATE.sub(" ", _plain_digits(text, small))
    found = []
    for match in _PLAIN_MENTION.finditer(converted):
        number = float(match["number"].replace(",", ""))
        magnitude = numbers.MAGNITUDE_WORDS.get((match["magnitude"] or "").lower(), 1.0)
        unit = " ".join(
            part.strip() for part in (match["currency"] or "", match["unit"] or "") if part and part.strip()
        )
        surface, start = match.group(0).strip(), match.start()
        if numbers._minus_before(numbers._ISO_DATE.sub("\x00", _plain_digits(text, small)), start):  # not a shortcut
            number, surface, start = -number, converted[start - 1] + surface, start - 1
        precision, word = _plain_precision_before(converted, start)
        found.append(Mention(number, magnitude, unit, precision, word, bool(match["ordinal"]), surface))
    return tuple(found)


def _outcome(function: Any, *args: Any) -> Any:
    """What the function gives, or the error it raises (text2num refuses a text with a lone surrogate)."""
    try:
        return function(*args)
    except Exception as error:  # noqa: BLE001 - any error must be the same error
        return type(error), str(error)


def _same_numbers(text: str, small: bool) -> None:
    assert _outcome(digits, text, small) == _outcome(_plain_digits, text, small), text
    assert _outcome(read_numbers, text, small) == _outcome(_plain_read_numbers, text, small), text


def test_numbers_read_in_every_text_of_the_project_as_before(texts):
    for text in texts:
        for small in (True, False):
            _same_numbers(text, small)


_NUMBER_TOKENS = [
    *"zero o nought one two three four five six seven eight nine ten eleven twelve thirteen fifteen nineteen".split(),
    *"twenty thirty forty fourty fifty sixty seventy eighty ninety hundred thousand million billion trillion".split(),
    *"first second third fourth fifth twelfth twentieth hundredth thousandth oneth sixteeth sixtieth".split(),
    *"ones tens twos hundreds thousands millions dozens dozen half quarter seconds thirds fifths".split(),
    *"twenty-one sixty-four forty-second ninety-nine-thousand one-hundred double-digit double digit".split(),
    *"a an and point minus plus zqxmag".split(),
]
_OTHER_TOKENS = [
    *"the of in was more than nearly about around up to at least no fewer over under top some almost".split(),
    *"bn mn tn per cent percent % US$ $ € £ VND EUR USD -fold times st nd rd th".split(),
    *"12 4 1,234 1,234.5 64 900 2025 2025-10-30 3.5 07 1st 80th 4th".split(),
    *"town Goås Việt Nam Hörkdal o'clock one's İ ſix Kone ﬁve \udcff".split(),
]


@st.composite
def _sentences(draw: Any) -> str:
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        token = draw(st.sampled_from(_NUMBER_TOKENS) | st.sampled_from(_OTHER_TOKENS) | st.text(max_size=4))
        parts.append(_cased(token, draw(st.integers(0, 3))) + draw(_GLUE))
    return "".join(parts)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sentences(), st.booleans())
def test_numbers_read_in_made_up_sentences_as_before(text, small):
    _same_numbers(text, small)


def _converted(word: str) -> bool:
    """Whether text2num turns the word into digits, alone or beside itself."""
    return any(alpha2digit(text, "en", threshold=0) != text for text in (word, f"{word} {word}"))


def test_every_word_text2num_converts_is_one_the_shortcut_sees(texts):
    """The number words are text2num's vocabulary, read from its source: every word it converts, among all the
    words of up to three letters, every word of the project's texts and the number words with endings, is one that
    the shortcut sends to it (a new text2num that knew more words would fail here)."""
    words = {
        "".join(letters) for size in (1, 2, 3) for letters in itertools.product(string.ascii_lowercase, repeat=size)
    }
    words |= {word for text in texts for word in re.findall(r"[^\W\d_]+", text)}
    words |= {token + ending for token in _NUMBER_TOKENS for ending in ("", "s", "th", "ths", "ieth", "ss")}
    words |= {word.upper() for word in list(words)} | {word.title() for word in list(words)}
    missed = sorted(word for word in words if _converted(word) and not numbers._may_hold_number_words(word))
    assert missed == []


@settings(max_examples=800, deadline=None)
@given(_sentences() | st.text(alphabet=st.sampled_from(list("onetwfivx sO-'’\u0301ſKİ5_")), max_size=30))
def test_text2num_leaves_a_text_the_shortcut_passes_as_it_is(text):
    if not numbers._may_hold_number_words(text):
        assert alpha2digit(text, "en", threshold=0) == text
        assert alpha2digit(text, "en", threshold=3) == text


# ------------------------------------------------ wording-variants: names in quotes


@pytest.fixture(scope="module")
def entities(generated: Path) -> list[list[str]]:
    """The names of every entity the rules of the project and of the generated corpus declare, as wording-variants
    lists them."""
    found: dict[tuple[str, ...], list[str]] = {}
    for document in _data(generated):
        if isinstance(document, dict) and isinstance(document.get("entities"), dict):
            for entity_id, entity in document["entities"].items():
                names = [entity["name"], *entity.get("aliases", [])] if isinstance(entity, dict) else [entity_id]
                found[tuple(names)] = names
    assert len(found) > 200
    return list(found.values())


def _plain_used(quote: str, names: list[str]) -> list[str]:
    folded_quote = fold(quote)
    used: dict[str, str] = {}
    for name in sorted(names, key=len, reverse=True):
        key = fold(name)
        if key and key in folded_quote and not any(key in longer for longer in used):
            used[key] = name
    return list(used.values())


_WORD = re.compile(r"[\w’'-]+", re.UNICODE)


def _plain_closest(quote: str, names: list[str]) -> tuple[float, str]:
    words = _WORD.findall(quote)
    folded = [fold(word) for word in words]
    best = (0.0, "")
    for name in names:
        size = len(_WORD.findall(name))
        if len(name) < 6 or size == 0:
            continue
        target = " ".join(fold(word) for word in _WORD.findall(name))
        for length in {max(2, size - 1), size, size + 1}:
            for start in range(0, max(0, len(words) - length) + 1):
                score = fuzz.ratio(target, " ".join(folded[start : start + length]))
                if score > best[0]:
                    best = (score, " ".join(words[start : start + length]))
    return best


def _picked(texts: list[str], entities: list[list[str]]) -> Iterator[tuple[str, list[str]]]:
    """Each text with the entities it names (the quotes' own subjects among them) and two drawn at random."""
    draw = random.Random(18)
    folded_names = [(names, [fold(name) for name in names]) for names in entities]
    for text in texts:
        folded = fold(text)
        named = [names for names, keys in folded_names if any(key and key in folded for key in keys)]
        yield from ((text, names) for names in [*named[:6], *draw.sample(entities, 2)])


def test_names_found_in_every_text_of_the_project_as_before(texts, entities):
    for text, names in _picked(texts, entities):
        assert list(_used(fold(text), _wordings(names)).values()) == _plain_used(text, names), (text, names)


def test_closest_wordings_in_the_project_as_before(texts, entities):
    short = [text for text in texts if len(text) <= 240]  # the plain scoring takes long on long texts
    for text, names in _picked(short, entities):
        assert _closest(text, _wordings(names)) == _plain_closest(text, names), (text, names)


_NAME_WORDS = ["Hanoi", "Convention", "UN", "against", "Cybercrime", "Việt", "Nam", "Viet", "Goås", "Goas", "City",
               "of", "Hörkdal", "Horkdal", "Lê", "Hoài", "Trung", "Le-Hoai-Trung", "core", "regular", "task", "duty"]  # fmt: skip
_name = st.lists(st.sampled_from(_NAME_WORDS), min_size=1, max_size=5).map(" ".join)


@st.composite
def _quote_and_names(draw: Any) -> tuple[str, list[str]]:
    names = draw(st.lists(_name, min_size=1, max_size=4))
    parts = []
    for _ in range(draw(st.integers(0, 6))):
        part = draw(st.sampled_from(names) | _name | st.text(max_size=6))
        if draw(st.booleans()):
            part = _cased(part, draw(st.integers(0, 3)))
        if draw(st.integers(0, 3)) == 0 and len(part) > 3:  # misspelt: one letter dropped
            cut = draw(st.integers(1, len(part) - 2))
            part = part[:cut] + part[cut + 1 :]
        parts.append(part + draw(_GLUE))
    return "".join(parts), names


@settings(max_examples=500, deadline=None)
@given(_quote_and_names())
def test_names_and_close_wordings_in_made_up_quotes_as_before(case):
    quote, names = case
    assert list(_used(fold(quote), _wordings(names)).values()) == _plain_used(quote, names)
    assert _closest(quote, _wordings(names)) == _plain_closest(quote, names)


# ------------------------------------------------ quote-verbatim: quotes folded


def test_quotes_folded_in_every_text_of_the_project_as_archived_texts_are(texts):
    for text in texts:
        assert fold_quote(text) == fold_text(text)[0], text


_FOLDING = " \t\n\r\u00a0\u2009\u3000\u2028\x1c\x01ab1`'\"“”‘’—–-ﬁ½éê\u0301Việt\u200b\ufeff…"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(_FOLDING)) | st.characters(), max_size=60))
def test_quotes_folded_as_archived_texts_are(text):
    assert fold_quote(text) == fold_text(text)[0]
