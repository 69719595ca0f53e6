"""`claimcheck resolve`: the best supported value of every item, from claim files.

An item is a subject's metric at one time (the span a claim refers to). Each
source's claim about it is an observation; the publisher is the source whose
accuracy and copying are estimated (several snapshots of one site are one
source). Numbers of a metric that declares ``within`` are equal within it.
For each stock metric, the timeline's most recent well-supported value says
which figure is best supported now.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from checker.engine import no_cycle_collection
from checker.fusion import Observation, Resolution, resolve
from checker.jsontext import pretty
from checker.plural import counted
from checker.result import Result


@dataclass
class Resolved:
    """What resolve found, ready to report."""

    resolution: Resolution
    labels: dict[tuple, str]
    now: list[dict[str, Any]]


def observations(result: Result) -> tuple[list[Observation], dict, dict, dict]:
    """The claims of a run as observations, with the tolerance and kind of each item, and value labels."""
    found = []
    tolerance: dict = {}
    kinds: dict = {}
    labels: dict = {}
    metrics = result.vocabulary.metrics
    for claim in result.corpus.rows:
        item = (claim.subject, claim.metric, claim.time, claim.scope)
        labels[(item, claim.value)] = claim.text
        found.append(Observation(item, claim.publisher, claim.value))
        kinds[item] = claim.metric
        within = metrics[claim.metric].within
        if within:
            tolerance[item] = float(within)
    return found, tolerance, kinds, labels


def run_resolve(result: Result) -> Resolved:
    """Resolve every item of a run, and the most recent well-supported value of each stock metric."""
    with no_cycle_collection():
        found, tolerance, kinds, labels = observations(result)
        resolution = resolve(found, tolerance, group_of=kinds)
    now = [
        {
            "subject": t.subject,
            "metric": t.metric,
            "value": t.latest.value,
            "time": t.latest.time,
            "sources": list(t.latest.sources),
            "origins": list(t.latest.origins),
        }  # fmt: skip
        for t in result.timelines
        if t.latest is not None and len({(e.start, e.end) for e in t.entries}) > 1  # values at several times
    ]
    return Resolved(resolution, labels, now)


def to_json(resolved: Resolved) -> str:
    """The resolution as JSON: items, sources' accuracy, copying groups, and the values best supported now."""
    items = []
    for item in resolved.resolution.items:
        key: tuple = item.item  # type: ignore[assignment]
        subject, metric, when, scope = key
        items.append(
            {
                "subject": subject,
                "metric": metric,
                "time": when,
                "scope": dict(scope),
                "value": resolved.labels.get((item.item, item.value), str(item.value)),
                "confidence": round(item.confidence, 4),
                "supporting": item.supporting,
                "opposing": item.opposing,
            }
        )
    document = {
        "items": items,
        "sources": {name: round(value, 4) for name, value in sorted(resolved.resolution.accuracy.items())},
        "copying": [{"sources": [a, b], "probability": round(p, 4)} for a, b, p in resolved.resolution.copying],
        "groups": resolved.resolution.groups,
        "best_supported_now": resolved.now,
        "rounds": resolved.resolution.rounds,
    }
    return pretty(document)


def to_text(resolved: Resolved, limit: int = 50) -> str:
    """The resolution for a terminal: contested items first, then sources and copying groups."""
    from tabulate import tabulate

    contested = sorted((i for i in resolved.resolution.items if i.opposing), key=lambda i: (i.confidence, repr(i.item)))

    def key(entry) -> tuple:  # noqa: ANN001
        return entry.item  # type: ignore[no-any-return]

    rows = [
        [
            f"{key(i)[0]} · {key(i)[1]}",
            key(i)[2],
            resolved.labels.get((i.item, i.value), str(i.value)),
            f"{i.confidence:.2f}",
            len(i.supporting),
            len(i.opposing),
        ]  # fmt: skip
        for i in contested[:limit]
    ]
    items = counted(len(resolved.resolution.items), "item")
    out = [f"{items}, {len(contested)} contested; the least certain first:", ""]
    out.append(
        tabulate(
            rows, headers=["item", "time", "best supported", "confidence", "for", "against"], disable_numparse=True
        )
    )
    out += ["", "Sources by estimated accuracy:"]
    ranked = sorted(resolved.resolution.accuracy.items(), key=lambda kv: (-kv[1], kv[0]))
    out.append(tabulate([[name, f"{value:.3f}"] for name, value in ranked], headers=["source", "accuracy"]))
    if resolved.resolution.groups:
        out += ["", "Sources that appear to copy one another (their votes are discounted):"]
        out += [f"  {', '.join(group)}" for group in resolved.resolution.groups]
    if resolved.now:
        out += ["", "Best supported now (the latest well-supported value of each timeline):"]
        out += [
            f"  {n['subject']} · {n['metric']}: {n['value']} ({n['time']}; {', '.join(n['sources'])})"
            for n in resolved.now[:limit]
        ]
        if len(resolved.now) > limit:
            out.append(f"  … and {len(resolved.now) - limit} more (--format json lists them all)")
    return "\n".join(out) + "\n"
