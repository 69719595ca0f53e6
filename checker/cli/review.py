"""`claimcheck ack`: reviewed findings written into the acknowledgements file, or renewed there."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import click

from checker.authoring.scaffold import modeline
from checker.cli import options, userfiles
from checker.corpus.result import Result
from checker.formats.loading import display_path
from checker.formats.settings import ConfigError
from checker.gate import acks
from checker.gate.policy import Policy, failing
from checker.model.findings import place_key, said_at
from checker.model.plural import counted
from checker.pipeline import (
    CheckRequest,
    RequestError,
    execute,
    load_settings,
    today_from_environment,
)


@click.command()
@click.argument("fingerprints", nargs=-1)
@click.option("--reason", required=True, help="Why the discrepancy is acceptable (required).")
@click.option("--by", "reviewer", help="Who reviewed it (required, but with --renew: by default the earlier reviewer).")
@click.option("--expires", type=click.DateTime(formats=["%Y-%m-%d"]), help="Last day it holds (default: in 180 days).")
@click.option("--all-failing", is_flag=True, help="Acknowledge every finding that fails the run now.")
@click.option("--renew", is_flag=True, help="Review the acknowledgements of these fingerprints again: a new reason, "
              "today's date and a new expiry; nothing else in the file changes.")  # fmt: skip
@options.rules
@click.option("--acknowledgements", type=click.Path(path_type=Path), help="The file to add to.")
@options.allow
def ack(fingerprints, reason, reviewer, expires, all_failing, renew, rules, acknowledgements, allow_paths) -> None:  # noqa: ANN001
    """Acknowledge current findings by fingerprint, touching nothing else in the file."""
    if renew:
        _renew(list(fingerprints), reason, reviewer, expires, rules, acknowledgements, allow_paths)
        return
    if not reviewer:
        raise click.UsageError("say who reviewed the findings with --by NAME")
    result = _findings_now(rules, allow_paths)
    try:
        config = load_settings()
        today = today_from_environment()
    except (RequestError, ConfigError) as exc:
        raise userfiles.CannotRun(str(exc)) from None
    findings = {f.fingerprint: f for f in result.findings if f.subject}
    chosen = []
    if all_failing:
        chosen = failing(result.findings, Policy(fail_on=result.fail_on))
        chosen = [f for f in chosen if f.subject]
    problems = {f.fingerprint for f in result.findings if not f.subject}
    for fingerprint in fingerprints:
        if fingerprint in problems:
            raise click.UsageError(
                f"{fingerprint} is an input problem (a file or claim that cannot be read or resolved), which cannot "
                "be acknowledged: fix the input it names"
            )
        if fingerprint not in findings:
            raise click.UsageError(
                f"no current finding has fingerprint {fingerprint} (see claimcheck check --format json)"
            )
        if findings[fingerprint].status == "acknowledged":
            raise click.UsageError(f"{fingerprint} is already acknowledged")
        chosen.append(findings[fingerprint])
    if not chosen:
        raise click.UsageError("name fingerprints to acknowledge, or --all-failing")
    until = expires.date() if expires else today + timedelta(days=180)
    if until < today:
        raise click.UsageError(f"--expires {until} is in the past")
    path = acknowledgements or config.acknowledgements or acks.acknowledged_path_default(config.path)
    # the run judged with the project's acknowledgements: the file written to may be another one
    written, _ = acks.read(path)
    there = {entry.fingerprint for entry, _ in written.entries} if written is not None else set()
    again = "to review an entry again (one that expired, say), use ack --renew"
    for fingerprint in fingerprints:
        if fingerprint in there:
            raise click.UsageError(f"{fingerprint} is already acknowledged in {display_path(path)}: {again}")
    chosen = [finding for finding in chosen if finding.fingerprint not in there]  # --all-failing: those not there
    if not chosen:
        raise click.UsageError(f"every failing finding is already acknowledged in {display_path(path)}: {again}")
    entries = acks.new_entries(chosen, reason, reviewer, today, until)
    given = acknowledgements is not None
    userfiles.may_write(path, allow_paths, given)
    with userfiles.locking(path):
        existing, fingerprint = userfiles.read_for_editing(path) if path.exists() else (None, None)
        try:
            text = acks.add_entries(existing, entries, modeline(path, Path.cwd(), "acknowledgements"))
        except Exception as exc:  # noqa: BLE001 - broken YAML, or a file of another shape: said at its place
            raise _unchangeable(path, exc) from None
        userfiles.write_or_fail(path, text, fingerprint, allow_paths, given)
    click.echo(f"{counted(len(entries), 'acknowledgement')} added to {display_path(path)}, until {until}", err=True)


def _unchangeable(path: Path, failure: Exception) -> userfiles.CannotRun:
    """Why entries cannot be added to (or renewed in) an acknowledgements file: its problems at their places, as
    check reports them; the reader's own words when it finds none."""
    shown = display_path(path)
    problems = [problem for problem in acks.read(path)[1] if problem.severity == "error"]
    lines = [said_at(problem) for problem in sorted(problems, key=place_key)]
    if not lines:
        first = userfiles.first_words(failure)
        lines = [f"{shown}: {first}"]
    these = "this is" if len(lines) == 1 else "these are"
    return userfiles.CannotRun("\n".join([*lines, f"{shown}: cannot be changed until {these} fixed; nothing written"]))


