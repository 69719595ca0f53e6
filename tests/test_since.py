"""`report --since REV` and `check --since REV` open with what changed against a git revision: findings new since
then, findings resolved, findings whose verdict changed; on a repository made here with two commits."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import claim, one_source, run_cli, write_corpus

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def _commit(folder: Path, message: str) -> None:
    _git(folder, "add", "-A")
    _git(folder, "-c", "user.name=Desk", "-c", "user.email=desk@example.invalid", "commit", "-q", "-m", message)


@pytest.fixture
def repository(tmp_path):
    """A repository made with :func:`two_commits`."""
    return two_commits(tmp_path)


def two_commits(tmp_path: Path) -> Path:
    """Two commits. The first: 13 partners as of mid-2025 and 14 at the end (timing), and a minister named by two
    sources. The second: the 14 moves to March 2025, before the 13 of a count that may only grow (the timing
    becomes a contradiction), a third source names another minister at the same time (a new contradiction), and
    the second minister claim goes (the corroboration of the minister is resolved)."""
    a = one_source("src-a", "2025-07-01", claim("p", "partners", 13, as_of="2025-06-30"),
                   claim("m", "minister", "rufus", as_of="2025-06-30"))  # fmt: skip
    b = one_source("src-b", "2026-01-12", claim("p", "partners", 14, as_of="2025-12-31"),
                   claim("m", "minister", "rufus", as_of="2025-06-30"))  # fmt: skip
    write_corpus(tmp_path, {"a.yaml": a, "b.yaml": b})
    _git(tmp_path, "init", "-q")
    _commit(tmp_path, "first")
    b = one_source("src-b", "2026-01-12", claim("p", "partners", 14, as_of="2025-03-31"))
    c = one_source("src-c", "2026-01-20", claim("m", "minister", "chicolini", as_of="2025-06-30"))
    (tmp_path / "claims" / "b.yaml").write_text(yaml.safe_dump(b, sort_keys=False), "utf-8")
    (tmp_path / "claims" / "c.yaml").write_text(yaml.safe_dump(c, sort_keys=False), "utf-8")
    _commit(tmp_path, "second")
    return tmp_path


def _block(text: str, start: str) -> list[str]:
    """The lines of a report's block from its heading (a line starting with ``start``) to the next blank line."""
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.lstrip("#= ").startswith(start))
    block = []
    for line in lines[at + 1 :]:
        if not line.strip():
            if block:
                break
            continue
        block.append(line)
    return block


def test_the_text_report_of_check_since_opens_with_what_changed(repository):
    done = run_cli(repository, "check", "--since", "HEAD~1", "--format", "text")
    assert done.exit_code == 1, done.output
    first = _git_short(repository, "HEAD~1")
    assert f"== Since {first}: 1 new finding, 1 verdict changed, 1 resolved " in done.output
    lines = _block(done.output, f"Since {first}")
    kinds = [line.split(":")[0] for line in lines if not line.startswith(" ")]
    assert kinds == ["new", "changed", "resolved"]
    said = "\n".join(lines)
    assert "changed: timing → contradiction — Freedonia — partners: 14 (src-b, as of 2025-03-31) vs 13" in said
    assert "resolved: corroboration — Freedonia — foreign minister" in said
    assert said.index("new:") < done.output.index("== Freedonia")  # it opens the report


def test_the_markdown_report_links_each_change_to_its_finding(repository):
    done = run_cli(repository, "report", "--since", "HEAD~1", "--format", "markdown")
    assert done.exit_code == 0, done.output
    text = done.output
    first = _git_short(repository, "HEAD~1")
    lines = _block(text, f"Since {first}")
    assert len(lines) == 3 and lines[0].startswith("- **new**: contradiction — [Freedonia — foreign minister](#f-")
    anchors = set(re.findall(r'<a id="(f-[0-9a-f]{16})"></a>', text))
    linked = re.findall(r"\]\(#(f-[0-9a-f]{16})\)", "\n".join(lines))
    assert len(linked) == 2 and set(linked) <= anchors  # new and changed ones link; a resolved one is gone
    assert text.index(f"Since {first}") < text.index("| verdict | open findings |")


