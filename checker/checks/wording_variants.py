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


def _used(quote: str, names: list[str]) -> list[str]:
    """The names found in the quote, the longest wording of each folded form."""
    folded_quote = fold(quote)
    used: dict[str, str] = {}
    for name in sorted(names, key=len, reverse=True):
        key = fold(name)
        if key and key in folded_quote and not any(key in longer for longer in used):
            used[key] = name
    return list(used.values())


_WORD = re.compile(r"[\w’'-]+", re.UNICODE)


def _closest(quote: str, names: list[str]) -> tuple[float, str]:
    """The run of whole words in the quote most like one of the names, and its score (0-100)."""
    from rapidfuzz import fuzz  # noqa: PLC0415 - imported only by the runs that compare names

    words = _WORD.findall(quote)
    folded = [fold(word) for word in words]
    best = (0.0, "")
    for name in names:
        size = len(_WORD.findall(name))
        if len(name) < 6 or size == 0:
            continue  # short names match too much by chance
        target = " ".join(fold(word) for word in _WORD.findall(name))
        for length in {max(2, size - 1), size, size + 1}:  # a single word is too weak a match
            for start in range(0, max(0, len(words) - length) + 1):
                score = fuzz.ratio(target, " ".join(folded[start : start + length]))
                if score > best[0]:
                    best = (score, " ".join(words[start : start + length]))
    return best


def check(group: Group, options: Options) -> Iterator[Problem]:
    """Report the entities named in more than one way, and close wordings that are no alias."""
    usage: dict[str, dict[str, list[Resolved]]] = {}
    for claim in group.claims:
        if claim.claim.id.startswith("implied:"):
            continue
        for entity_id in _entities(claim):
            names = _names(group, entity_id)
            used = _used(claim.claim.quote, names)
            for name in used:
                usage.setdefault(entity_id, {}).setdefault(fold(name), []).append(claim)
            if used or entity_id != claim.subject and isinstance(claim.value, EntitySet):
                continue
            score, wording = _closest(claim.claim.quote, names)
            if score >= options.similarity and fold(wording) not in {fold(n) for n in names}:
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
        wordings = []
        claims: dict[tuple[str, str], Resolved] = {}
        for key, users in sorted(by_name.items()):
            name = next(n for n in _names(group, entity_id) if fold(n) == key)
            sources = sorted({c.source.id for c in users})
            wordings.append(f'"{name}" ({", ".join(sources)})')
            claims.update({c.key: c for c in users})
        if len({c.source.id for c in claims.values()}) < 2:
            continue  # one source varying its own wording is style, not a discrepancy
        metrics = sorted({c.metric_id for c in claims.values()})
        yield Problem(
            verdict="variants",
            message=f"{entity_name} is named {len(wordings)} ways",
            key=(entity_id,),
            note="; ".join(wordings) + ": all names of one entity in rules/, not a disagreement",
            claims=tuple(c.ref for c in sorted(claims.values(), key=lambda c: c.key)),
            # the subject's own names concern all its metrics; a value's names, the metric it is a value of
            metric="" if entity_id == group.subject else metrics[0],
        )
