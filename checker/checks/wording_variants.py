"""wording-variants: one named thing under several names, and names that may be missing aliases.

What it flags
    For every entity a claim refers to (its subject, or an entity in its
    value), the names of that entity (its name and aliases in ``rules/``)
    that appear in the claim's quote. When sources call one thing by
    different names ("UN Convention against Cybercrime", "Hanoi Convention
    on Cybercrime"), the variants are listed as information, never as a
    contradiction. When a quote names none of the entity's known names but
    holds a close wording, that wording is suggested as a possible alias.
    Names are compared after folding case, diacritics and punctuation, so
    "Việt Nam" and "Viet Nam" are one wording, not two.

Passing example (no finding)
    Every source says "Hanoi Convention".

Example that yields findings
    One source says "core and regular task", another "critical and regular":
    both are aliases of one term -> variants (info). A third says "core and
    regular duty", which is no alias -> possible alias (info).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Iterator

from pydantic import BaseModel, ConfigDict, Field

from checker.checks.base import Group
from checker.corpus import Resolved
from checker.findings import Problem
from checker.names import fold
from checker.values import Entity, EntitySet

ID = "wording-variants"
PARTITION = "subject"
SEVERITY = {"variants": "info", "possible-alias": "info"}


class Options(BaseModel):
    """Settings of wording-variants."""

    model_config = ConfigDict(extra="forbid")
    similarity: float = Field(85, ge=50, le=100, description="least fuzzy score (0-100) of a possible alias")


def _entities(claim: Resolved) -> list[str]:
    found = [claim.subject]
    if isinstance(claim.value, Entity):
        found.append(claim.value.id)
    elif isinstance(claim.value, EntitySet):
        found.extend(sorted(claim.value.ids))
    return found


def _names(group: Group, entity_id: str) -> list[str]:
    entity = group.vocabulary.entities.get(entity_id)
    if entity is None:
        return [entity_id]
    return [entity.name, *entity.aliases]


_WORD = re.compile(r"[\w’'-]+", re.UNICODE)


@dataclass(frozen=True)
class _Wordings:
    """An entity's names ready to be looked for in quotes: folded once for all the quotes of a subject."""

    longest_first: tuple[tuple[str, str], ...]  # (folded, name) of each name that folds to something
    keys: frozenset[str]  # the folded names
    #: in the order of the names, those long enough to be compared with a quote's words: its words folded and
    #: joined, and the lengths of the runs of words it is compared with (a single word is too weak a match)
    targets: tuple[tuple[str, tuple[int, ...]], ...]


def _wordings(names: list[str]) -> _Wordings:
    """The names of one entity, folded."""
    ordered = sorted(names, key=len, reverse=True)
    targets = []
    for name in names:
        size = len(_WORD.findall(name))
        if len(name) >= 6 and size > 0:  # short names match too much by chance
            target = " ".join(fold(word) for word in _WORD.findall(name))
            targets.append((target, tuple({max(2, size - 1), size, size + 1})))
    return _Wordings(
        tuple((fold(name), name) for name in ordered if fold(name)),
        frozenset(fold(name) for name in names),
        tuple(targets),
    )


def _used(folded_quote: str, wordings: _Wordings) -> dict[str, str]:
    """The names found in the (folded) quote, by folded form: the longest wording of each, and none that is part of
    a longer name found."""
    used: dict[str, str] = {}
    for key, name in wordings.longest_first:
        if key in folded_quote:
            for longer in used:
                if key in longer:
                    break
            else:
                used[key] = name
    return used


