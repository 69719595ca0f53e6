"""Which value is best supported: accuracy-based truth discovery with copy detection.

The method follows the Bayesian model of Dong, Berti-Équille and Srivastava,
"Integrating conflicting data: the role of source dependence" (PVLDB 2(1),
2009) — ACCU with copy detection, AccuCopy — with the value-similarity
extension of the same paper, as Li et al. ("Truth Finding on the Deep Web:
Is the Problem Solved?", PVLDB 6(2), 2012) evaluate it on the flight data:

1. Each source starts with the same accuracy A(s).
2. A value's vote count is the sum, over the sources that give it, of
   ln(n·A(s)/(1−A(s))) (n: the number of false values assumed per item),
   each vote discounted by the probability that the source copied it from a
   more accurate source that gives the same value; close values (within the
   metric's tolerance) lend each other part of their votes.
3. A value's probability is its share of exp(vote count) among the item's
   values; a source's accuracy is the mean probability that what it says is
   right (within tolerance).
4. For every two sources, the items where they agree on a value believed
   false are the evidence of copying: the posterior that one copies the other
   (prior α, copy rate c) follows from how often they share true values,
   false values, and differ, given their accuracies.
5. Repeat until the accuracies settle.

Everything is deterministic: sources, items and values are processed in
sorted order, and ties are broken by value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Hashable, Optional, Sequence

import numpy as np


@dataclass(frozen=True)
class Settings:
    """The model's constants (Dong et al.'s defaults, and the similarity weight)."""

    false_values: float = 10.0  # n: false values per item
    prior_accuracy: float = 0.8
    copy_prior: float = 0.2  # α
    copy_rate: float = 0.99  # c: a copier copies nearly everything
    similarity_weight: float = 0.5  # ρ
    min_shared: int = 20  # items two sources must share before copying is judged
    rounds: int = 20
    epsilon: float = 1e-4
    shrinkage: float = 20.0  # how many observations a per-kind accuracy needs to outweigh the overall one
    investment_rounds: int = 10
    investment_growth: float = 1.4  # PooledInvestment's g
    trust_exponent: float = 0.3  # how strongly investment trust weighs a vote


@dataclass
class Observation:
    """A source's value for an item."""

    item: Hashable
    source: str
    value: object


@dataclass
class ItemResult:
    """The best supported value of one item."""

    item: Hashable
    value: object
    confidence: float
    supporting: list[str]
    opposing: list[str]


@dataclass
class Resolution:
    """What resolve concluded."""

    items: list[ItemResult]
    accuracy: dict[str, float]
    copying: list[tuple[str, str, float]]  # pairs judged dependent, with the probability
    groups: list[list[str]]  # sources that copy one another, as connected groups
    rounds: int = 0
    vote: dict[Hashable, object] = field(default_factory=dict)  # plain majority, for comparison


