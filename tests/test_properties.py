"""Property-based tests: what holds for every input, not only for the examples written by hand.

Hypothesis generates YAML documents, time texts, stated values and whole claim
sets, and checks that:

- any bytes, any document and any claim set give findings or located errors,
  never an exception;
- time and value arithmetic behave: spans are ordered, overlap and agreement
  are symmetric, "below" is antisymmetric, interval sums contain the sums;
- comparing a with b gives the verdict b with a gives;
- renaming files or reordering claims changes no finding;
- restating a claim in another source never creates a contradiction.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from checker.corpus.result import Result
from checker.corpus.values import Interval, ValueProblem, agree, below, interpret
from checker.engine import run
from checker.formats.loading import validation_findings
from checker.formats.models import Claim, ClaimFile, Kind, Metric, Precision, TimeNature
from checker.formats.yamlio import YamlProblem, read_yaml
from checker.model.timespec import TimeError, parse_time

from conftest import RELATIONS, source_block, stating, write_corpus

pytestmark = pytest.mark.slow  # property tests over many generated corpora (pytest -m "not slow" leaves it out)

#: examples per property: fast enough for every run of the suite; CLAIMCHECK_PROPERTY_SCALE=20 searches harder
SCALE = float(os.environ.get("CLAIMCHECK_PROPERTY_SCALE", "1"))
FEW = settings(max_examples=int(60 * SCALE), deadline=None, suppress_health_check=[HealthCheck.too_slow])
MANY = settings(max_examples=int(300 * SCALE), deadline=None)

# ------------------------------------------------------------------ loading

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["2025", "2025-H1", "2025-06-30", "2025-02-30", "news-report", "partners", "freedonia"]),
)
_keys = st.sampled_from(
    ["source", "claims", "id", "title", "publisher", "kind", "published", "undated", "estimate", "argument",
     "subject", "metric", "value", "unit", "precision", "as_of", "period", "scope", "quote", "min", "max", "x"]
)  # fmt: skip
_documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=6)),
    max_leaves=25,
)


@MANY
@given(st.binary(max_size=300))
def test_any_bytes_are_read_or_refused_with_a_place(raw: bytes):
    try:
        document = read_yaml(raw)
    except YamlProblem as problem:
        assert problem.line >= 1 and problem.col >= 1 and problem.message
        return
    assert document.span(()).line >= 1


@MANY
@given(_documents)
def test_any_document_validates_or_gives_located_findings(data: Any):
    text = yaml.safe_dump({"source": data} if not isinstance(data, dict) else data, allow_unicode=True)
    try:
        document = read_yaml(text.encode("utf-8"))
    except YamlProblem as problem:  # a control character the dump escaped
        assert problem.line >= 1 and "control character" in problem.message
        return
    if not isinstance(document.data, dict):
        return
    try:
        ClaimFile.model_validate(document.data)
    except ValidationError as exc:
        findings = validation_findings(exc, ClaimFile, document, "f.yaml")
        assert findings and all(f.location is not None and f.location.line >= 1 and f.message for f in findings)


# -------------------------------------------------------------------- time

_PART = st.builds(
    lambda year, rest: f"{year}{rest}",
    st.integers(min_value=0, max_value=9999).map(lambda y: f"{y:04d}"),
    st.one_of(
        st.just(""),
        st.sampled_from(["-H1", "-H2", "-Q1", "-Q2", "-Q3", "-Q4"]),
        st.integers(min_value=1, max_value=12).map(lambda m: f"-{m:02d}"),
        st.tuples(st.integers(1, 12), st.integers(1, 31)).map(lambda md: f"-{md[0]:02d}-{md[1]:02d}"),
    ),
)
_TIME = st.one_of(_PART, st.tuples(_PART, _PART).map("/".join))


def _span(text: str):
    try:
        return parse_time(text)
    except TimeError:
        return None


@MANY
@given(_TIME, _TIME)
def test_time_spans_are_ordered_and_compare_symmetrically(first: str, second: str):
    a, b = _span(first), _span(second)
    for span in (a, b):
        assert span is None or span.start <= span.end
    if a is None or b is None:
        return
    assert a.overlaps(b) == b.overlaps(a)
    assert not (a.before(b) and b.before(a))
    assert not (a.before(b) and a.overlaps(b))
    assert a.overlaps(b) or a.before(b) or b.before(a)
    if a.contains(b):
        assert a.overlaps(b) and a.days() >= b.days()


# ------------------------------------------------------------------ values

_NUMERIC = [Kind.count, Kind.number, Kind.percent]
_PRECISIONS = [p for p in Precision if p != Precision.range]
_numbers = st.one_of(st.integers(min_value=-(10**6), max_value=10**6), st.floats(min_value=-1e6, max_value=1e6))


def _value(number: float, precision: Precision, kind: Kind, tolerance: float):
    metric = Metric(label="m", kind=kind, time=TimeNature.stock)
    claim = Claim(id="c", subject="s", metric="m", value=number, precision=precision, quote="q")
    try:
        return interpret(claim, metric, tolerance, lambda name: name)
    except ValueProblem:
        return None


_stated = st.builds(
    _value, _numbers, st.sampled_from(_PRECISIONS), st.sampled_from(_NUMERIC), st.floats(min_value=0, max_value=1)
)


@MANY
@given(_stated, _stated)
def test_agreement_is_symmetric_and_below_antisymmetric(a, b):
    if a is None or b is None:
        return
    assert a.interval.lo <= a.interval.hi and not math.isnan(a.interval.lo)
    assert agree(a, a)
    assert agree(a, b) == agree(b, a)
    order = below(a, b)
    assert order is None or below(b, a) is (not order)
    if agree(a, b):
        assert order is None


_intervals = st.tuples(_numbers, _numbers).map(lambda pair: Interval(min(pair), max(pair)))


@MANY
@given(_intervals, _intervals, st.floats(0, 1), st.floats(0, 1))
def test_interval_sums_and_differences_hold_every_sum_and_difference(a: Interval, b: Interval, s: float, t: float):
    x, y = a.lo + s * (a.hi - a.lo), b.lo + t * (b.hi - b.lo)
    total, difference = a + b, a - b
    slack = 1e-9 * (1 + abs(x) + abs(y))
    assert total.lo - slack <= x + y <= total.hi + slack
    assert difference.lo - slack <= x - y <= difference.hi + slack
    assert a.meets(b) == b.meets(a) and a.meets(a)


# ------------------------------------------------------------------ engine

_TIMES = ["2025", "2025-H1", "2025-06", "2025-06-30", "2025-12-31", "2025-10/2026-01"]
_PUBLISHED = ["2025-07-01", "2026-01-10", "2025", None]


@st.composite
def _claim(draw: st.DrawFn, claim_id: str) -> dict[str, Any]:
    """A claim of one of the shared vocabulary's metrics, its quote stating its value."""
    metric = draw(st.sampled_from(["partners", "level", "visits", "minister", "founded", "share", "treaties",
                                   "members", "trade"]))  # fmt: skip
    extra: dict[str, Any] = {}
    if metric in ("partners", "treaties", "visits"):
        value: Any = draw(st.integers(0, 30))
    elif metric in ("level", "share"):
        value = draw(st.one_of(st.integers(0, 100), st.floats(0, 100).map(lambda f: round(f, 1))))
    elif metric == "trade":
        value = draw(st.integers(1, 1000))
        extra["unit"] = draw(st.sampled_from(["USD", "billion USD", "million USD"]))
    elif metric == "minister":
        value = draw(st.sampled_from(["rufus", "chicolini"]))
    elif metric == "founded":
        value = draw(st.sampled_from(["1990", "1990-05", "1991-05-01"]))
    else:
        value = draw(st.lists(st.sampled_from(["sylvania", "freedonia", "ministry"]), min_size=1, max_size=3,
                              unique=True))  # fmt: skip
        extra["complete"] = draw(st.booleans())
    if metric in ("partners", "treaties", "level", "share", "visits", "trade"):
        precision = draw(st.sampled_from(_PRECISIONS))
        if precision == Precision.less_than and value == 0 and metric in ("partners", "treaties", "visits"):
            precision = Precision.at_most  # "less than 0" is no count (see test_counts_with_magnitudes)
        if precision != Precision.exact:
            extra["precision"] = precision.value
    if metric in ("visits", "trade"):
        extra["period"] = draw(st.sampled_from(_TIMES))
    elif metric != "founded" and draw(st.booleans()):
        extra[draw(st.sampled_from(["as_of", "as_of", "since"]))] = draw(st.sampled_from(_TIMES))
    if metric == "treaties" and draw(st.booleans()):
        extra["scope"] = {"stage": draw(st.sampled_from(["in-force", "any-stage"]))}
    subject = draw(st.sampled_from(["freedonia", "sylvania"]))
    quote = stating(value, extra.get("precision"))
    return {"id": claim_id, "subject": subject, "metric": metric, "value": value, "quote": quote, **extra}


