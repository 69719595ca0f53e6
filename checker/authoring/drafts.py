"""Candidate claims written as a claim file: a new draft, or entries merged into an existing file without losing a comment."""

from __future__ import annotations

import io
import os
from datetime import date
from pathlib import Path
from typing import Optional

from checker.authoring.extract import Candidate, draft, encoded, guess_source, main_subject, slug
from checker.authoring.fmt import appended_to_list, canonical, ended, lf, line_ending, tidy_claim, writer
from checker.authoring.scaffold import modeline
from checker.formats.models import Precision
from checker.formats.yamlio import without_control
from checker.vocabulary.rules import Vocabulary


def claim_entries(candidates: list[Candidate], subject: str, vocabulary: Vocabulary, taken: set[str]) -> list:
    """The candidates as claim mappings (ruamel, with comments on what was guessed)."""
    from ruamel.yaml.comments import CommentedMap

    entries = []
    last: dict[str, int] = {}  # the number each id's base had last: the next of that base is looked for from there
    for candidate in candidates:
        metric = candidate.metric or "unknown-metric"
        base = f"{metric.replace('_', '-')}"[:60]
        number = last.get(base, 1)
        claim_id = base if number == 1 else f"{base}-{number}"
        while claim_id in taken:
            number += 1
            claim_id = f"{base}-{number}"
        last[base] = number
        taken.add(claim_id)
        entry = CommentedMap()
        entry["id"] = claim_id
        entry["subject"] = subject
        entry["metric"] = metric
        entry["value"] = candidate.value
        if candidate.unit:
            entry["unit"] = candidate.unit
        if candidate.precision != Precision.exact:
            entry["precision"] = candidate.precision.value
        if candidate.as_of:
            entry["as_of"] = candidate.as_of
        if candidate.period:
            entry["period"] = candidate.period
        entry["quote"] = DoubleQuoted(without_control(candidate.quote))  # a form feed of a PDF's text: a space
        entry.yaml_add_eol_comment(f"guessed (match {candidate.metric_score:.0f}/100)", "metric")
        key = "period" if candidate.period else "as_of" if candidate.as_of else "quote"
        remarks = ([f'time words: "{candidate.time_words}"'] if candidate.time_words else []) + candidate.notes
        if remarks:
            entry.yaml_add_eol_comment("; ".join(remarks), key)
        entries.append(entry)
    return entries


def DoubleQuoted(text: str):  # noqa: ANN201, N802 - a ruamel scalar type
    """A string that YAML writes in double quotes (quotes are evidence: no folding, no surprises)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


# ------------------------------------------------------------------ whole files


def _dump(document: object) -> str:
    stream = io.StringIO()
    writer().dump(document, stream)
    return stream.getvalue()


def draft_claim_file(
    text: str, text_path: Path, output: Optional[Path], vocabulary: Vocabulary, subject: Optional[str] = None
) -> tuple[str, int]:
    """A new claim file drafted from an article: the text of the file and how many claims it drafts."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    guess = guess_source(text)
    candidates = draft(text, vocabulary, guess.published)
    chosen = subject or main_subject(text, vocabulary) or "unknown-subject"
    source = CommentedMap()
    stamp = guess.published.isoformat() if guess.published else "undated"
    source["id"] = f"{slug(guess.title)}-{stamp}"[:120]
    source["title"] = guess.title
    source["publisher"] = "unknown"
    source.yaml_add_eol_comment("TODO: the outlet, as the text shows it", "publisher")
    source["kind"] = "news-report"
    if guess.published:
        source["published"] = guess.published.isoformat()
        source.yaml_add_eol_comment(f'date line: "{guess.date_line}"', "published")
    else:
        argument = "the text shows no date line"
        if guess.latest_year:
            argument += f"; the latest year it mentions is {guess.latest_year}"
        source["undated"] = CommentedMap(argument=argument)
        source.yaml_add_eol_comment("TODO: add `estimate:` where the text allows one", "undated")
    base = output.resolve().parent if output else Path.cwd()
    source["archive"] = Path(os.path.relpath(text_path.resolve(), base)).as_posix()
    document = CommentedMap()
    document["source"] = source
    document["claims"] = CommentedSeq(claim_entries(candidates, chosen, vocabulary, set()))
    text = (modeline(output, Path.cwd()) if output else "") + _dump(document)
    return canonical(text), len(candidates)  # as `fmt --check` wants it


def merge_into_claim_file(
    existing: str, text: str, vocabulary: Vocabulary, subject: Optional[str] = None
) -> tuple[str, int]:
    """``existing`` with the candidates it does not encode yet appended to its claims, all else untouched."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    from checker.corpus.provenance import ArchivedText, fold_text, locate

    document = writer().load(lf(existing))
    claims = document.get("claims")
    if claims is None:
        claims = document["claims"] = CommentedSeq()
    folded, offsets = fold_text(text)
    archive = ArchivedText(text, folded, offsets)
    known: list[tuple[tuple[int, int], object]] = []
    for claim in claims:
        match = locate(str(claim.get("quote", "")), archive, hint=False)
        if match.found:
            known.append(((match.start, match.end), claim.get("value")))
    published = document.get("source", {}).get("published")
    day = date.fromisoformat(str(published)) if published and len(str(published)) == 10 else None
    fresh = [c for c in draft(text, vocabulary, day) if not encoded(c, known, vocabulary.entity_id)]
    chosen = (
        subject
        or (claims[0].get("subject") if len(claims) else None)
        or main_subject(text, vocabulary)
        or "unknown-subject"
    )
    taken = {str(claim.get("id")) for claim in claims}
    entries = claim_entries(fresh, chosen, vocabulary, taken)
    if not fresh:
        return existing, 0
    for entry in entries:  # as fmt writes them, so that a canonical file stays canonical
        tidy_claim(entry)
    listed = CommentedMap()
    listed["claims"] = CommentedSeq(entries)
    appended = appended_to_list(lf(existing), "claims", _dump(listed))
    if appended is None:  # no block list of claims to add to: the document is written again, its comments kept
        claims.extend(entries)
        appended = _dump(document)
    return ended(appended, line_ending(existing)), len(fresh)
