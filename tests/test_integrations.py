"""The CI integrations, tested as far as they run here: the action's script, the snippets, the pre-commit hook."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ci_schemas import assert_valid_sarif
from conftest import ROOT, claim, one_source, write_corpus

CONFLICT = {
    "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
    "b.yaml": one_source("src-b", "2026-01-12", claim("p", "partners", 13, as_of="2025-12-31")),
}
BIN = str(Path(sys.executable).parent)


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CLAIMCHECK_"))}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.update(extra)
    return env


@pytest.fixture
def project(tmp_path):
    write_corpus(tmp_path, CONFLICT)
    (tmp_path / "pyproject.toml").write_text('[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\n', "utf-8")
    return tmp_path


def test_action_declares_what_its_script_reads():
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    assert action["runs"]["using"] == "composite"
    steps = action["runs"]["steps"]
    script_step = next(step for step in steps if step.get("id") == "check")
    script = (ROOT / "ci" / "github-action.sh").read_text("utf-8")
    for variable in script_step["env"]:
        assert variable in script
    for value in script_step["env"].values():
        name = re.fullmatch(r"\$\{\{ inputs\.([\w-]+) \}\}", value).group(1)
        assert name in action["inputs"]
    assert any(step.get("uses", "").startswith("github/codeql-action/upload-sarif") for step in steps)


@pytest.mark.slow
def test_action_script_step(project, tmp_path):
    outputs, summary = tmp_path / "outputs.txt", tmp_path / "summary.md"
    env = _env(
        CLAIMCHECK_SARIF="claimcheck.sarif", CLAIMCHECK_FAIL_ON="error", CLAIMCHECK_ARGS="--strict",
        GITHUB_OUTPUT=str(outputs), GITHUB_STEP_SUMMARY=str(summary),
    )  # fmt: skip
    done = subprocess.run(["bash", str(ROOT / "ci" / "github-action.sh")], cwd=project, env=env, capture_output=True, text=True)
    assert done.returncode == 0  # the step itself never fails: the action's last step does, after the upload
    assert "exit-code=1" in outputs.read_text("utf-8")
    assert done.stdout.startswith("::error file=claims/")
    assert_valid_sarif(json.loads((project / "claimcheck.sarif").read_text("utf-8")))  # made by another process
    assert "### claimcheck: discrepancy report" in summary.read_text("utf-8")


def _snippet(language: str, containing: str) -> str:
    text = (ROOT / "docs" / "ci.md").read_text("utf-8")
    blocks = re.findall(rf"```{language}\n(.*?)```", text, re.S)
    return next(block for block in blocks if containing in block)


@pytest.mark.slow
def test_gitlab_snippet_runs_and_writes_its_reports(project):
    job = yaml.safe_load(_snippet("yaml", "codequality"))["claimcheck"]
    reports = job["artifacts"]["reports"]
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "base")
    (project / "claims" / "c.yaml").write_text(yaml.safe_dump(one_source("src-c", "2026-01-12", claim("v", "visits", 3, period="2025"))), "utf-8")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "a merge request adds a source")
    for command in job["script"]:
        if command.startswith("pip install"):
            continue  # installed already
        done = subprocess.run(["bash", "-c", command], cwd=project, env=_env(), capture_output=True, text=True)
        assert done.returncode in (0, 1), done.stderr
    assert (project / reports["junit"]).exists() and (project / reports["codequality"]).exists()


def test_github_snippet_uses_the_action_inputs():
    workflow = yaml.safe_load(_snippet("yaml", "pull_request"))
    action = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    step = next(s for s in workflow["jobs"]["claimcheck"]["steps"] if "claimcheck" in s.get("uses", ""))
    assert set(step["with"]) <= set(action["inputs"])


def test_hook_manifest_is_valid_yaml_with_ids():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert [hook["id"] for hook in hooks] == ["claimcheck", "claimcheck-fmt"]
    assert all(hook["entry"].startswith("claimcheck ") for hook in hooks)


def _git(folder: Path, *args: str) -> str:
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@t")
    return subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True, text=True, env=env).stdout


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("pre-commit", path=BIN + os.pathsep + os.environ.get("PATH", "")) is None,
                    reason="pre-commit is not installed")  # fmt: skip
def test_pre_commit_runs_the_hook_on_a_repository(project, tmp_path):
    """pre-commit itself installs the hook from this repository's manifest and runs it."""
    if not (ROOT / ".git").exists():
        pytest.skip("the project is not a git checkout")
    _git(project, "init", "-q")
    _git(project, "add", "-A")
    _git(project, "commit", "-qm", "claims")
    env = _env(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"), PIP_DISABLE_PIP_VERSION_CHECK="1")
    command = [os.path.join(BIN, "pre-commit"), "try-repo", str(ROOT), "claimcheck", "--all-files"]
    failed = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "CONTRADICTION" in failed.stdout
    body = yaml.safe_load((project / "claims" / "b.yaml").read_text("utf-8"))
    body["claims"][0].update(value=15, quote="it says 15")
    (project / "claims" / "b.yaml").write_text(yaml.safe_dump(body), "utf-8")
    _git(project, "add", "-A")
    passed = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=900)
    assert passed.returncode == 0, passed.stdout + passed.stderr