@st.composite
def _corpora(draw: st.DrawFn) -> dict[str, dict[str, Any]]:
    """One to four sources of one to four claims each, as {file name: claim file}."""
    files = {}
    for index in range(draw(st.integers(1, 4))):
        published = draw(st.sampled_from(_PUBLISHED))
        source = source_block(f"s{index}", published)
        if published is None and draw(st.booleans()):
            source["undated"]["estimate"] = "2025-06/2025-09"
        claims = [draw(_claim(f"c{n}")) for n in range(draw(st.integers(1, 4)))]
        files[f"f{index}.yaml"] = {"source": source, "claims": claims}
    return files


def _check(files: dict[str, dict[str, Any]], vocabulary: dict[str, Any] | None = None) -> Result:
    with tempfile.TemporaryDirectory() as folder:
        claims, rules = write_corpus(Path(folder), files, vocabulary)
        return run([claims], rules)


def _identity(result: Result) -> list[tuple]:
    """The findings without where they stand: what changes when files are renamed or claims move."""
    return sorted(
        (f.fingerprint, f.check, f.verdict, f.severity, f.message, f.note, tuple((c.source, c.claim) for c in f.claims))
        for f in result.findings
        if f.subject
    )


@FEW
@given(_corpora())
def test_any_claim_set_gives_findings_never_an_exception(files):
    result = _check(files, RELATIONS)
    for finding in result.findings:
        assert finding.message and finding.severity in ("error", "warning", "info")
        assert finding.location is not None or finding.claims
    assert not [f for f in result.findings if not f.subject and f.check != "quote-value"]  # every claim is valid


