"""`claimcheck validate` runs the checks that judge each claim by itself (its quote states its value, its quote
stands in the archived text) and compares no claims, in the seeds' domain and the company example's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import ROOT, claim, run_cli, source_block

DOMAINS = {
    # rules, subject, metric, and two values each with the quote that states it
    "seeds": (ROOT / "rules", "vietnam", "strategic_partners", (12, "12 strategic partners"),
              (13, "13 strategic partners")),
    "company": (ROOT / "examples" / "company" / "rules", "halvard-rail", "depots", (12, "twelve depots"),
                (11, "eleven depots")),
}  # fmt: skip


def _folder(tmp_path: Path, domain: str, quotes: list[tuple[Any, str]]) -> Path:
    rules, subject, metric = DOMAINS[domain][:3]
    shutil.copytree(rules, tmp_path / "rules")
    (tmp_path / "claims").mkdir()
    for number, (value, quote) in enumerate(quotes):
        body = dict(claim("c", metric, value, subject=subject, as_of="2025-12-31"), quote=quote)
        document = {"source": source_block(f"s{number}", "2026-01-20"), "claims": [body]}
        (tmp_path / "claims" / f"s{number}.yaml").write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return tmp_path


def _validated(folder: Path) -> tuple[int, list[dict[str, Any]]]:
    done = run_cli(folder, "validate", "claims", "--rules", "rules", "--no-cache", "--format", "json")
    return done.exit_code, json.loads(done.output)["findings"]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_validate_catches_a_quote_that_states_another_value(tmp_path, domain):
    (value, _), (_, other_quote) = DOMAINS[domain][3:]
    code, findings = _validated(_folder(tmp_path, domain, [(value, other_quote)]))
    assert code == 1
    assert [(f["check"], f["verdict"], f["severity"]) for f in findings] == [("quote-value", "unstated", "error")]


@pytest.mark.parametrize("domain", sorted(DOMAINS))
def test_validate_compares_no_claims(tmp_path, domain):
    """The near-miss: two sources that disagree, each quoting its own value rightly, pass validate; check then
    reports their contradiction."""
    folder = _folder(tmp_path, domain, list(DOMAINS[domain][3:]))
    code, findings = _validated(folder)
    assert (code, findings) == (0, [])
    checked = run_cli(folder, "check", "claims", "--rules", "rules", "--no-cache", "--format", "json")
    assert checked.exit_code == 1
    assert "contradiction" in {f["verdict"] for f in json.loads(checked.output)["findings"]}
