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

Copying is judged only from beliefs that were formed without it: steps 2–3
first repeat with every vote counted in full until the accuracies settle,
and only then do steps 2–5 repeat with copying. Judged from the first
round's belief, which is little more than a majority, copy detection locks
the majority in: a minority that agrees with itself on values the majority
contradicts seems to share false values, its votes are discounted as
copies, and it loses further. On one day of the flight data alone that trap
took the method to 0.11 on actual departure while plain voting had 0.29;
with the settled start it has 0.99 (see ``bench/flights.py --per-day``).

Everything is deterministic: sources, items and values are processed in
sorted order, and ties are broken by value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Optional, Sequence

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


@dataclass(frozen=True)
class Columns:
    """Observations as columns: for each, the codes of its item, source and value in the lists of distinct ones.

    ``reach`` says, for each item, how far apart two numbers may be and still be
    one value; ``kind`` names each item's kind (a metric), so that a source's
    accuracy is estimated per kind as well as overall. The observations are
    taken in (item, source) order wherever sums are made, so the same
    observations give the same figures to the last digit in any order (two
    values one source gives for one item stay in the order they came in).
    """

    items: Sequence[Hashable]
    sources: Sequence[str]
    values: Sequence[object]
    item: np.ndarray
    source: np.ndarray
    value: np.ndarray
    reach: Optional[np.ndarray] = None  # per item; None: no tolerance anywhere
    kind: Optional[Sequence[Hashable]] = None  # per item; None: one kind


def resolve(
    observations: Sequence[Observation],
    tolerance: Optional[dict[Hashable, float]] = None,
    settings: Settings = Settings(),
    group_of: Optional[dict[Hashable, Hashable]] = None,
    source_weight: Optional[dict[str, float]] = None,
) -> Resolution:
    """The best supported value of every item, from observations one by one (see :func:`resolve_columns`).

    ``tolerance`` maps an item to how far apart two numbers may be and still be one value; ``group_of`` maps an
    item to its kind (a metric), so that a source's accuracy is estimated per kind as well as overall.
    """
    items: dict[Hashable, int] = {}
    sources: dict[str, int] = {}
    values: dict[tuple[int, object], int] = {}  # an item's values, told apart as a set would (1 and 1.0 are one)
    item = np.fromiter((items.setdefault(o.item, len(items)) for o in observations), np.int64, len(observations))
    source = np.fromiter((sources.setdefault(o.source, len(sources)) for o in observations), np.int64, len(item))
    value = np.fromiter(
        (values.setdefault((i, o.value), len(values)) for i, o in zip(item.tolist(), observations, strict=True)),
        np.int64,
        len(item),
    )
    reach = np.array([(tolerance or {}).get(it, 0.0) for it in items], dtype=float)
    kind = [(group_of or {}).get(it, "") for it in items]
    columns = Columns(list(items), list(sources), [v for _, v in values], item, source, value, reach, kind)
    return resolve_columns(columns, settings, source_weight)


def _ranks(keys: Sequence[Any], present: np.ndarray, key: Callable[[Any], Any]) -> tuple[np.ndarray, list]:
    """The rank of each present key in sorted order (-1 for the others), and the present keys in that order."""
    chosen = sorted(np.flatnonzero(present).tolist(), key=lambda at: key(keys[at]))
    rank = np.full(len(keys), -1, dtype=np.int64)
    rank[chosen] = np.arange(len(chosen))
    return rank, [keys[at] for at in chosen]


def _value_order(value: object) -> tuple[str, object]:
    return str(type(value)), value