@FEW
@given(_claim("a"), _claim("b"), st.sampled_from(_PUBLISHED), st.sampled_from(_PUBLISHED))
def test_a_against_b_is_b_against_a(a, b, published_a, published_b):
    def verdicts(first: str, second: str) -> list[tuple]:
        files = {
            "one.yaml": {"source": source_block(first, published_a), "claims": [a]},
            "two.yaml": {"source": source_block(second, published_b), "claims": [b]},
        }
        result = _check(files)
        return sorted(
            (f.check, f.verdict, f.severity, tuple(sorted((c.value, c.time, c.scope) for c in f.claims)))
            for f in result.findings
        )

    # the source ids decide which claim comes first in every comparison: swap them
    assert verdicts("src-a", "src-b") == verdicts("src-b", "src-a")


@FEW
@given(_corpora(), st.randoms(use_true_random=False))
def test_renaming_files_and_reordering_claims_changes_no_finding(files, random):
    moved = {}
    for index, body in enumerate(files.values()):
        claims = list(body["claims"])
        random.shuffle(claims)
        moved[f"renamed-{random.randrange(10**6)}-{index}.yaml"] = {"claims": claims, "source": body["source"]}
    assert _identity(_check(moved)) == _identity(_check(files))


@FEW
@given(_corpora(), st.data())
def test_restating_a_claim_in_another_source_creates_no_contradiction(files, data):
    name = data.draw(st.sampled_from(sorted(files)))
    original = files[name]
    restated = data.draw(st.sampled_from(original["claims"]))
    copy = {"source": {**original["source"], "id": "restating", "title": "another outlet"}, "claims": [restated]}

    def contradictions(result: Result) -> set[str]:
        return {f.fingerprint for f in result.findings if f.verdict == "contradiction"}

    assert contradictions(_check({**files, "restating.yaml": copy})) <= contradictions(_check(files))


