"""stale-figure: an outdated figure repeated as current after a newer one was published."""

from __future__ import annotations

import pytest

from conftest import claim, findings_of, one_source

CASES = [
    # (case, A (published, claim), B (published, claim), stale expected, value-conflict verdicts)
    ("newer-and-higher-is-fine", ("2025-07-01", claim("a", "partners", 13, as_of="2025-06-30")),
     ("2026-01-12", claim("b", "partners", 14)), False, ["timing"]),
    ("old-figure-repeated-as-current", ("2026-01-12", claim("a", "partners", 14, as_of="2025-12-31")),
     ("2026-02-01", claim("b", "partners", 13)), True, []),
    ("explicit-later-date-is-a-contradiction", ("2026-01-12", claim("a", "partners", 14, as_of="2025-12-31")),
     ("2026-02-01", claim("b", "partners", 13, as_of="2026-01-31")), False, ["contradiction"]),
    ("published-before-cannot-be-stale", ("2026-01-12", claim("a", "partners", 14, as_of="2025-12-31")),
     ("2026-01-10", claim("b", "partners", 13)), False, ["contradiction"]),
    ("free-metric-is-never-stale", ("2026-01-12", claim("a", "level", 14, as_of="2025-12-31")),
     ("2026-02-01", claim("b", "level", 13)), False, ["timing"]),
]


@pytest.mark.parametrize("case, a, b, stale, conflicts", CASES, ids=[c[0] for c in CASES])
def test_stale(corpus, case, a, b, stale, conflicts):
    files = {"a.yaml": one_source("src-a", a[0], a[1]), "b.yaml": one_source("src-b", b[0], b[1])}
    result = corpus(files)
    found = findings_of(result, "stale-figure")
    assert len(found) == int(stale)
    assert [f.verdict for f in findings_of(result, "value-conflict")] == conflicts
    if stale:
        assert "12 January 2026" in found[0].note and "1 February 2026" in found[0].note
        assert found[0].severity == "warning"
