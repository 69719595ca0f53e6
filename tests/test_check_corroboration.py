"""corroboration: agreement counted once per origin."""

from __future__ import annotations

import pytest

from conftest import claim, source_block


def _source(source_id: str, origin: str | None, value, **extra):
    block = source_block(source_id, "2026-01-30", **({"origin": origin} if origin else {}))
    return {"source": block, "claims": [claim("c", "partners", value, as_of="2025-12-31", **extra)]}


CASES = [
    # (case, [(source, origin, value, extra)], expected (sources, origins) or None)
    ("one-source-is-no-corroboration", [("a", "ministry", 42, {})], None),
    ("same-origin-twice", [("a", "ministry", 42, {}), ("b", "ministry", 42, {})], (2, 1)),
    ("two-origins", [("a", "ministry", 42, {}), ("b", "press-office", 42, {})], (2, 2)),
    ("no-origin-means-the-source-itself", [("a", None, 42, {}), ("b", None, 42, {})], (2, 2)),
    ("approximate-agreement-counts", [("a", "ministry", 42, {"precision": "nearly"}), ("b", "press-office", 41, {})], (2, 2)),
    ("disagreement-is-not-corroboration", [("a", "ministry", 42, {}), ("b", "press-office", 40, {})], None),
]


@pytest.mark.parametrize("case, sides, expected", CASES, ids=[c[0] for c in CASES])
def test_corroboration(corpus, case, sides, expected):
    files = {f"{s}.yaml": _source(s, origin, value, **extra) for s, origin, value, extra in sides}
    found = [f for f in corpus(files).findings if f.check == "corroboration"]
    if expected is None:
        assert found == []
        return
    (finding,) = found
    sources, origins = expected
    assert len({ref.source for ref in finding.claims}) == sources
    assert len({ref.origin for ref in finding.claims}) == origins
    assert ("not independent" in finding.note) == (origins == 1)
    assert finding.severity == "info"


def test_different_times_do_not_corroborate(corpus):
    files = {
        "a.yaml": {"source": source_block("a", "2025-07-01"), "claims": [claim("c", "partners", 13, as_of="2025-06-30")]},
        "b.yaml": {"source": source_block("b", "2026-01-01"), "claims": [claim("c", "partners", 13, as_of="2025-12-31")]},
    }
    assert [f for f in corpus(files).findings if f.check == "corroboration"] == []