@FEW
@given(_corpora(), st.data())
def test_a_damaged_claim_set_gives_located_errors_and_keeps_the_rest(files, data):
    """Any key of any claim or source set to any value: located errors for it, the other files still checked."""
    name = data.draw(st.sampled_from(sorted(files)))
    body = files[name]
    where = data.draw(st.sampled_from(["source", *range(len(body["claims"]))]))
    target = body["source"] if where == "source" else body["claims"][where]
    target[data.draw(_keys)] = data.draw(_documents)
    result = _check(files, RELATIONS)
    for finding in result.findings:
        if not finding.subject:
            assert finding.location is not None and finding.location.line >= 1 and finding.message
    others = {f"s{index}" for index, other in enumerate(sorted(files)) if other != name}
    assert others <= set(result.corpus.sources)  # every other file was read


# ------------------------------------------------------------------ fingerprints

_RELATED = {  # metrics the shared relations tie together: (kind of value, time key)
    "titles": ("count", "as_of"), "titles_added": ("count", "period"), "tier_a": ("count", "as_of"),
    "tier_b": ("count", "as_of"), "frameworks": ("count", "as_of"), "upgraded": ("count", "period"),
    "raised_to_a": ("list", "period"), "raised_to_b": ("list", "period"), "agreements": ("count", "period"),
    "agreements_ratio": ("ratio", "period"),
}  # fmt: skip


@st.composite
def _related_claim(draw: st.DrawFn, claim_id: str) -> dict[str, Any]:
    """A claim of a metric a relation ties to others (sums, bounds, lists against totals, changes, ratios)."""
    metric = draw(st.sampled_from(sorted(_RELATED)))
    kind, time_key = _RELATED[metric]
    extra: dict[str, Any] = {}
    if kind == "list":
        value: Any = draw(st.lists(st.sampled_from(["ruritania", "latveria", "genovia"]), min_size=1, max_size=3,
                                   unique=True))  # fmt: skip
        extra["complete"] = draw(st.booleans())
    elif kind == "ratio":
        value = draw(st.sampled_from([1.5, 2, 2.5]))
    else:
        value = draw(st.integers(0, 80))
    times = ["2025", "2025-H1", "2024"] if time_key == "period" else ["2025-12-31", "2024-12-31", "2025-06-30"]
    extra[time_key] = draw(st.sampled_from(times))
    subject = draw(st.sampled_from(["freedonia", "sylvania"]))
    return {"id": claim_id, "subject": subject, "metric": metric, "value": value, "quote": stating(value), **extra}


@st.composite
def _tangled_corpora(draw: st.DrawFn, twice: bool = False) -> dict[str, dict[str, Any]]:
    """Two to four sources whose claims, of all kinds, take their ids from one small pool: one id names claims of
    several sources (and, ``twice``, sometimes two claims of one source)."""
    files = {}
    for index in range(draw(st.integers(2, 4))):
        published = draw(st.sampled_from(_PUBLISHED))
        ids = draw(st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), min_size=1, max_size=6, unique=not twice))
        claims = [draw(st.one_of(_claim(claim_id), _related_claim(claim_id))) for claim_id in ids]
        files[f"f{index}.yaml"] = {"source": source_block(f"s{index}", published), "claims": claims}
    return files


@FEW
@given(_tangled_corpora(twice=True))
def test_no_two_findings_of_any_claim_set_share_a_fingerprint(files):
    result = _check(files, RELATIONS)
    fingerprints = [f.fingerprint for f in result.findings]
    assert len(fingerprints) == len(set(fingerprints))


def _written(files: dict[str, dict[str, Any]], head: str = "") -> dict[str, str]:
    return {name: head + yaml.safe_dump(body, allow_unicode=True, sort_keys=False) for name, body in files.items()}


def _check_in_turn(*versions: dict[str, str]) -> list[Result]:
    """Each version of a corpus ({file name: text}) checked in turn in one folder (input errors name their file)."""
    results = []
    with tempfile.TemporaryDirectory() as folder:
        claims, rules = write_corpus(Path(folder), {}, RELATIONS)
        for texts in versions:
            for path in claims.iterdir():
                path.unlink()
            for name, text in texts.items():
                (claims / name).write_text(text, "utf-8")
            results.append(run([claims], rules))
    return results