def test_the_html_report_opens_with_what_changed(repository):
    done = run_cli(repository, "report", "--since", "HEAD~1", "-o", "report.html")
    assert done.exit_code == 0, done.output
    page = (repository / "report.html").read_text("utf-8")
    changes = page[page.index('<section class="changes"') : page.index("</section>")]
    assert changes.count('class="kind k-new"') == 1 and changes.count("k-changed") == 1
    for target in re.findall(r'href="#(f-[0-9a-f]{16})"', changes):
        assert f'id="{target}"' in page
    assert page.index('<section class="changes"') < page.index('<div class="cards">')


def test_nothing_changed_says_so(repository):
    done = run_cli(repository, "report", "--since", "HEAD", "--format", "text")
    assert f"Since {_git_short(repository, 'HEAD')}: nothing new, nothing resolved, no verdict changed" in done.output


def test_a_revision_git_does_not_know_is_an_error(repository):
    done = run_cli(repository, "report", "--since", "no-such-revision", "--format", "text")
    assert done.exit_code == 2
    assert 'git knows no commit "no-such-revision"' in done.output


def test_without_since_no_report_speaks_of_changes(repository):
    for fmt in ("text", "markdown"):
        done = run_cli(repository, "report", "--format", fmt)
        assert "Since " not in done.output


def _git_short(folder: Path, revision: str) -> str:
    done = subprocess.run(["git", "rev-parse", "--short", revision], cwd=folder, check=True, capture_output=True)
    return done.stdout.decode().strip()


def test_the_job_summary_of_check_since_opens_with_what_changed(repository, tmp_path_factory):
    summary = tmp_path_factory.mktemp("runner") / "summary.md"
    done = run_cli(repository, "check", "--since", "HEAD~1", "--format", "github",
                   env={"GITHUB_STEP_SUMMARY": str(summary)})  # fmt: skip
    assert done.exit_code == 1
    text = summary.read_text("utf-8")
    first = _git_short(repository, "HEAD~1")
    assert f"#### Since {first}: 1 new finding, 1 verdict changed, 1 resolved" in text
    assert text.index("#### Since") < text.index("**Needs attention**")


def test_the_revision_is_read_as_a_run_reads_the_tree(repository):
    """Files a run passes over or refuses now (a hidden folder, a file that is not UTF-8) are passed over or
    refused alike at the revision: with nothing changed since, nothing is new or resolved."""
    hidden = repository / "claims" / ".drafts"
    hidden.mkdir()
    draft = one_source("draft", "2026-01-13", claim("p", "partners", 99, as_of="2025-06-30"))
    (hidden / "draft.yaml").write_text(yaml.safe_dump(draft, sort_keys=False), "utf-8")
    (repository / "claims" / "latin.yaml").write_bytes(b"source: {id: caf\xe9}\n")
    _commit(repository, "third")
    done = run_cli(repository, "report", "--since", "HEAD", "--format", "text")
    assert "nothing new, nothing resolved, no verdict changed" in done.output


def test_claims_outside_the_repository_are_checked_and_the_report_says_why_it_cannot_compare(
    repository, tmp_path_factory
):
    outside = tmp_path_factory.mktemp("elsewhere")
    shutil.copytree(repository / "claims", outside / "claims")
    done = run_cli(repository, "report", str(outside / "claims"), "--since", "HEAD~1", "--format", "text",
                   "--allow-path", str(outside))  # fmt: skip
    assert done.exit_code == 0
    assert "does not say what changed since HEAD~1" in done.output and "outside the repository" in done.output
    assert "CONTRADICTION" in done.output  # the run itself goes on


def test_a_rules_folder_the_revision_does_not_have_is_said_not_judged_empty(repository):
    """The rules moved since the revision: the claims then, read with no rules, would give only unknown names, and
    every finding of today would look new. The report says it cannot compare; the run itself goes on."""
    _git(repository, "mv", "rules", "vocabulary")
    _commit(repository, "third")
    done = run_cli(repository, "check", "--rules", "vocabulary", "--since", "HEAD~1", "--no-cache")
    assert "does not say what changed since HEAD~1" in done.output and "did not exist" in done.output
    assert "resolved:" not in done.output and "CONTRADICTION" in done.output
