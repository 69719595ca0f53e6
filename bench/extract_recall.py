"""How much of the hand encoding `claimcheck extract` drafts, seed by seed.

For each claim file under claims/ whose archive is at hand, the extractor
drafts candidates from the archived text; a hand-encoded claim counts as
drafted when a candidate's quote overlaps its quote in the text and states
the same value. Recall is the share of hand claims drafted (all of them, and
the numeric ones alone); precision is the share of candidates that match a
hand claim. Prints a table, then one JSON object as the last line.

    python bench/extract_recall.py [--claims claims] [--rules rules]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tabulate import tabulate

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from checker.authoring.extract import Candidate, draft  # noqa: E402
from checker.corpus.claims import Resolved  # noqa: E402
from checker.corpus.provenance import read_archive  # noqa: E402
from checker.corpus.resolver import load_corpus  # noqa: E402
from checker.corpus.values import DateValue, Entity, EntitySet  # noqa: E402
from checker.formats.models import Kind, Range  # noqa: E402
from checker.vocabulary.rules import load_vocabulary  # noqa: E402

NUMERIC = {Kind.count, Kind.number, Kind.amount, Kind.percent}


def _numbers(claim: Resolved) -> set[float]:
    value = claim.claim.value
    if isinstance(value, Range):
        return {float(value.min), float(value.max)}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return {float(value)}
    return set()


def same_value(claim: Resolved, candidate: Candidate) -> bool:
    """True when the candidate states the hand claim's value."""
    if candidate.kind == "number":
        return isinstance(candidate.value, (int, float)) and float(candidate.value) in _numbers(claim)
    if candidate.kind == "date" and isinstance(claim.value, DateValue):
        return str(candidate.value)[:7] == claim.value.span.text[:7] or str(candidate.value) == claim.value.span.text
    if candidate.kind == "holder":
        return isinstance(claim.value, Entity) and claim.value.id == candidate.value
    if candidate.kind == "list" and isinstance(claim.value, EntitySet) and isinstance(candidate.value, list):
        return set(candidate.value) >= set(claim.value.ids) or len(set(candidate.value) & claim.value.ids) >= 2
    return False


def overlaps(claim: Resolved, candidate: Candidate) -> bool:
    """True when the candidate's quote and the hand claim's quote share text."""
    match = claim.quote_match
    return match is not None and match.found and candidate.start < match.end and match.start < candidate.end


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=Path, default=ROOT / "claims")
    parser.add_argument("--rules", type=Path, default=ROOT / "rules")
    args = parser.parse_args()
    vocabulary, _ = load_vocabulary(args.rules)
    corpus = load_corpus([args.claims], vocabulary)
    rows, totals = [], {"hand": 0, "hand_found": 0, "numeric": 0, "numeric_found": 0, "drafts": 0, "drafts_real": 0}
    for source_id, source in sorted(corpus.sources.items()):
        if source.model.archive is None:
            continue
        archive = read_archive((source.file.parent / source.model.archive).resolve())
        if archive is None:
            continue
        published = source.date.start if source.dated and source.date else None  # undated: the text's year
        candidates = draft(archive.original, vocabulary, published)
        hand = [c for c in corpus.claims if c.source.id == source_id and c.claim.derived is None]
        found = [c for c in hand if any(overlaps(c, d) and same_value(c, d) for d in candidates)]
        numeric = [c for c in hand if c.metric.kind in NUMERIC]
        numeric_found = [c for c in numeric if c in found]
        real = [d for d in candidates if any(overlaps(c, d) and same_value(c, d) for c in hand)]
        rows.append([source_id, len(hand), _share(len(found), len(hand)), len(numeric),
                     _share(len(numeric_found), len(numeric)), len(candidates), _share(len(real), len(candidates))])  # fmt: skip
        for key, count in (("hand", hand), ("hand_found", found), ("numeric", numeric), ("numeric_found", numeric_found),
                           ("drafts", candidates), ("drafts_real", real)):  # fmt: skip
            totals[key] += len(count)
    rows.append(["all", totals["hand"], _share(totals["hand_found"], totals["hand"]), totals["numeric"],
                 _share(totals["numeric_found"], totals["numeric"]), totals["drafts"],
                 _share(totals["drafts_real"], totals["drafts"])])  # fmt: skip
    headers = ["source", "hand claims", "recall", "numeric", "numeric recall", "drafts", "precision"]
    print(tabulate(rows, headers=headers, tablefmt="github"))
    summary = {
        "recall": round(totals["hand_found"] / max(1, totals["hand"]), 3),
        "numeric_recall": round(totals["numeric_found"] / max(1, totals["numeric"]), 3),
        "precision": round(totals["drafts_real"] / max(1, totals["drafts"]), 3),
        **totals,
    }
    print(json.dumps(summary))
    return 0


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "-"


if __name__ == "__main__":
    sys.exit(main())