@FEW
@given(_tangled_corpora(), st.randoms(use_true_random=False))
def test_moving_lines_claims_and_files_keeps_every_fingerprint(files, random):
    """Comment lines at the top of every file, its claims in another order, the files in another order."""
    moved = {}
    names = sorted(files)
    random.shuffle(names)
    for number, name in enumerate(names):
        claims = list(files[name]["claims"])
        random.shuffle(claims)
        moved[f"{number}-{name}"] = {"source": files[name]["source"], "claims": claims}
    before, after = _check_in_turn(_written(files), _written(moved, "# a comment\n" * random.randrange(1, 9)))
    assert _identity(after) == _identity(before)


@FEW
@given(_tangled_corpora(), st.data())
def test_claims_about_another_subject_or_metric_keep_every_fingerprint(files, data):
    """The claims of one subject, or of one metric, left out and then added: every finding there was before
    keeps its fingerprint (a subject's or a metric's findings may gain claims, never another name)."""
    claims = [claim for body in files.values() for claim in body["claims"]]
    field = data.draw(st.sampled_from(["subject", "metric"]))
    other = data.draw(st.sampled_from(sorted({claim[field] for claim in claims})))
    without = {
        name: {"source": body["source"], "claims": [c for c in body["claims"] if c[field] != other]}
        for name, body in files.items()
    }
    without = {name: body for name, body in without.items() if body["claims"]}
    before, after = _check_in_turn(_written(without), _written(files))
    assert {f.fingerprint for f in before.findings} <= {f.fingerprint for f in after.findings}


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=12,
)


@MANY
@given(
    st.dictionaries(st.text(max_size=5), _json_values, max_size=3),
    st.dictionaries(st.text(min_size=1, max_size=5), st.lists(_json_values, max_size=4), max_size=3),
)
def test_a_report_written_item_by_item_is_the_report_written_at_once(head: dict, lists: dict):
    from checker.formats.jsontext import pretty, pretty_chunks

    head = {k: v for k, v in head.items() if k not in lists}
    assert b"".join(pretty_chunks(head, lists)).decode("utf-8") == pretty({**head, **lists})


def test_a_long_list_is_written_as_it_would_be_at_once():
    """Items are encoded many at a time: lists longer than one batch, and of every length around its edges,
    are the text of the document written at once."""
    from checker.formats.jsontext import _BATCH, pretty, pretty_chunks

    def item(number: int) -> object:
        return [{"n": number, "q": "##[ a \u00e9 \n"}, [], {}, None, number / 3, f"{number}"][number % 6]

    for length in (_BATCH - 1, _BATCH, _BATCH + 1, 3 * _BATCH + 7):
        lists = {"findings": [item(n) for n in range(length)], "empty": [], "timelines": [item(7)]}
        assert b"".join(pretty_chunks({"a": 1}, lists)).decode("utf-8") == pretty({"a": 1, **lists})


@MANY
@given(st.text(max_size=16))
def test_names_fold_as_their_definition_says(name: str):
    """fold's shortcuts (ASCII, a table of marks) give what decomposing and dropping every mark gives."""
    import unicodedata

    from checker.model.names import _EXTRA, _NON_ALNUM, fold

    decomposed = unicodedata.normalize("NFKD", name.translate(_EXTRA))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    assert fold(name) == _NON_ALNUM.sub("", bare.casefold())


_KEY_PART = st.one_of(st.integers(0, 30), st.text(min_size=0, max_size=6))  # keys with quotes, commas, brackets
_KEY = st.lists(_KEY_PART, max_size=4).map(tuple)
_SPAN = st.tuples(*[st.integers(1, 10_000)] * 4)


@given(st.dictionaries(_KEY, _SPAN, max_size=12), st.lists(_KEY_PART, max_size=5))
@settings(max_examples=400, deadline=None)
def test_a_claim_located_in_its_spans_text_is_located_as_in_its_spans(spans, keys):
    """Located.location searches the spans' JSON text for the key path (and, failing that, each enclosing one):
    the same location as reading the spans whole and walking up from the key path."""
    import orjson

    from checker.corpus.spans import Located, spans_from_plain

    text = orjson.dumps([[list(key), list(span)] for key, span in spans.items()])
    whole = Located("claims/a.yaml", spans_from_plain(orjson.loads(text)))
    assert Located("claims/a.yaml", text).location(*keys) == whole.location(*keys)
    for key in spans:  # every key path present is found at its own span
        assert Located("claims/a.yaml", text).location(*key) == whole.location(*key)


