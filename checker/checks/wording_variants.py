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

    On a table of claims, the quotes are folded and searched for the names
    of the entities they refer to all at once; only a quote that names
    none of an entity's names is compared with them word by word.

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
from typing import TYPE_CHECKING, Iterator, Optional

from pydantic import Field

from checker.checks.base import CheckOptions, Group
from checker.corpus.claims import Resolved
from checker.corpus.values import Entity, EntitySet
from checker.model.findings import Problem
from checker.model.names import fold
from checker.vocabulary.rules import Vocabulary

if TYPE_CHECKING:
    import polars as pl

    from checker.checks.base import Table

ID = "wording-variants"
PARTITION = "subject"
SEVERITY = {"variants": "info", "possible-alias": "info"}


class Options(CheckOptions):
    """Settings of wording-variants."""

    similarity: float = Field(85, ge=50, le=100, description="least fuzzy score (0-100) of a possible alias")


def _entities(claim: Resolved) -> list[str]:
    found = [claim.subject]
    if isinstance(claim.value, Entity):
        found.append(claim.value.id)
    elif isinstance(claim.value, EntitySet):
        found.extend(sorted(claim.value.ids))
    return found


def _names(vocabulary: Vocabulary, entity_id: str) -> list[str]:
    entity = vocabulary.entities.get(entity_id)
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


def _possible_alias(
    claim: Resolved, entity_id: str, wordings: _Wordings, options: Options, vocabulary: Vocabulary
) -> Optional[Problem]:
    """The close wording of an entity in a claim's quote that names none of its known names, if there is one."""
    score, wording = _closest(claim.claim.quote, wordings)
    if score < options.similarity or fold(wording) in wordings.keys:
        return None
    entity_name = vocabulary.entity_name(entity_id)
    return Problem(
        verdict="possible-alias",
        message=f'"{wording}" may be another name of {entity_name}',
        # one finding per claim: several claims can hold the same close wording
        key=(entity_id, fold(wording), claim.source.id, claim.claim.id),
        note=f"no known name of {entity_name} is in the quote; the closest wording scores {score:.0f}/100",
        claims=(claim.ref,),
        metric=claim.metric_id,
        hint=f'add "{wording}" to the aliases of "{entity_id}" if it names the same thing',
    )


def _variants(
    vocabulary: Vocabulary, entity_id: str, sources: dict[str, list[str]], claims: list[Resolved], metric: str
) -> Problem:
    """The finding of an entity named in several ways: the sources of each of its folded names found (sorted), the
    claims that name it (in order) and the metric the finding is about."""
    entity_name = vocabulary.entity_name(entity_id)
    names = _names(vocabulary, entity_id)
    named = []
    for key, users in sorted(sources.items()):
        name = next(n for n in names if fold(n) == key)
        named.append(f'"{name}" ({", ".join(users)})')
    return Problem(
        verdict="variants",
        message=f"{entity_name} is named {len(named)} ways",
        key=(entity_id,),
        note="; ".join(named) + ": all names of one entity in rules/, not a disagreement",
        claims=tuple(c.ref for c in claims),
        metric=metric,
    )


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
                wordings = prepared[entity_id] = _wordings(_names(group.vocabulary, entity_id))
            used = _used(folded_quote, wordings)
            for key in used:
                usage.setdefault(entity_id, {}).setdefault(key, []).append(claim)
            if used or entity_id != claim.subject and isinstance(claim.value, EntitySet):
                continue
            problem = _possible_alias(claim, entity_id, wordings, options, group.vocabulary)
            if problem is not None:
                yield problem
    for entity_id, by_name in sorted(usage.items()):
        if len(by_name) < 2:
            continue
        claims = {c.key: c for users in by_name.values() for c in users}
        if len({c.source.id for c in claims.values()}) < 2:
            continue  # one source varying its own wording is style, not a discrepancy
        sources = {key: sorted({c.source.id for c in users}) for key, users in by_name.items()}
        ordered = sorted(claims.values(), key=lambda c: c.key)
        # the subject's own names concern all its metrics; a value's names, the metric it is a value of
        metric = "" if entity_id == group.subject else min(c.metric_id for c in ordered)
        yield _variants(group.vocabulary, entity_id, sources, ordered, metric)


def _folded_quotes(frame: pl.DataFrame) -> pl.Expr:
    """The quotes of ``frame`` folded as :func:`fold` folds them, all at once.

    Folding a text folds each of its characters on its own: the marks that
    decomposing one character yields and that could move past those of the
    next are all dropped, and casefolding looks at no neighbour. So each
    character that folding changes (the ASCII ones and those found in the
    quotes) is replaced by its folded form in one pass over all the quotes.
    """
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    found = frame.select(pl.col("quote").str.extract_all(r"[^\x00-\x7F]").explode().drop_nulls().unique())
    characters = [chr(code) for code in range(128)] + found.to_series().to_list()
    changed = [(character, fold(character)) for character in characters]
    changed = [(character, folded) for character, folded in changed if folded != character]
    if not changed:
        return pl.col("quote")
    return pl.col("quote").str.replace_many([c for c, _ in changed], [f for _, f in changed])


