"""quote-value: a claim's value must be stated by its own quote."""

from __future__ import annotations

import pytest

from conftest import claim, findings_of, one_source

NUMBERS = [
    # (case, value, extra claim keys, quote, expected verdict or None)
    ("digits", 38, {}, "partnership frameworks with 38 partners", None),
    ("deliberately-wrong-number", 28, {}, "partnership frameworks with 38 partners", "unstated"),
    ("number-words", 64, {}, "sixty-four countries signed the Convention", None),
    ("number-words-teens", 17, {}, "its seventeen free trade agreements", None),
    ("a-dozen", 12, {"precision": "more-than"}, "over a dozen delegations", None),
    ("nearly", 350, {"precision": "nearly"}, "Nearly 350 cooperation agreements were signed", None),
    ("nearly-encoded-as-exact", 350, {}, "Nearly 350 cooperation agreements were signed", "precision"),
    ("exact-encoded-as-bound", 70, {"precision": "more-than"}, "a member of 70 organisations", "precision"),
    ("more-than", 70, {"precision": "more-than"}, "a member of more than 70 regional organisations", None),
    ("per-cent-words", 46, {}, "from 46 per cent to 20 per cent", None),
    ("range", {"min": 10, "max": 12}, {}, "between ten and twelve visits", None),
    ("range-half-stated", {"min": 10, "max": 13}, {}, "between ten and twelve visits", "unstated"),
    ("thousands-is-a-lower-bound", 1000, {"precision": "at-least"}, "repatriating thousands of nationals", None),
    ("no-number-at-all", 5, {}, "a busy year of visits", "unstated"),
]


@pytest.mark.parametrize("case, value, extra, quote, expected", NUMBERS, ids=[c[0] for c in NUMBERS])
def test_numbers(corpus, case, value, extra, quote, expected):
    metric = "level" if isinstance(value, dict) else "partners"
    files = {"a.yaml": one_source("a", "2026-01-12", claim("c", metric, value, quote=quote, **extra))}
    found = findings_of(corpus(files), "quote-value")
    assert [f.verdict for f in found] == ([expected] if expected else [])


def test_the_message_names_what_the_quote_says(corpus):
    files = {"a.yaml": one_source("a", "2026-01-12", claim("c", "partners", 28, quote="frameworks with 38 partners"))}
    (finding,) = findings_of(corpus(files), "quote-value")
    assert finding.severity == "error" and "value 28 is not in its quote, which says 38" in finding.message


@pytest.mark.parametrize(
    "value, shown",
    [(10**49 - 1, f"{10**49 - 1:,}"), (9007199254740993, "9,007,199,254,740,993"), (1.0e99, "1e+99")],
)
def test_the_message_shows_the_number_as_written_not_as_a_float_holds_it(corpus, value, shown):
    """A whole number is shown to its last digit (a float would make 2**53 + 1 end in 2); a float too large to be
    exact to the unit is shown to six digits, not as the digits its binary form happens to hold."""
    files = {"a.yaml": one_source("a", "2026-01-12", claim("c", "partners", value, quote="many partners"))}
    (finding,) = findings_of(corpus(files), "quote-value")
    assert f"value {shown} is not in its quote" in finding.message


@pytest.mark.parametrize(
    "value, unit, quote, expected",
    [
        (900, "billion USD", "surpassing US$900 billion dollars", None),
        (0.9, "trillion USD", "surpassing US$900 billion dollars", None),
        (9, "billion USD", "approximately 9 billion USD", "precision"),
        (615, "billion VND", "contributions amounting to VNĐ615 billion", None),
        (800, "billion USD", "surpassing US$900 billion dollars", "unstated"),
    ],
)
def test_magnitudes(corpus, value, unit, quote, expected):
    files = {"a.yaml": one_source("a", "2026-01-12", claim("c", "trade", value, unit=unit, period="2025", quote=quote))}
    assert [f.verdict for f in findings_of(corpus(files), "quote-value") if f.verdict != "precision" or expected] == (
        [expected] if expected else []
    )


@pytest.mark.parametrize(
    "value, quote, expected",
    [
        ("2025-10", "the signing ceremony in October 2025", None),
        ("2025-10", "the signing ceremony in Hanoi", "unstated"),
        ("2025-04", "the State visit in mid-April", None),
        ("2025-09-02", "the 80th National Day on September 2", None),
        ("2025-09-02", "the 80th National Day in September", "unstated"),
        ("1933", "founded in 1933", None),
    ],
)
def test_dates(corpus, value, quote, expected):
    files = {"a.yaml": one_source("a", "2026-01-12", claim("c", "founded", value, quote=quote))}
    assert [f.verdict for f in findings_of(corpus(files), "quote-value")] == ([expected] if expected else [])