def resolve_columns(
    columns: Columns, settings: Settings = Settings(), source_weight: Optional[dict[str, float]] = None
) -> Resolution:
    """The best supported value of every item.

    Sources, items (by their repr) and each item's values are taken in sorted
    order, so the result depends neither on the order of the distinct lists nor
    on that of the observations.
    """
    n_obs = len(columns.item)
    if n_obs == 0:  # nothing stated: nothing to resolve, and no source to judge
        return Resolution([], {}, [], [])
    seen = np.zeros(len(columns.items), dtype=bool)
    seen[columns.item] = True
    item_rank, items = _ranks(columns.items, seen, repr)
    seen = np.zeros(len(columns.sources), dtype=bool)
    seen[columns.source] = True
    source_rank, sources = _ranks(columns.sources, seen, lambda name: name)
    seen = np.zeros(len(columns.values), dtype=bool)
    seen[columns.value] = True
    value_rank, ordered_values = _ranks(columns.values, seen, _value_order)
    # the observations in (item, source) order, and as they came among a source's values of one item: every sum is
    # then made in the same order, whatever the order they come in
    # (a source that gives one item several values: by value, so that the order they come in changes nothing)
    canonical = np.lexsort((value_rank[columns.value], source_rank[columns.source], item_rank[columns.item]))
    obs_item = item_rank[columns.item][canonical]
    obs_source = source_rank[columns.source][canonical]
    # a candidate is a value of an item: in item order, and in value order within an item
    pairs, obs_cand = _distinct(obs_item * max(len(ordered_values), 1) + value_rank[columns.value][canonical])
    cand_item_arr = pairs // max(len(ordered_values), 1)
    cand_value = [ordered_values[at] for at in (pairs % max(len(ordered_values), 1)).tolist()]
    at_item = np.flatnonzero(item_rank >= 0)
    by_rank = at_item[np.argsort(item_rank[at_item])]  # the item of each rank, as an index into columns.items
    reach = columns.reach[by_rank] if columns.reach is not None else np.zeros(len(items))
    item_kinds = [columns.kind[at] for at in by_rank.tolist()] if columns.kind is not None else [""] * len(items)
    kinds = sorted(set(item_kinds), key=repr)
    kind_at = {k: i for i, k in enumerate(kinds)}
    item_kind = np.array([kind_at[k] for k in item_kinds], dtype=np.int64)
    item_starts = np.flatnonzero(np.r_[True, np.diff(cand_item_arr) != 0])
    n_cand, n_src, n_item, n_kind = len(cand_value), len(sources), len(items), len(kinds)
    obs_kind = item_kind[obs_item]

    pa, pb, psim, close_a, close_b = _neighbours(cand_item_arr, item_starts, cand_value, reach)
    copies = _copies(obs_cand, obs_source, n_src)

    said = np.full((n_item, n_src), -1, dtype=np.int64)
    chosen = _most_said(obs_item, obs_source, obs_cand)
    said[obs_item[chosen], obs_source[chosen]] = obs_cand[chosen]
    accuracy = np.full(n_src, settings.prior_accuracy)
    by_kind = np.full((n_src, n_kind), settings.prior_accuracy)
    dependence = np.zeros((n_src, n_src))
    weight = np.ones(n_obs)
    probability: np.ndarray = np.zeros(n_cand)
    near: np.ndarray = np.zeros(n_cand)
    rounds = 0
    trust = _investment_trust(obs_source, obs_cand, cand_item_arr, n_src, n_cand, n_item, settings)
    given_weight = np.array([(source_weight or {}).get(sources[s], 1.0) for s in range(n_src)])
    external = (given_weight * trust**settings.trust_exponent)[obs_source]
    agreements = _agreements(said, settings)
    counts_sk = np.bincount(obs_source * n_kind + obs_kind, minlength=n_src * n_kind).reshape(n_src, n_kind)
    # copying is judged only once the accuracies have settled with every vote counted in full (see the module's
    # docstring): ``independent`` is that first stage, ``since`` counts the rounds of the stage under way
    independent, since = True, 0
    for rounds in range(1, 2 * settings.rounds + 1):  # noqa: B007 - the count of rounds is reported
        since += 1
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
        if independent:
            if change >= settings.epsilon and since < settings.rounds:
                continue
            independent, since = False, 0
        squares = np.bincount(cand_item_arr, weights=probability**2, minlength=n_item)
        cross = np.bincount(cand_item_arr, weights=probability * (1 - probability), minlength=n_item)
        rest = np.bincount(cand_item_arr, weights=(1 - probability) ** 2, minlength=n_item)
        others = np.maximum(np.bincount(cand_item_arr, minlength=n_item) - 1, 1).astype(float)
        dependence = _dependence(agreements, n_src, (squares, cross, rest, others), accuracy, settings)
        if copies.slots:
            # what a vote of source a loses to the same vote of source b: b is the likelier original (more
            # accurate, or as accurate and first) and a may have copied it; the same for every such pair of votes
            mine, theirs = accuracy[:, None], accuracy[None, :]
            earlier = (theirs > mine) | ((theirs == mine) & (np.arange(n_src)[None, :] < np.arange(n_src)[:, None]))
            loss = np.log(np.clip(1.0 - settings.copy_rate * dependence, 1e-9, 1))
            discount = np.where(earlier, loss, 0.0).ravel()[copies.sources]
            sums = np.r_[np.bincount(copies.place, weights=discount, minlength=copies.slots), 0.0]
            weight = np.empty(n_obs)
            weight[copies.order] = np.exp(sums[copies.slot])  # slot -1: the 0.0 at the end
        if since and (change < settings.epsilon or since >= settings.rounds):  # not before one round with them
            break
    del agreements, copies, weight, external  # the rounds' own arrays: let go before the conclusion makes its own
    return _conclude(
        items,
        sources,
        cand_value,
        cand_item_arr,
        item_starts,
        probability,
        said,
        reach,
        accuracy,
        dependence,
        rounds,
    )