def _names_table(
    entities: list[str], vocabulary: Vocabulary
) -> tuple[dict[str, _Wordings], pl.DataFrame, pl.DataFrame]:
    """The wordings of each entity; its distinct folded names (``key``); and for each, the folded names tried
    before it (longest first) that hold it (``by``): a name is used in a quote unless one of those is found too."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    prepared = {entity_id: _wordings(_names(vocabulary, entity_id)) for entity_id in entities}
    keys: list[tuple[str, str]] = []
    held: list[tuple[str, str, str]] = []
    for entity_id, wordings in prepared.items():
        tried: list[str] = []
        for key, _ in wordings.longest_first:
            if key in tried:
                continue  # the same folded name again: _used keeps the first
            keys.append((entity_id, key))
            held.extend((entity_id, key, longer) for longer in tried if key in longer)
            tried.append(key)
    names = pl.DataFrame(keys, schema={"entity": pl.String, "key": pl.String}, orient="row")
    holders = pl.DataFrame(held, schema={"entity": pl.String, "key": pl.String, "by": pl.String}, orient="row")
    return prepared, names, holders


def check_table(table: Table, options: Options) -> Iterator[tuple[str, str, Problem]]:
    """:func:`check` on every subject of a table at once: the quotes are folded and searched for every name of
    every entity they refer to in bulk, and the variants grouped; only the claims whose quote names none of an
    entity's names are compared word by word with its names, as :func:`check` compares them."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    frame = table.frame.filter(~pl.col("claim").str.starts_with("implied:"))
    # the entities a claim refers to, as _entities() lists them: its subject, then those of its value, read from
    # the value's key ("entity:id", or "set:id,id[:all]" with the ids sorted; an id holds no comma nor colon)
    value_key = pl.col("value_key")
    in_value = (
        pl.when(pl.col("kind") == "entity")
        .then(value_key.str.strip_prefix("entity:").str.split(","))
        .when(pl.col("kind") == "set")
        .then(value_key.str.strip_prefix("set:").str.strip_suffix(":all").str.split(","))
        .otherwise(pl.lit([], dtype=pl.List(pl.String)))
    )
    pairs = (
        frame.select(
            "row",
            "subject",
            "metric",
            "source",
            "claim",
            "kind",
            entity=pl.concat_list("subject", in_value),
            folded=_folded_quotes(frame),
        )
        .explode("entity")
        .with_columns(pair=pl.int_range(pl.len(), dtype=pl.UInt32))
    )
    prepared, names, holders = _names_table(pairs.get_column("entity").unique().to_list(), table.vocabulary)
    found = (
        pairs.select("pair", "entity", "folded")
        .join(names, on="entity")
        .filter(pl.col("folded").str.contains(pl.col("key"), literal=True))
        .select("pair", "entity", "key")
    )
    # a name found is passed over when a longer one that holds it, tried before it, is found too
    held = found.join(holders, on=["entity", "key"]).join(found.select("pair", by="key"), on=["pair", "by"], how="semi")
    used = found.join(held, on=["pair", "key"], how="anti")
    # a quote that names none of the names of an entity (of a list of entities, none of the list's own) is compared
    # with its names word by word, as check() compares it
    unnamed = pairs.join(found, on="pair", how="anti").filter(
        (pl.col("entity") == pl.col("subject")) | (pl.col("kind") != "set")
    )
    for row, entity_id in unnamed.sort("pair").select("row", "entity").iter_rows():
        claim = table.claims[row]
        problem = _possible_alias(claim, entity_id, prepared[entity_id], options, table.vocabulary)
        if problem is not None:
            yield claim.subject, "", problem
    users = used.join(pairs.select("pair", "row", "subject", "source", "claim", "metric"), on="pair")
    yield from _all_variants(table, users.drop("pair"))


def _all_variants(table: Table, users: pl.DataFrame) -> Iterator[tuple[str, str, Problem]]:
    """The variants of every subject, from the names found in the quotes: one row per claim, entity and name
    (``key``), with the claim's subject, source, claim id and metric."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    # an entity named in several ways by one source alone is passed over: style, not a discrepancy
    varied = (
        users.group_by("subject", "entity")
        .agg(ways=pl.col("key").n_unique(), sources=pl.col("source").n_unique())
        .filter((pl.col("ways") >= 2) & (pl.col("sources") >= 2))
    )
    users = users.join(varied, on=["subject", "entity"], how="semi")
    sources: dict[tuple[str, str], dict[str, list[str]]] = {}
    by_name = users.group_by("subject", "entity", "key").agg(pl.col("source").unique())
    for subject, entity_id, key, named_by in by_name.iter_rows():
        sources.setdefault((subject, entity_id), {})[key] = sorted(named_by)
    claims = (
        users.unique(["subject", "entity", "row"])
        .sort("subject", "entity", "source", "claim")
        .group_by("subject", "entity", maintain_order=True)
        .agg("row", pl.col("metric").min())
    )
    for subject, entity_id, rows, metric in claims.iter_rows():
        # the subject's own names concern all its metrics; a value's names, the metric it is a value of
        on = "" if entity_id == subject else metric
        problem = _variants(table.vocabulary, entity_id, sources[subject, entity_id], table.at(rows), on)
        yield subject, "", problem
