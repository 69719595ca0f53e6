"""The synthetic corpus of the performance benchmark (bench/generate.py) and its scoring (bench/run.py).

A corpus of 2,000 claims in each format must be valid input, identical from
one generation to the next, and checked end to end: every planted
discrepancy found with its verdict, no contradiction where none was planted.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Iterator

import pytest

from checker.authoring.fmt import canonical
from checker.corpus.result import Result
from checker.engine import run
from checker.reporting import REPORTERS

from conftest import ROOT

pytestmark = pytest.mark.slow  # the benchmarks (pytest -m "not slow" leaves it out)

N = 2_000
FORMATS = ("yaml", "jsonl")
DISCREPANCIES = {"contradiction", "timing", "scope", "stale", "shortfall", "undetermined"}


def _load(name: str, as_name: str) -> ModuleType:
    """A bench script as a module (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location(as_name, ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[as_name] = module
    spec.loader.exec_module(module)
    return module


generate = _load("generate", "generate")  # under the name bench/run.py imports it by
bench_run = _load("run", "bench_run")


@pytest.fixture(scope="module")
def corpora(tmp_path_factory) -> dict[str, tuple[Path, Result]]:
    """Each format's corpus folder and the engine's result on it, made once for the module."""
    made = {}
    for fmt in FORMATS:
        folder = tmp_path_factory.mktemp(fmt)
        generate.generate(N, fmt, folder)
        made[fmt] = folder, run([folder / "claims"], folder / "rules")
    return made


def _planted(folder: Path) -> list[dict[str, str]]:
    return json.loads((folder / "planted.json").read_text("utf-8"))


def _keys(result: Result) -> Counter:
    return Counter((f.subject, f.metric, f.verdict) for f in result.findings)


def _unplanted(folder: Path, result: Result) -> Counter:
    expected = {(p["subject"], p["metric"], p["verdict"]) for p in _planted(folder)}
    return Counter(key for key in _keys(result).elements() if key[2] in DISCREPANCIES and key not in expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_corpus_is_valid_input(corpora, fmt):
    folder, result = corpora[fmt]
    problems = [f for f in result.findings if f.verdict == "invalid" or f.check == "quote-value"]
    assert problems == []
    assert (result.corpus.files, result.corpus.claims_read, len(result.corpus.claims)) == (N // 100, N, N)


@pytest.mark.parametrize("fmt", FORMATS)
def test_generation_is_deterministic(corpora, tmp_path, fmt):
    folder, _ = corpora[fmt]
    generate.generate(N, fmt, tmp_path)
    first = {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in sorted(tmp_path.rglob("*")) if p.is_file()}
    assert first == second


def test_both_formats_hold_the_same_claims(corpora):
    yaml_findings = [f.fingerprint for f in corpora["yaml"][1].findings]
    jsonl_findings = [f.fingerprint for f in corpora["jsonl"][1].findings]
    assert yaml_findings == jsonl_findings


def test_claim_files_are_in_canonical_form(corpora):
    folder, _ = corpora["yaml"]
    for path in sorted((folder / "claims").glob("*.yaml"))[:3]:
        text = path.read_text("utf-8")
        assert canonical(text) == text


def test_plants_of_every_verdict_and_a_hot_metric(corpora):
    folder, result = corpora["yaml"]
    verdicts = Counter(p["verdict"] for p in _planted(folder))
    assert set(verdicts) == DISCREPANCIES and min(verdicts.values()) >= 3
    sizes = Counter((c.subject, c.metric_id) for c in result.corpus.claims)
    (_, hot), (_, next_largest) = sizes.most_common(2)
    assert hot >= N * generate.HOT_SHARE / 2 and hot > 2 * next_largest


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_planted_discrepancy_is_found_with_its_verdict(corpora, fmt):
    folder, result = corpora[fmt]
    found = _keys(result)
    missed = [p for p in _planted(folder) if (p["subject"], p["metric"], p["verdict"]) not in found]
    assert missed == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_contradiction_where_none_was_planted(corpora, fmt):
    folder, result = corpora[fmt]
    assert [key for key in _unplanted(folder, result) if key[2] == "contradiction"] == []


def test_no_discrepancy_where_none_was_planted(corpora):
    folder, result = corpora["yaml"]
    assert _unplanted(folder, result) == Counter()


def test_the_json_report_scores_every_plant(corpora):
    folder, result = corpora["yaml"]
    report = json.loads(REPORTERS["json"](result))
    score = bench_run.score(report, _planted(folder))
    assert (score.found, score.planted, score.false_contradictions, score.defects) == (score.planted, 25, 0, 0)


def test_a_matching_corpus_is_reused_unless_asked_fresh(tmp_path):
    folder = tmp_path / "yaml-2000"
    lines = [bench_run.ensure_corpus(N, "yaml", 8, folder, fresh) for fresh in (False, False, True)]
    assert ["(reused)" in line for line in lines] == [False, True, False]
    assert bench_run.parse_args([]).fresh is False and bench_run.parse_args(["--fresh"]).fresh is True


def test_the_benchmark_prints_its_figures_last(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--claims", str(N), "--format", "jsonl",
         "--cache", str(tmp_path), "--incremental"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    assert list(figures)[:10] == ["claims", "files", "format", "check_s", "parse_floor_s", "ratio", "peak_rss_mb",
                                  "planted", "found", "false_contradictions"]  # fmt: skip
    assert figures["incremental_s"] > 0
    assert abs(figures["incremental_ratio"] - figures["incremental_s"] / figures["check_s"]) < 0.002
    assert (figures["claims"], figures["files"], figures["format"]) == (N, N // 100, "jsonl")
    assert figures["found"] == figures["planted"] and figures["false_contradictions"] == 0
    assert figures["check_s"] > 0 and figures["parse_floor_s"] > 0 and figures["peak_rss_mb"] > 10
    assert figures["report_mb"] > 0 and figures["report_floor_s"] > 0
    # the ratio of the two times before they were rounded to milliseconds
    written, parsed = figures["report_floor_s"], figures["parse_floor_s"]
    assert (written - 5e-4) / (parsed + 5e-4) - 0.005 <= figures["report_floor_ratio"]
    assert figures["report_floor_ratio"] <= (written + 5e-4) / max(parsed - 5e-4, 1e-9) + 0.005


def test_stale_claims_found_by_arrays_are_those_found_pair_by_pair(corpora):
    """timeline.overtaken judges with arrays; on every group of the synthetic corpus it must agree with is_stale,
    and name the newest claim that overtook each stale one."""
    from checker.corpus.timeline import is_stale, overtaken
    from checker.engine import partition

    _, result = corpora["yaml"]
    stale = 0
    for metrics in partition(result.corpus.claims).values():
        for group in metrics.values():
            brute = {}
            for later in group:
                found = [earlier for earlier in group if is_stale(earlier, later)]
                if found:
                    brute[id(later)] = max(found, key=lambda c: (c.source.date.start, c.key))
            assert overtaken(group) == brute
            stale += len(brute)
    assert stale >= 3  # the planted stale figures, at least


def _judged_groups(results: list) -> Iterator[tuple]:
    """(metric, positions) of every (subject, metric) of the results that value-conflict judges."""
    from checker.checks import value_conflict as vc
    from checker.engine import partition

    for result in results:
        for metrics in partition(result.corpus.claims).values():
            for group in metrics.values():
                if not vc.office_holders_apply(group[0].metric):
                    yield group[0].metric, vc.positions(group)


def test_value_conflict_judges_the_same_by_arrays_as_pair_by_pair(corpora):
    """Large groups are judged as arrays; on every group of the corpora both ways give the same verdicts."""
    from checker.engine import run

    from conftest import ROOT, judged_both_ways

    results = [corpora["yaml"][1], run([ROOT / "claims"], ROOT / "rules"), run([ROOT / "examples/company/claims"], ROOT / "examples/company/rules")]  # fmt: skip
    compared = sum(judged_both_ways(found, metric) for metric, found in _judged_groups(results))
    assert compared > 150


def test_agreeing_sets_by_reference_are_those_found_pair_by_pair(corpora):
    """corroboration compares only positions of one scope and time (a stock's time told at two precisions is one,
    when the coarser holds just that finer one) and leaves out a bound that covers part of an approximate figure
    there; the sets must be those of every pair, by that definition written out plainly."""
    from checker.checks import corroboration, value_conflict
    from checker.corpus.values import APPROXIMATE, BOUNDS, agree, partly
    from checker.engine import partition

    def within(inner, outer):  # noqa: ANN001, ANN202
        return outer[0] <= inner[0] and inner[1] <= outer[1]

    def references(found):  # noqa: ANN001, ANN202
        spans = {}
        for p in found:
            if p.time is not None and p.first.metric.time.value == "stock":
                spans.setdefault(p.first.scope, set()).add((p.time.start, p.time.end))
        out = []
        for p in found:
            if p.time is None:
                out.append((p.first.scope, None) if p.first.metric.time.value == "fixed" else None)
                continue
            span = (p.time.start, p.time.end)
            if p.first.metric.time.value == "stock":
                mine = spans[p.first.scope]
                finest = [t for t in mine if within(t, span) and not any(u != t and within(u, t) for u in mine)]
                span = finest[0] if len(finest) == 1 else span
            out.append((p.first.scope, span))
        return out

    _, result = corpora["yaml"]
    compared = 0
    for metrics in partition(result.corpus.claims).values():
        for group in metrics.values():
            found = value_conflict.positions(group)
            refs = references(found)
            partial = {
                i
                for i, a in enumerate(found)
                if a.first.claim.precision in BOUNDS
                and any(refs[j] == refs[i] and b.first.claim.precision in APPROXIMATE and partly(a.value, b.value)
                        for j, b in enumerate(found))  # fmt: skip
            }
            joined = {i: {i} for i in range(len(found))}
            for i, a in enumerate(found):
                for j in range(i + 1, len(found)):
                    same = refs[i] is not None and refs[i] == refs[j] and not {i, j} & partial
                    if same and agree(a.value, found[j].value) and joined[i] is not joined[j]:
                        merged = joined[i] | joined[j]
                        for k in merged:
                            joined[k] = merged
            brute = sorted(sorted(s) for s in {id(s): s for s in joined.values()}.values())
            index = {id(p): i for i, p in enumerate(found)}
            sets = corroboration.agreeing_sets(found)
            assert sorted(sorted(index[id(p)] for p in members) for members in sets) == brute
            assert all(members == sorted(members, key=lambda p: index[id(p)]) for members in sets)
            compared += len(found)
    assert compared > 1000


def test_stale_positions_are_judged_by_their_earliest_and_latest_claims(corpora):
    """value-conflict asks whether any claim of one position overtook any of another through two claims."""
    from checker.checks import value_conflict
    from checker.corpus.timeline import is_stale
    from checker.engine import partition

    _, result = corpora["yaml"]
    stale = compared = 0
    for metrics in partition(result.corpus.claims).values():
        for group in metrics.values():
            found = value_conflict.positions(group)[:60]
            for i, a in enumerate(found):
                for b in found[i + 1 :]:
                    brute = any(is_stale(x, y) or is_stale(y, x) for x in a.claims for y in b.claims)
                    assert value_conflict._stale(a, b) == brute
                    stale += brute
                    compared += 1
    assert stale >= 3 and compared > 1000


def test_contradictions_of_a_time_and_scope_are_those_of_their_pairs(corpora):
    """A slot has one contradiction exactly when two of its positions, neither overtaken, disagree; and a
    position is overtaken exactly when another of its slot overtakes it, as the pairwise definition says."""
    from checker.checks import value_conflict as vc
    from checker.corpus.values import agree

    compared = contradictions = 0
    for metric, found in _judged_groups([corpora["yaml"][1], corpora["jsonl"][1]]):
        unfiltered = vc.slots_of(found, metric, vc.Options(defer_stale=False))
        slots = vc.slots_of(found, metric)
        for indices in unfiltered.members.values():
            members = [found[i] for i in indices]
            outdated = vc._outdated(members, metric)
            assert outdated == [any(vc._overtakes(o, p) for o in members if o is not p) for p in members]
            kept = [p for p, old in zip(members, outdated, strict=True) if not old]
            disagree = any(not agree(a.value, b.value) for a in kept for b in kept)
            compared += 1
            contradictions += disagree
        reported = list(vc.contradictions(found, slots, metric))
        expected = sum(
            1
            for indices in slots.members.values()
            if any(not agree(found[i].value, found[j].value) for i in indices for j in indices)
        )
        assert len(reported) == expected
    assert compared > 100 and contradictions > 5