# ------------------------------------------------ groups of agreeing values, found by sorting


def _intervals():
    from checker.corpus.values import Interval

    def build(lo: int, width: int, lo_open: bool, hi_open: bool) -> Interval:
        return Interval(float(lo), float(lo + width), lo_open and width > 0, hi_open and width > 0)

    return st.builds(build, st.integers(0, 30), st.integers(0, 6), st.booleans(), st.booleans())


class _Stated:
    """Just what the sweeps read of a position: its value."""

    def __init__(self, interval) -> None:  # noqa: ANN001
        from checker.corpus.values import Number

        self.value = Number(interval.lo, interval, "", "")


@given(st.lists(_intervals(), min_size=1, max_size=25))
def test_value_groups_agree_within_and_are_one_group_only_when_all_agree(intervals):
    """The contradiction's groups: every two values of a group agree; one group exactly when no two disagree."""
    from checker.checks.value_conflict import clusters

    members = [_Stated(i) for i in intervals]
    groups = clusters(members)  # type: ignore[arg-type]
    assert sorted(id(p) for g in groups for p in g) == sorted(id(p) for p in members)
    for group in groups:
        assert all(a.value.interval.meets(b.value.interval) for a in group for b in group)
    every_pair_agrees = all(a.meets(b) for a in intervals for b in intervals)
    assert (len(groups) == 1) == every_pair_agrees


@given(st.lists(_intervals(), min_size=1, max_size=25))
def test_the_sweeps_groups_agree_throughout_and_split_only_what_disagrees(intervals):
    """The groups value-conflict and corroboration share: a partition in which every two values of a group agree;
    values that all agree are one group; and no group is split from the next where a value could have joined it
    (the next one's lowest value does not meet some value of the group before)."""
    from checker.checks.value_conflict import sweep_groups
    from checker.corpus.values import ends

    bounds = [ends(_Stated(i).value) for i in intervals]
    runs = sweep_groups(bounds)
    assert sorted(k for group in runs for k in group) == list(range(len(intervals)))
    for group in runs:
        assert all(intervals[a].meets(intervals[b]) for a in group for b in group)
    every_pair_agrees = all(a.meets(b) for a in intervals for b in intervals)
    assert (len(runs) == 1) == every_pair_agrees
    for before, after in zip(runs, runs[1:], strict=False):  # each group with the one after it
        assert not all(intervals[after[0]].meets(intervals[k]) for k in before)


# ------------------------------------------------ folding archived texts, by runs


def _folded_char_by_char(text: str) -> tuple[str, list[int]]:
    """The definition of folding, one character at a time (provenance.fold_text folds by runs)."""
    from checker.corpus.provenance import _fold_char

    out: list[str] = []
    offsets: list[int] = []
    in_space = False
    for index, char in enumerate(text):
        if char.isspace():
            if not in_space and out:
                out.append(" ")
                offsets.append(index)
            in_space = True
            continue
        in_space = False
        for piece in _fold_char(char):
            if not piece.isspace():
                out.append(piece)
                offsets.append(index)
    while out and out[-1] == " ":
        out.pop()
        offsets.pop()
    return "".join(out), offsets


_FOLDING = " \t\n\r\u00a0\u2009\u3000\u2028\x1cab1`'\"“”‘’—–-ﬁ½éê\u0301Việt\u200b\ufeff"


@given(st.text(alphabet=st.sampled_from(list(_FOLDING)) | st.characters(), max_size=60))
def test_folding_by_runs_is_folding_character_by_character(text):
    from checker.corpus.provenance import fold_text

    folded, offsets = fold_text(text)
    assert (folded, list(offsets)) == _folded_char_by_char(text)


@given(st.text(alphabet=st.sampled_from(list("ab \n\u00a0é")), min_size=1, max_size=80))
def test_the_line_of_a_folded_place_is_the_line_it_stands_on(text):
    from checker.corpus.provenance import ArchivedText, fold_text

    folded, offsets = fold_text(text)
    archive = ArchivedText(text, folded, tuple(offsets))
    for index in range(len(folded)):
        assert archive.line_of(index) == text.count("\n", 0, offsets[index]) + 1
