"""Timelines: values over time across sources, and the most recent well-supported one."""

from __future__ import annotations

import pytest

from conftest import claim, one_source, source_block


def test_timeline_orders_values_and_picks_the_latest_supported(corpus):
    files = {
        "a.yaml": one_source("a", "2025-07-01", claim("c", "partners", 13, as_of="2025-06-30")),
        "b.yaml": one_source("b", "2026-01-12", claim("c", "partners", 14, as_of="2025-12-31")),
        "c.yaml": {"source": source_block("c", None), "claims": [claim("c", "partners", 15, as_of="2026-01/2026-03")]},
    }
    result = corpus(files)
    timeline = result.timeline("freedonia", "partners")
    assert [e.value for e in timeline.entries] == ["13", "14", "15"]
    # 15 comes from an undated source whose time is stated as a span, which counts as stated
    assert timeline.latest.value == "15"


@pytest.mark.parametrize("estimate, latest", [("2025-10/2026-02", "14"), ("2026-01/2026-02", "15")],
                         ids=["overlapping-estimate-loses", "surely-later-estimate-wins"])  # fmt: skip
def test_an_estimated_time_counts_from_where_it_may_begin(corpus, estimate, latest):
    files = {
        "a.yaml": one_source("a", "2026-01-12", claim("c", "partners", 14, as_of="2025-12-31")),
        "b.yaml": {"source": dict(source_block("b", None), undated={"estimate": estimate, "argument": "x"}),
                   "claims": [claim("c", "partners", 15)]},
    }
    timeline = corpus(files).timeline("freedonia", "partners")
    assert [(e.value, e.certain) for e in timeline.entries] == [("15", False), ("14", True)] or [
        (e.value, e.certain) for e in timeline.entries
    ] == [("14", True), ("15", False)]
    assert timeline.latest.value == latest


def test_json_report_carries_timelines(corpus):
    import json

    from checker.reporting import REPORTERS

    files = {
        "a.yaml": one_source("a", "2025-07-01", claim("c", "partners", 13, as_of="2025-06-30")),
        "b.yaml": one_source("b", "2026-01-12", claim("c", "partners", 14, as_of="2025-12-31")),
    }
    document = json.loads(REPORTERS["json"](corpus(files)))
    (timeline,) = document["timelines"]
    assert timeline["metric"] == "partners" and timeline["latest"]["value"] == "14"
    assert [e["end"] for e in timeline["entries"]] == ["2025-06-30", "2025-12-31"]


def test_two_values_as_recent_and_as_well_supported_leave_no_latest(corpus):
    """9 and 14 at one time, one source each, contradict each other: neither is the well-supported value (the
    order of their texts, "9" after "14", once chose 9 for a count that may only grow)."""
    files = {
        "a.yaml": one_source("a", "2025-07-01", claim("c", "partners", 8, as_of="2025-06-30")),
        "b.yaml": one_source("b", "2026-01-12", claim("c", "partners", 9, as_of="2025-12-31")),
        "c.yaml": one_source("c", "2026-01-13", claim("c", "partners", 14, as_of="2025-12-31")),
    }
    assert corpus(files).timeline("freedonia", "partners").latest is None
    files["d.yaml"] = one_source("d", "2026-01-14", claim("c", "partners", 14, as_of="2025-12-31"))
    assert corpus(files).timeline("freedonia", "partners").latest.value == "14"  # two sources against one