def _distinct(codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes in order, and for each code its number among them (np.unique, by sorting)."""
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]] if len(codes) else np.zeros(0, dtype=bool)
    number = np.empty(len(codes), dtype=np.int64)
    number[order] = np.cumsum(first) - 1
    return ordered[first], number


@dataclass(frozen=True)
class _Copies:
    """The observations that give the same value of an item, for the independence of votes: fixed across rounds.

    An observation's discount sums, over each other observation of its
    candidate (in the candidate's order: by source), what its source loses to
    that one's. So it depends only on the sequence of the candidate's sources
    and the observation's place in it: the sums are made once for each
    distinct sequence and place (a slot), term by term in the same order.
    """

    order: np.ndarray  # the observations by candidate, then by source (then in their order)
    slot: np.ndarray  # in that order, each one's slot; -1 alone in its candidate
    place: np.ndarray  # every term of every slot: the slot
    sources: np.ndarray  # and the two sources, as one code (the slot's · n_src + the other's)
    slots: int


def _copies(obs_cand: np.ndarray, obs_source: np.ndarray, n_src: int) -> _Copies:
    order = np.lexsort((obs_source, obs_cand))
    cands = obs_cand[order]
    source = obs_source[order]
    starts = np.flatnonzero(np.r_[True, np.diff(cands) != 0]) if len(cands) else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.r_[starts, len(order)])
    first_slot = np.full(len(starts), -1, dtype=np.int64)  # each candidate's sequence's first slot
    places, codes = [np.zeros(0, dtype=np.int64)], [np.zeros(0, dtype=np.int64)]
    slots = 0
    for size in np.unique(sizes[sizes > 1]).tolist():  # candidates of one size: their sequences as rows
        which = np.flatnonzero(sizes == size)
        rows = source[starts[which][:, None] + np.arange(size)]
        distinct, number = np.unique(rows, axis=0, return_inverse=True)
        first_slot[which] = slots + number.reshape(-1) * size
        mine, other = np.nonzero(~np.eye(size, dtype=bool))  # each place with every other, in order
        base = slots + np.arange(len(distinct))[:, None] * size
        places.append((base + mine).ravel())
        codes.append((distinct[:, mine] * n_src + distinct[:, other]).ravel())
        slots += len(distinct) * size
    within = np.arange(len(order)) - np.repeat(starts, sizes)
    slot = np.where(np.repeat(first_slot, sizes) >= 0, np.repeat(first_slot, sizes) + within, -1)
    return _Copies(order, slot, np.concatenate(places), np.concatenate(codes), slots)


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
    pairs, _ = _distinct(obs_source * n_cand + obs_cand)
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


def _neighbours(
    cand_item: np.ndarray, item_starts: np.ndarray, cand_value: Sequence[Any], reach: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Candidates close enough to lend each other votes (with how much), and those near enough to count as the same
    value: each candidate first, then the others in order (the order their shares are summed in)."""
    n_cand = len(cand_value)
    if not n_cand:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0), empty, empty
    numeric = np.fromiter((isinstance(v, (int, float)) for v in cand_value), dtype=bool, count=n_cand)
    number = np.fromiter(
        (float(v) if ok else 0.0 for v, ok in zip(cand_value, numeric.tolist(), strict=True)), np.float64, n_cand
    )
    item_end = np.repeat(np.r_[item_starts[1:], n_cand], np.diff(np.r_[item_starts, n_cand]))
    # every two candidates of one item, a before b, where the item has a tolerance and both are numbers
    after = np.where(numeric & (reach[cand_item] > 0), item_end - np.arange(n_cand) - 1, 0)
    a = np.repeat(np.arange(n_cand), after)
    b = a + 1 + np.arange(len(a)) - np.repeat(np.cumsum(after) - after, after)
    both = numeric[b]
    a, b = a[both], b[both]
    gap = np.abs(number[a] - number[b])
    span = reach[cand_item[a]]  # one item's
    close = gap <= span
    similar = gap < 2 * span
    self = np.arange(n_cand)
    close_a, close_b, _ = _both_ways(a[close], b[close], gap[close])
    pair_a, pair_b, pair_gap = _both_ways(a[similar], b[similar], gap[similar])
    sim = 1.0 - pair_gap / (2 * reach[cand_item[pair_a]])
    return pair_a, pair_b, sim, np.r_[self, close_a], np.r_[self, close_b]


def _both_ways(a: np.ndarray, b: np.ndarray, gap: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The pairs (a, b) and (b, a) with their gap, ordered by their first and then their second member."""
    first, second = np.r_[a, b], np.r_[b, a]
    order = np.lexsort((second, first))
    return first[order], second[order], np.r_[gap, gap][order]


def _most_said(obs_item: np.ndarray, obs_source: np.ndarray, obs_cand: np.ndarray) -> np.ndarray:
    """For each (item, source), the observation of the value the source gives the item most often (a tie: the
    first in value order), as indices into the observations, which are in (item, source, value) order: a source
    that gives one item two values is taken at its word where it repeats itself, never at the last row read."""
    if len(obs_item) == 0:
        return np.zeros(0, dtype=np.int64)
    new_pair = np.r_[True, (np.diff(obs_item) != 0) | (np.diff(obs_source) != 0)]
    new_value = new_pair | np.r_[True, np.diff(obs_cand) != 0]
    value_starts = np.flatnonzero(new_value)
    counts = np.diff(np.r_[value_starts, len(obs_item)])
    pair_of = np.cumsum(new_pair)[value_starts] - 1  # the (item, source) of each run of one value
    pair_starts = np.flatnonzero(np.r_[True, np.diff(pair_of) != 0])
    peak = np.maximum.reduceat(counts, pair_starts)
    runs = np.arange(len(value_starts))
    first_peak = np.minimum.reduceat(np.where(counts == peak[pair_of], runs, len(runs)), pair_starts)
    return value_starts[first_peak]


def _first_best(score: np.ndarray, starts: np.ndarray, item_of: np.ndarray) -> np.ndarray:
    """For each item, its candidate with the highest score; a tie goes to the lowest candidate, in sorted order."""
    peak = np.maximum.reduceat(score, starts)
    index = np.arange(len(score))
    return np.minimum.reduceat(np.where(score == peak[item_of], index, len(score)), starts)


def _conclude(items, sources, cand_value, cand_item, starts, probability, said, reach, accuracy, dependence, rounds):  # noqa: ANN001, ANN202, PLR0913
    n_src = len(sources)
    best = _first_best(probability, starts, cand_item)
    said_item, said_source = np.nonzero(said >= 0)  # item by item, sources in order
    said_cand = said[said_item, said_source]
    counts = np.bincount(said_cand, minlength=len(cand_value)).astype(float)
    voted = _first_best(counts, starts, cand_item)
    number = np.array(
        [float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else np.nan for v in cand_value]
    )
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


#: about how many agreements a run of them holds (see _Agreements): each round's terms are made a run at a time
_RUN = 1 << 18


@dataclass(frozen=True)
class _Agreements:
    """Which items every two sources both give, and on which they give the same value: fixed across rounds.

    The agreements (each a pair and an item where the two give the same value)
    come in runs of whole pairs, so that a round makes its terms for one run
    at a time rather than for millions at once; a pair's sum is made within
    its run, term by term in the same order, so runs change no figure.
    """

    first: np.ndarray  # the two sources of each pair compared
    second: np.ndarray
    differ: np.ndarray  # items on which the pair gives different values
    #: each run: its first pair, how many pairs it holds, and for each agreement in it the pair (counted from the
    #: run's first) and the item
    runs: list[tuple[int, int, np.ndarray, np.ndarray]]


def _agreements(said: np.ndarray, settings: Settings) -> _Agreements:
    n_src = said.shape[1]
    given = said >= 0
    first: list[int] = []
    second: list[int] = []
    differ: list[int] = []
    runs: list[tuple[int, int, np.ndarray, np.ndarray]] = []
    pair: list[np.ndarray] = []
    item: list[np.ndarray] = []
    begun, held = 0, 0  # the current run's first pair, and its agreements so far

    def close() -> None:
        # kept in four bytes each, and widened a run at a time where they index (as numpy's indices are wide)
        runs.append((begun, len(first) - begun, np.concatenate(pair), np.concatenate(item).astype(np.int32)))
        pair.clear()
        item.clear()

    for a in range(n_src):
        for b in range(a + 1, n_src):
            shared = given[:, a] & given[:, b]
            count = int(shared.sum())
            if count < settings.min_shared:
                continue
            same = np.flatnonzero(shared & (said[:, a] == said[:, b]))
            pair.append(np.full(len(same), len(first) - begun, dtype=np.int32))
            item.append(same)
            differ.append(count - len(same))
            first.append(a)
            second.append(b)
            held += len(same)
            if held >= _RUN:
                close()
                begun, held = len(first), 0
    if len(first) > begun:
        close()
    return _Agreements(
        np.array(first, dtype=np.int64),
        np.array(second, dtype=np.int64),
        np.array(differ, dtype=float),
        runs,
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
    c, alpha = settings.copy_rate, settings.copy_prior
    # p = a1·a2·squares + (a1·(1 − a2) + (1 − a1)·a2)·cross / others + (1 − a1)·(1 − a2)·rest / others², agreement
    # by agreement: the terms of each pair and of each item made once, in three arrays reused step by step
    a1, a2 = accuracy[agreements.first], accuracy[agreements.second]
    both, either, neither = a1 * a2, a1 * (1 - a2) + (1 - a1) * a2, (1 - a1) * (1 - a2)
    squares, cross, rest, others = spread
    squared = others**2
    evidence = np.zeros(len(agreements.first))
    for begun, count, narrow_pair, narrow_item in agreements.runs:
        pairs = slice(begun, begun + count)
        pair, item = narrow_pair.astype(np.intp), narrow_item.astype(np.intp)
        p, term, part = np.empty(len(pair)), np.empty(len(pair)), np.empty(len(pair))
        np.take(both[pairs], pair, out=p)
        p *= np.take(squares, item, out=part)
        np.take(either[pairs], pair, out=term)
        term *= np.take(cross, item, out=part)
        term /= np.take(others, item, out=part)
        p += term
        np.take(neither[pairs], pair, out=term)
        term *= np.take(rest, item, out=part)
        term /= np.take(squared, item, out=part)
        p += term
        np.clip(p, 1e-9, 1.0, out=p)
        np.multiply(p, 1 - c, out=term)
        term += c
        term /= p
        evidence[pairs] = np.bincount(pair, weights=np.log(term, out=term), minlength=count)
    log_odds = math.log(alpha / (1 - alpha)) + evidence + agreements.differ * math.log(1 - c)
    posterior = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700.0, 700.0)))
    out[agreements.first, agreements.second] = posterior
    out[agreements.second, agreements.first] = posterior
    return out