def _closest(quote: str, wordings: _Wordings) -> tuple[float, str]:
    """The run of whole words in the quote most like one of the names, and its score (0-100).

    The first run with the highest score wins, trying the names in order, then for each the run lengths, then the
    runs from the start of the quote. The runs of one length are made once for all the names, and rapidfuzz scores
    a name against all its runs in one call, skipping those that cannot beat the best so far.
    """
    from rapidfuzz import fuzz, process  # noqa: PLC0415 - imported only by the runs that compare names

    best = (0.0, "")
    if not wordings.targets:
        return best
    words = _WORD.findall(quote)
    folded = [fold(word) for word in words]
    # a run of words is a slice of the folded words joined: " ".join(folded[start : start + length])
    joined = " ".join(folded)
    starts = list(accumulate((len(word) + 1 for word in folded), initial=0))
    runs: dict[int, list[str]] = {}  # the runs of each length, from the start of the quote
    for target, lengths in wordings.targets:
        choices: list[str] = []
        for length in lengths:
            if length not in runs:  # a quote of fewer words is one run, all of it
                runs[length] = [joined[a : b - 1] for a, b in zip(starts, starts[length:], strict=False)] or [joined]
            choices += runs[length]
        # the first run of the highest score, in the order of the lengths, or None when none reaches the best so far
        found = process.extractOne(target, choices, scorer=fuzz.ratio, score_cutoff=best[0])
        if found is not None and found[1] > best[0]:
            start = found[2]
            for length in lengths:
                if start < len(runs[length]):
                    break
                start -= len(runs[length])
            best = (found[1], " ".join(words[start : start + length]))
    return best


def check(group: Group, options: Options) -> Iterator[Problem]:
    """Report the entities named in more than one way, and close wordings that are no alias."""
    usage: dict[str, dict[str, list[Resolved]]] = {}
    prepared: dict[str, _Wordings] = {}
    for claim in group.claims:
        if claim.claim.id.startswith("implied:"):
            continue
        folded_quote = fold(claim.claim.quote)
        for entity_id in _entities(claim):
            wordings = prepared.get(entity_id)
            if wordings is None:
                wordings = prepared[entity_id] = _wordings(_names(group, entity_id))
            used = _used(folded_quote, wordings)
            for key in used:
                usage.setdefault(entity_id, {}).setdefault(key, []).append(claim)
            if used or entity_id != claim.subject and isinstance(claim.value, EntitySet):
                continue
            score, wording = _closest(claim.claim.quote, wordings)
            if score >= options.similarity and fold(wording) not in wordings.keys:
                entity_name = group.vocabulary.entity_name(entity_id)
                yield Problem(
                    verdict="possible-alias",
                    message=f'"{wording}" may be another name of {entity_name}',
                    # one finding per claim: several claims can hold the same close wording
                    key=(entity_id, fold(wording), claim.source.id, claim.claim.id),
                    note=f"no known name of {entity_name} is in the quote; the closest wording scores {score:.0f}/100",
                    claims=(claim.ref,),
                    metric=claim.metric_id,
                    hint=f'add "{wording}" to the aliases of "{entity_id}" if it names the same thing',
                )
    for entity_id, by_name in sorted(usage.items()):
        if len(by_name) < 2:
            continue
        entity_name = group.vocabulary.entity_name(entity_id)
        named: list[str] = []
        claims: dict[tuple[str, str], Resolved] = {}
        for key, users in sorted(by_name.items()):
            name = next(n for n in _names(group, entity_id) if fold(n) == key)
            sources = sorted({c.source.id for c in users})
            named.append(f'"{name}" ({", ".join(sources)})')
            claims.update({c.key: c for c in users})
        if len({c.source.id for c in claims.values()}) < 2:
            continue  # one source varying its own wording is style, not a discrepancy
        metrics = sorted({c.metric_id for c in claims.values()})
        yield Problem(
            verdict="variants",
            message=f"{entity_name} is named {len(named)} ways",
            key=(entity_id,),
            note="; ".join(named) + ": all names of one entity in rules/, not a disagreement",
            claims=tuple(c.ref for c in sorted(claims.values(), key=lambda c: c.key)),
            # the subject's own names concern all its metrics; a value's names, the metric it is a value of
            metric="" if entity_id == group.subject else metrics[0],
        )