def _findings_now(rules: Path | None, allow_paths: tuple[Path, ...]) -> Result:
    """The run of a check of the project as it is now, for `ack` (no report made); exit 2 when it cannot run, or
    when its rules have errors: findings judged with broken rules are no findings to review and accept (as
    `extract` refuses to draft with them)."""
    try:
        request = CheckRequest(
            rules=rules, acknowledgements=None, formats=("json",), allow_paths=tuple(allow_paths), reports=False
        )
        outcome = execute(request)
    except (RequestError, ConfigError) as exc:
        raise userfiles.CannotRun(str(exc)) from None
    assert outcome.result is not None
    broken = sorted((f for f in outcome.result.rules_findings if f.severity == "error"), key=place_key)
    if broken:
        shown = [said_at(f) for f in broken[:5]] + ([f"... and {len(broken) - 5} more"] if len(broken) > 5 else [])
        raise userfiles.CannotRun("\n".join([*shown, "the rules have errors: fix them before acknowledging findings"]))
    return outcome.result


def _renew(fingerprints: list[str], reason: str, reviewer: str | None, expires: Any, rules: Path | None,
           acknowledgements: Path | None, allow_paths: tuple[Path, ...]) -> None:  # fmt: skip
    """`ack --renew`: the entries of ``fingerprints`` reviewed again, until a new day."""
    if not fingerprints:
        raise click.UsageError("name the fingerprints of the acknowledgements to renew")
    try:
        config = load_settings()
        today = today_from_environment()
    except (RequestError, ConfigError) as exc:
        raise userfiles.CannotRun(str(exc)) from None
    until = expires.date() if expires else today + timedelta(days=180)
    if until < today:
        raise click.UsageError(f"--expires {until} is in the past")
    path = acknowledgements or config.acknowledgements or acks.acknowledged_path_default(config.path)
    if not path.is_file():
        raise userfiles.CannotRun(f"{display_path(path)} does not exist: there is no acknowledgement to renew")
    # what the findings say now, so that the entries record what was reviewed again
    now = _findings_now(rules, allow_paths).findings
    now_said = {f.fingerprint: acks.said(f) for f in now if f.subject and f.fingerprint in fingerprints}
    given = acknowledgements is not None
    userfiles.may_write(path, allow_paths, given)
    with userfiles.locking(path):
        existing, fingerprint = userfiles.read_for_editing(path)
        try:
            text = acks.renew_entries(existing, fingerprints, reason, reviewer, today, until, now_said)
        except acks.NotAcknowledged as exc:
            if any(problem.severity == "error" for problem in acks.read(path)[1]):  # it may stand where unreadable
                raise _unchangeable(path, exc) from None
            raise click.UsageError(f"{display_path(path)}: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - as in ack
            raise _unchangeable(path, exc) from None
        userfiles.write_or_fail(path, text, fingerprint, allow_paths, given)
    click.echo(
        f"{counted(len(fingerprints), 'acknowledgement')} renewed in {display_path(path)}, until {until}", err=True
    )