@pytest.mark.parametrize(
    "metric, value, quote, expected",
    [
        ("minister", "rufus", "Foreign Minister Rufus Firefly", None),  # diacritics folded
        ("minister", "chicolini", "Foreign Minister Rufus Firefly", "unstated"),
        ("members", ["freedonia", "sylvania"], "Freedonia and Sylvania joined", None),
        ("members", ["freedonia", "sylvania"], "Freedonia joined", "unstated"),
    ],
)
def test_entities(corpus, metric, value, quote, expected):
    files = {"a.yaml": one_source("a", "2026-01-12", claim("c", metric, value, quote=quote))}
    assert [f.verdict for f in findings_of(corpus(files), "quote-value")] == ([expected] if expected else [])


def test_derived_claims_are_not_required_to_state_their_value(corpus):
    derived = claim("c", "partners", 1, quote="the highest in the group", derived={"how": '"the highest" is rank 1'})
    files = {"a.yaml": one_source("a", "2026-01-12", derived)}
    result = corpus(files)
    assert findings_of(result, "quote-value") == [] and [f for f in result.findings if not f.subject] == []


def test_derived_from_an_unknown_claim_is_an_input_error(corpus):
    derived = claim("c", "partners", 1, quote="x", derived={"from": ["nope"], "how": "because"})
    result = corpus({"a.yaml": one_source("a", "2026-01-12", derived)})
    (error,) = [f for f in result.findings if not f.subject]
    assert 'derived from unknown claim id "nope"' in error.message


def test_a_claim_derived_from_itself_at_any_remove_is_an_input_error(corpus):
    """A derivation that goes round names no stated figure: each claim on the round is an error; a claim derived
    from a stated one, or from none (the text says what it follows from), is not."""
    derived = [
        claim("stated", "partners", 13),
        claim("self", "partners", 99, quote="x", derived={"from": ["self"], "how": "x"}),
        claim("ca", "partners", 99, quote="x", derived={"from": ["stated", "cb"], "how": "x"}),
        claim("cb", "partners", 99, quote="x", derived={"from": ["cc"], "how": "x"}),
        claim("cc", "partners", 99, quote="x", derived={"from": ["ca"], "how": "x"}),
        claim("fine", "partners", 99, quote="x", derived={"from": ["stated"], "how": "x"}),
        claim("none", "partners", 99, quote="x", derived={"from": [], "how": "the text says so"}),
    ]
    result = corpus({"a.yaml": one_source("a", "2026-01-12", *derived)})
    errors = sorted(f.message for f in result.findings if not f.subject)
    assert errors == [
        'claim "ca" is derived from itself through a round of 3 claims, with "cb", "cc"',
        'claim "cb" is derived from itself through a round of 3 claims, with "ca", "cc"',
        'claim "cc" is derived from itself through a round of 3 claims, with "ca", "cb"',
        'claim "self" is derived from itself',
    ]


def test_a_long_round_of_derivations_is_found_at_once_and_said_in_short(corpus):
    """A round of 300 claims: each is an error, and each message names a few of the others, not all of them."""
    n = 300
    bodies = [
        claim(f"c{i}", "partners", 9, quote="x", derived={"from": [f"c{(i + 1) % n}"], "how": "x"}) for i in range(n)
    ]
    result = corpus({"a.yaml": one_source("a", "2026-01-12", *bodies)})
    errors = [f.message for f in result.findings if not f.subject]
    assert len(errors) == n and all("a round of 300 claims" in e and "and 294 more" in e for e in errors)


def test_both_ends_of_a_range_unstated_are_two_findings_with_their_own_fingerprints(corpus):
    files = {"a.yaml": one_source("a", "2026-01-12", claim("c", "level", {"min": 10, "max": 13}, quote="a busy year"))}
    found = findings_of(corpus(files), "quote-value")
    assert sorted(f.message for f in found) == [
        'claim "c": value 10 is not in its quote, which states no number',
        'claim "c": value 13 is not in its quote, which states no number',
    ]
    assert found[0].fingerprint != found[1].fingerprint


@pytest.mark.parametrize(
    "quote, precision",
    [
        ("no more than 5 visits", "at-most"),
        ("more than 5 visits", "more-than"),
        ("no fewer than 3 visits", "at-least"),
        ("fewer than 3 visits", "less-than"),
        ("upwards of 40 visits", "more-than"),
    ],
)
def test_the_longest_precision_word_before_a_number_is_the_one_read(quote, precision):
    from checker.corpus.numbers import read_numbers

    (mention,) = read_numbers(quote)
    assert mention.precision.value == precision