def _groups(pairs: Sequence[tuple[str, str, float]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def root(name: str) -> str:
        while parent.setdefault(name, name) != name:
            parent[name] = parent[parent[name]]
            name = parent[name]
        return name

    for a, b, _ in pairs:
        parent[root(a)] = root(b)
    members: dict[str, list[str]] = {}
    for name in parent:
        members.setdefault(root(name), []).append(name)
    return sorted(sorted(group) for group in members.values() if len(group) > 1)


def resolve(
    observations: Sequence[Observation],
    tolerance: Optional[dict[Hashable, float]] = None,
    settings: Settings = Settings(),
    group_of: Optional[dict[Hashable, Hashable]] = None,
    source_weight: Optional[dict[str, float]] = None,
) -> Resolution:
    """The best supported value of every item.

    ``tolerance`` maps an item to how far apart two numbers may be and still be one value; ``group_of`` maps an
    item to its kind (a metric), so that a source's accuracy is estimated per kind as well as overall.
    """
    tolerance = tolerance or {}
    sources = sorted({o.source for o in observations})
    items = sorted({o.item for o in observations}, key=repr)
    source_at = {s: i for i, s in enumerate(sources)}
    item_at = {it: i for i, it in enumerate(items)}
    kinds = sorted({(group_of or {}).get(it, "") for it in items}, key=repr)
    kind_at = {k: i for i, k in enumerate(kinds)}
    item_kind = np.array([kind_at[(group_of or {}).get(it, "")] for it in items], dtype=np.int64)
    per_item: dict[int, set] = {}
    for o in observations:
        per_item.setdefault(item_at[o.item], set()).add(o.value)
    cand_item: list[int] = []
    cand_value: list[object] = []
    cand_at: dict[tuple[int, object], int] = {}
    for index in range(len(items)):
        for value in sorted(per_item[index], key=lambda v: (str(type(v)), v)):
            cand_at[(index, value)] = len(cand_value)
            cand_item.append(index)
            cand_value.append(value)
    obs_item = np.array([item_at[o.item] for o in observations], dtype=np.int64)
    obs_source = np.array([source_at[o.source] for o in observations], dtype=np.int64)
    obs_cand = np.array([cand_at[(item_at[o.item], o.value)] for o in observations], dtype=np.int64)
    cand_item_arr = np.array(cand_item, dtype=np.int64)
    item_starts = np.flatnonzero(np.r_[True, np.diff(cand_item_arr) != 0])
    n_cand, n_src, n_item, n_kind = len(cand_value), len(sources), len(items), len(kinds)
    obs_kind = item_kind[obs_item]

    pa, pb, psim, close_a, close_b, by_item = _neighbours(items, cand_item, cand_value, tolerance)
    # pairs of observations giving the same value, for the independence of votes
    order = np.lexsort((obs_source, obs_cand))
    cands = obs_cand[order]
    starts = np.flatnonzero(np.r_[True, np.diff(cands) != 0])
    sizes = np.diff(np.r_[starts, len(order)])
    left, right = [], []
    for start, size in zip(starts, sizes, strict=True):
        if size > 1:
            members = order[start : start + size]
            grid = np.repeat(members, size), np.tile(members, size)
            keep = grid[0] != grid[1]
            left.append(grid[0][keep])
            right.append(grid[1][keep])
    pair_i = np.concatenate(left) if left else np.zeros(0, dtype=np.int64)
    pair_j = np.concatenate(right) if right else np.zeros(0, dtype=np.int64)

    said = np.full((n_item, n_src), -1, dtype=np.int64)
    said[obs_item, obs_source] = obs_cand
    accuracy = np.full(n_src, settings.prior_accuracy)
    by_kind = np.full((n_src, n_kind), settings.prior_accuracy)
    dependence = np.zeros((n_src, n_src))
    weight = np.ones(len(observations))
    probability: np.ndarray = np.zeros(n_cand)
    near: np.ndarray = np.zeros(n_cand)
    rounds = 0
    trust = _investment_trust(obs_source, obs_cand, cand_item_arr, n_src, n_cand, n_item, settings)
    given_weight = np.array([(source_weight or {}).get(sources[s], 1.0) for s in range(n_src)])
    external = (given_weight * trust**settings.trust_exponent)[obs_source]
    agreements = _agreements(said, settings)
    counts_sk = np.bincount(obs_source * n_kind + obs_kind, minlength=n_src * n_kind).reshape(n_src, n_kind)
    for rounds in range(1, settings.rounds + 1):  # noqa: B007 - the count of rounds is reported
        believed = by_kind[obs_source, obs_kind]
        score = np.log(settings.false_values * believed / (1.0 - believed))
        votes = np.bincount(obs_cand, weights=score * weight * external, minlength=n_cand)
        if len(pa):
            votes = votes + settings.similarity_weight * np.bincount(pa, weights=psim * votes[pb], minlength=n_cand)
        peak = np.maximum.reduceat(votes, item_starts)  # an item's candidates stand together, in item order
        expo = np.exp(votes - peak[cand_item_arr])
        total = np.bincount(cand_item_arr, weights=expo, minlength=n_item)
        probability = expo / total[cand_item_arr]
        near = np.bincount(close_a, weights=probability[close_b], minlength=n_cand)
        right_obs = near[obs_cand]
        fresh = np.bincount(obs_source, weights=right_obs, minlength=n_src) / np.maximum(
            np.bincount(obs_source, minlength=n_src), 1
        )
        fresh = np.clip(fresh, 0.01, 0.99)
        sums = np.bincount(obs_source * n_kind + obs_kind, weights=right_obs, minlength=n_src * n_kind).reshape(
            n_src, n_kind
        )
        shrink = settings.shrinkage
        fresh_kind = np.clip((sums + shrink * fresh[:, None]) / (counts_sk + shrink), 0.01, 0.99)
        change = float(np.max(np.abs(fresh_kind - by_kind)))
        accuracy, by_kind = fresh, fresh_kind
        squares = np.bincount(cand_item_arr, weights=probability**2, minlength=n_item)
        cross = np.bincount(cand_item_arr, weights=probability * (1 - probability), minlength=n_item)
        rest = np.bincount(cand_item_arr, weights=(1 - probability) ** 2, minlength=n_item)
        others = np.maximum(np.bincount(cand_item_arr, minlength=n_item) - 1, 1).astype(float)
        dependence = _dependence(agreements, n_src, (squares, cross, rest, others), accuracy, settings)
        if len(pair_i):
            earlier = (accuracy[obs_source[pair_j]] > accuracy[obs_source[pair_i]]) | (
                (accuracy[obs_source[pair_j]] == accuracy[obs_source[pair_i]])
                & (obs_source[pair_j] < obs_source[pair_i])
            )
            loss = np.log(
                np.clip(1.0 - settings.copy_rate * dependence[obs_source[pair_i], obs_source[pair_j]], 1e-9, 1)
            )
            weight = np.exp(np.bincount(pair_i, weights=np.where(earlier, loss, 0.0), minlength=len(observations)))
        if change < settings.epsilon:
            break
    return _conclude(
        items,
        sources,
        cand_value,
        cand_item_arr,
        item_starts,
        probability,
        said,
        tolerance,
        accuracy,
        dependence,
        rounds,
    )


def _investment_trust(
    obs_source: np.ndarray,
    obs_cand: np.ndarray,
    cand_item: np.ndarray,
    n_src: int,
    n_cand: int,
    n_item: int,
    settings: Settings,
) -> np.ndarray:
    """Each source's trust by PooledInvestment (Pasternack and Roth, COLING 2010), scaled to a maximum of 1.

    A source invests its trust evenly in its claims; a claim's belief grows
    with the investments in it (to the power g, pooled over the item's
    competing values); each investor gets back its share of the claim's
    belief. A value repeated by a crowd pays each of them little, so groups
    that repeat one another lose trust against independent sources, across
    every kind of item at once.
    """
    pairs = np.unique(obs_source * n_cand + obs_cand)
    by_source, by_cand = pairs // n_cand, pairs % n_cand
    claims = np.maximum(np.bincount(by_source, minlength=n_src).astype(float), 1.0)
    trust = np.ones(n_src)
    belief = np.ones(n_cand)
    for _ in range(settings.investment_rounds):
        stake = trust / claims
        invested = np.bincount(by_cand, weights=stake[by_source], minlength=n_cand)
        returns = np.bincount(
            by_source, weights=belief[by_cand] / np.maximum(invested[by_cand], 1e-300), minlength=n_src
        )
        fresh = stake * returns
        pooled = np.bincount(by_cand, weights=(fresh / claims)[by_source], minlength=n_cand)
        grown = pooled**settings.investment_growth
        belief = pooled * grown / np.maximum(np.bincount(cand_item, weights=grown, minlength=n_item)[cand_item], 1e-300)
        trust = fresh / max(float(fresh.max()), 1e-300)
        belief = belief / max(float(belief.max()), 1e-300)
    return trust


def _neighbours(items, cand_item, cand_value, tolerance):  # noqa: ANN001, ANN202
    """Candidates close enough to lend each other votes, and those near enough to count as the same value."""
    pair_a, pair_b, pair_sim = [], [], []
    close = [[c] for c in range(len(cand_value))]
    by_item: dict[int, list[int]] = {}
    for c, it in enumerate(cand_item):
        by_item.setdefault(it, []).append(c)
    for it, members in by_item.items():
        reach = tolerance.get(items[it], 0.0)
        if reach <= 0 or len(members) < 2:
            continue
        for i, a in enumerate(members):
            va = cand_value[a]
            for b in members[i + 1 :]:
                vb = cand_value[b]
                if not isinstance(va, (int, float)) or not isinstance(vb, (int, float)):
                    continue
                gap = abs(float(va) - float(vb))
                if gap <= reach:
                    close[a].append(b)
                    close[b].append(a)
                if gap < 2 * reach:
                    for x, y in ((a, b), (b, a)):
                        pair_a.append(x)
                        pair_b.append(y)
                        pair_sim.append(1.0 - gap / (2 * reach))
    close_a = np.array([a for a, group in enumerate(close) for _ in group], dtype=np.int64)
    close_b = np.array([b for group in close for b in group], dtype=np.int64)
    return (np.array(pair_a, dtype=np.int64), np.array(pair_b, dtype=np.int64), np.array(pair_sim),
            close_a, close_b, by_item)  # fmt: skip


def _first_best(score: np.ndarray, starts: np.ndarray, item_of: np.ndarray) -> np.ndarray:
    """For each item, its candidate with the highest score; a tie goes to the lowest candidate, in sorted order."""
    peak = np.maximum.reduceat(score, starts)
    index = np.arange(len(score))
    return np.minimum.reduceat(np.where(score == peak[item_of], index, len(score)), starts)


def _conclude(
    items, sources, cand_value, cand_item, starts, probability, said, tolerance, accuracy, dependence, rounds
):  # noqa: ANN001, ANN202, PLR0913
    n_src = len(sources)
    best = _first_best(probability, starts, cand_item)
    said_item, said_source = np.nonzero(said >= 0)  # item by item, sources in order
    said_cand = said[said_item, said_source]
    counts = np.bincount(said_cand, minlength=len(cand_value)).astype(float)
    voted = _first_best(counts, starts, cand_item)
    number = np.array(
        [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan for v in cand_value]
    )
    reach = np.array([tolerance.get(item, 0.0) for item in items])
    chosen = best[said_item]
    gap = np.abs(number[said_cand] - number[chosen])
    with np.errstate(invalid="ignore"):
        same = (said_cand == chosen) | (gap <= reach[said_item])
    bounds = np.searchsorted(said_item, np.arange(len(items) + 1))
    names = [sources[s] for s in said_source.tolist()]
    agrees = same.tolist()
    results = []
    vote = {}
    for it, item in enumerate(items):
        lo, hi = int(bounds[it]), int(bounds[it + 1])
        agreeing = [names[k] for k in range(lo, hi) if agrees[k]]
        opposing = [names[k] for k in range(lo, hi) if not agrees[k]]
        top = int(best[it])
        results.append(ItemResult(item, cand_value[top], float(probability[top]), agreeing, opposing))
        vote[item] = cand_value[int(voted[it])]
    copying = [
        (sources[a], sources[b], float(dependence[a, b]))
        for a in range(n_src)
        for b in range(a + 1, n_src)
        if dependence[a, b] > 0.9
    ]
    return Resolution(
        results, {sources[s]: float(accuracy[s]) for s in range(n_src)}, copying, _groups(copying), rounds, vote
    )


@dataclass(frozen=True)
class _Agreements:
    """Which items every two sources both give, and on which they give the same value: fixed across rounds."""

    first: np.ndarray  # the two sources of each pair compared
    second: np.ndarray
    differ: np.ndarray  # items on which the pair gives different values
    pair: np.ndarray  # for each (pair, item) where the two give the same value: the pair's index
    item: np.ndarray  # and the item


def _agreements(said: np.ndarray, settings: Settings) -> _Agreements:
    n_src = said.shape[1]
    given = said >= 0
    first: list[int] = []
    second: list[int] = []
    differ: list[int] = []
    pair: list[np.ndarray] = []
    item: list[np.ndarray] = []
    for a in range(n_src):
        for b in range(a + 1, n_src):
            shared = given[:, a] & given[:, b]
            count = int(shared.sum())
            if count < settings.min_shared:
                continue
            same = np.flatnonzero(shared & (said[:, a] == said[:, b]))
            pair.append(np.full(len(same), len(first), dtype=np.int64))
            item.append(same)
            differ.append(count - len(same))
            first.append(a)
            second.append(b)
    empty = np.zeros(0, dtype=np.int64)
    return _Agreements(
        np.array(first, dtype=np.int64),
        np.array(second, dtype=np.int64),
        np.array(differ, dtype=float),
        np.concatenate(pair) if pair else empty,
        np.concatenate(item) if item else empty,
    )


def _dependence(
    agreements: _Agreements, n_src: int, spread: tuple, accuracy: np.ndarray, settings: Settings
) -> np.ndarray:
    """For every two sources, the posterior probability that one copies the other.

    Two independent sources give the same value on an item with probability
    Σ_v π_a(v)·π_b(v), where π_s(v) — the chance that s gives v — is A(s) for
    the true value and (1 − A(s)) shared among the others, weighted by the
    current probability of each value being true. If one copies the other
    the chance is c + (1 − c) times that. So agreeing where everyone agrees
    says nothing, agreeing where accurate sources would not is evidence of
    copying, and every difference is evidence of independence. The posterior
    follows with prior α.
    """
    out = np.zeros((n_src, n_src))
    if not len(agreements.first):
        return out
    squares, cross, rest, others = (part[agreements.item] for part in spread)
    c, alpha = settings.copy_rate, settings.copy_prior
    a1 = accuracy[agreements.first][agreements.pair]
    a2 = accuracy[agreements.second][agreements.pair]
    p = a1 * a2 * squares + (a1 * (1 - a2) + (1 - a1) * a2) * cross / others + (1 - a1) * (1 - a2) * rest / others**2
    p = np.clip(p, 1e-9, 1.0)
    evidence = np.bincount(agreements.pair, weights=np.log((c + (1 - c) * p) / p), minlength=len(agreements.first))
    log_odds = math.log(alpha / (1 - alpha)) + evidence + agreements.differ * math.log(1 - c)
    posterior = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700.0, 700.0)))
    out[agreements.first, agreements.second] = posterior
    out[agreements.second, agreements.first] = posterior
    return out
