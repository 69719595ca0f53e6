"""Files are never damaged: writes are whole or not at all, never over a change made meanwhile, never lost.

Every command that writes goes through ``checker.formats.files.write_atomically``: a
temporary file in the same folder, flushed, then renamed over the target. The
tests crash that write at each step (in this process, and by killing a child
process in the middle of it), race it with another writer, and run two
``claimcheck ack`` processes at once.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from checker.formats import files
from checker.formats.files import FileChanged, read_for_update, write_atomically

from conftest import ROOT, claim, one_source, run_cli, write_corpus

ORIGINAL = "# kept as it was\nsource: {id: a}\n" + "claims: []\n" * 10


def _leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_write_replaces_the_file_whole_and_keeps_its_mode(tmp_path):
    target = tmp_path / "a.yaml"
    target.write_text(ORIGINAL, "utf-8")
    target.chmod(0o640)
    write_atomically(target, "new\n")
    assert target.read_text("utf-8") == "new\n" and target.stat().st_mode & 0o777 == 0o640
    assert _leftovers(tmp_path) == []


def test_a_file_changed_since_it_was_read_is_not_overwritten(tmp_path):
    target = tmp_path / "a.yaml"
    target.write_text(ORIGINAL, "utf-8")
    _, digest = read_for_update(target)
    target.write_text(ORIGINAL + "# saved by someone else meanwhile\n", "utf-8")
    with pytest.raises(FileChanged):
        write_atomically(target, "mine\n", digest)
    assert target.read_text("utf-8").endswith("meanwhile\n") and _leftovers(tmp_path) == []


@pytest.mark.parametrize("step", ["write", "fsync", "chmod", "replace"])
def test_a_crash_at_any_step_leaves_the_original_intact(tmp_path, monkeypatch, step):
    target = tmp_path / "a.yaml"
    target.write_bytes(ORIGINAL.encode())

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError(f"simulated crash in {step}")

    if step == "write":
        real_fdopen = os.fdopen

        def half_written(fd: int, *args: object, **kwargs: object):  # noqa: ANN202 - a file object
            stream = real_fdopen(fd, *args, **kwargs)  # type: ignore[call-overload]
            real_write = stream.write

            def write(text: str) -> int:
                real_write(text[: len(text) // 2])
                stream.flush()
                raise OSError("simulated crash half way through the text")

            stream.write = write
            return stream

        monkeypatch.setattr(files.os, "fdopen", half_written)
    else:
        monkeypatch.setattr(files.os, step, crash)
    with pytest.raises(OSError):
        write_atomically(target, "a whole new text\n" * 1000)
    assert target.read_bytes() == ORIGINAL.encode() and _leftovers(tmp_path) == []


def test_a_process_killed_in_the_middle_of_a_write_leaves_the_original_intact(tmp_path):
    """A real crash: the child is killed with SIGKILL after writing half of the new text."""
    target = tmp_path / "a.yaml"
    target.write_bytes(ORIGINAL.encode())
    child = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from checker.formats import files
        def stall(fd):
            print("half written", flush=True)
            time.sleep(60)
        files.os.fsync = stall
        files.write_atomically(files.Path({str(target)!r}), "x" * 10_000_000)
        """
    )
    process = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "half written"
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert target.read_bytes() == ORIGINAL.encode()
    # the temporary file a killed process leaves is hidden, beside the target, and never read as a claim file
    assert all(name.startswith(".a.yaml.") for name in _leftovers(tmp_path))


# ------------------------------------------------------ every command that writes


CONFLICT = {
    "a.yaml": one_source("src-a", "2025-07-01", claim("p", "partners", 14, as_of="2025-06-30")),
    "b.yaml": one_source("src-b", "2025-07-02", claim("p", "partners", 10, as_of="2025-06-30")),
}
SETTINGS = '[tool.claimcheck]\nclaims = ["claims"]\nrules = "rules"\nacknowledgements = "acknowledgements.yaml"\n'
ACKS = "# reviewed\nacknowledgements: []\n"
ARTICLE = "Freedonia now has 17 partners, the ministry said.\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write_corpus(tmp_path, CONFLICT)
    (tmp_path / "pyproject.toml").write_text(SETTINGS, "utf-8")
    (tmp_path / "acknowledgements.yaml").write_text(ACKS, "utf-8")
    (tmp_path / "article.txt").write_text(ARTICLE, "utf-8")
    (tmp_path / "claims" / "a.yaml").write_text("# hand-written\n" + (tmp_path / "claims" / "a.yaml").read_text())
    for name in ("report.html", "report.json", "resolved.txt"):
        (tmp_path / name).write_text("the previous report\n", "utf-8")
    return tmp_path


#: commands that rewrite an existing file, and that file
REWRITES = {
    "ack": (["ack", "--all-failing", "--by", "me", "--reason", "reviewed"], "acknowledgements.yaml"),
    "fmt": (["fmt", "claims/a.yaml"], "claims/a.yaml"),
    "extract --merge": (["extract", "article.txt", "--merge", "claims/a.yaml"], "claims/a.yaml"),
    "report -o": (["report", "-o", "report.html"], "report.html"),
    "check -o": (["check", "--format", "json", "-o", "report.json"], "report.json"),
    "resolve -o": (["resolve", "-o", "resolved.txt"], "resolved.txt"),
}


@pytest.mark.parametrize("name", sorted(REWRITES))
def test_every_command_writes_atomically(project, monkeypatch, name):
    """With the final rename failing, every command leaves its target byte-identical (none writes in place)."""
    args, target = REWRITES[name]
    before = (project / target).read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("simulated crash before the rename")

    monkeypatch.setattr(files.os, "replace", crash)
    result = run_cli(project, *args)
    assert result.exit_code != 0 and "simulated crash" in result.output
    assert (project / target).read_bytes() == before
    assert _leftovers(project) == _leftovers(project / "claims") == []


@pytest.mark.parametrize("name", ["fmt", "extract --merge", "ack"])
def test_a_change_made_during_the_command_is_never_overwritten(project, monkeypatch, name):
    """Someone saves the file after the command read it: the command refuses, and their change stays."""
    args, target = REWRITES[name]
    path = project / target
    real = files.write_atomically

    def edited_meanwhile(where: Path, text: str, expected: str | None = None) -> None:
        with open(where, "a", encoding="utf-8") as stream:
            stream.write("# saved meanwhile\n")
        real(where, text, expected)

    monkeypatch.setattr("checker.cli.userfiles.write_atomically", edited_meanwhile)
    if name == "fmt":
        path.write_text(path.read_text("utf-8").replace("id: src-a", "id:    src-a"), "utf-8")  # something to tidy
    result = run_cli(project, *args)
    assert result.exit_code != 0 and "changed since it was read" in result.output
    assert path.read_text("utf-8").endswith("# saved meanwhile\n")


ACKER = """
import sys
sys.path.insert(0, {root!r})
from checker.cli import main
for fingerprint in sys.argv[1:]:
    try:
        main(["ack", fingerprint, "--by", "worker", "--reason", "reviewed"], standalone_mode=False)
    except SystemExit as exc:
        if exc.code:
            raise
"""


@pytest.mark.slow
def test_two_ack_processes_at_once_lose_no_entry(tmp_path):
    values = range(1, 22)  # 21 sources, each its own figure: 210 contradictions to acknowledge
    corpus = {
        f"s{v}.yaml": one_source(f"s{v}", "2025-07-01", claim("p", "partners", v, as_of="2025-06-30")) for v in values
    }
    write_corpus(tmp_path, corpus)
    (tmp_path / "pyproject.toml").write_text(SETTINGS, "utf-8")
    (tmp_path / "acknowledgements.yaml").write_text(ACKS, "utf-8")
    listed = run_cli(tmp_path, "check", "--format", "json")
    fingerprints = sorted(f["fingerprint"] for f in json.loads(listed.stdout)["findings"] if f["subject"])[:20]
    env = {**os.environ, "CLAIMCHECK_TODAY": "2026-06-01"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", ACKER.format(root=str(ROOT)), *share],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for share in (fingerprints[0::2], fingerprints[1::2])
    ]
    for worker in workers:
        _, errors = worker.communicate(timeout=300)
        assert worker.returncode == 0, errors
    text = (tmp_path / "acknowledgements.yaml").read_text("utf-8")
    assert text.startswith("# reviewed\n")
    entries = yaml.safe_load(text)["acknowledgements"]
    assert sorted(entry["fingerprint"] for entry in entries) == fingerprints


# ------------------------------------------------------------------ locks


@pytest.fixture
def lock_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temporary folder, where locks live, made a folder of the test's own."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    return tmp_path / "tmp"


def test_a_lock_is_taken_in_a_private_folder_and_never_through_a_link(lock_home: Path, tmp_path: Path):
    from checker.formats.files import lock_path, locked

    target = tmp_path / "claims.yaml"
    lock = lock_path(target)
    lock.parent.mkdir(mode=0o755)
    outside = tmp_path / "outside" / "victim.txt"
    outside.parent.mkdir()
    lock.symlink_to(outside)
    with locked(target):
        assert lock.is_file() and not lock.is_symlink()
    assert not outside.exists()  # the link was removed, never followed
    assert stat.S_IMODE(lock.parent.stat().st_mode) == 0o700  # a folder of the user's that only they write in


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no fcntl locks")
def test_a_lock_leaves_no_file_and_still_keeps_three_holders_apart(lock_home: Path, tmp_path: Path):
    """The lock file is deleted as the lock is let go; those waiting on the deleted file take the new one, so that
    one holder at a time is in, whatever the order."""
    import threading

    from checker.formats.files import lock_path, locked

    target = tmp_path / "claims.yaml"
    inside: list[int] = []
    overlaps: list[int] = []
    started = threading.Barrier(3)

    def hold(number: int) -> None:
        started.wait()
        for _ in range(20):
            with locked(target):
                inside.append(number)
                if len(inside) > 1:
                    overlaps.append(number)
                threading.Event().wait(0.001)
                inside.remove(number)

    threads = [threading.Thread(target=hold, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert overlaps == []
    assert not lock_path(target).exists() and list(lock_path(target).parent.iterdir()) == []


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="no owners of files")
def test_a_lock_folder_that_is_a_link_or_someone_elses_is_refused(lock_home: Path, tmp_path: Path, monkeypatch):
    from checker.formats.files import Refused, lock_path, locked

    target = tmp_path / "claims.yaml"
    folder = lock_path(target).parent
    (tmp_path / "elsewhere").mkdir()
    folder.symlink_to(tmp_path / "elsewhere")
    with pytest.raises(Refused, match="not a folder"), locked(target):
        pass
    folder.unlink()
    folder.mkdir()
    real = os.getuid()
    monkeypatch.setattr(os, "getuid", lambda: real + 1)
    with pytest.raises(Refused, match="another user"), locked(target):
        pass
    assert list(folder.iterdir()) == []


def test_a_lock_that_cannot_be_had_safely_stops_the_command_with_exit_2(lock_home: Path, tmp_path: Path):
    from checker.formats.files import lock_path

    claims = tmp_path / "project" / "claims"
    claims.mkdir(parents=True)
    (claims / "a.yaml").write_text("source:\n  id: a\n", "utf-8")
    lock_path(claims / "a.yaml").parent.symlink_to(tmp_path)
    done = run_cli(tmp_path / "project", "fmt", "claims/a.yaml")
    assert done.exit_code == 2 and "cannot lock claims/a.yaml" in done.output and "not a folder" in done.output


@pytest.mark.parametrize(
    "count, said",
    [(612, "612 bytes"), (16 * 2**20, "16 MiB"), (17_000_000, "16.2 MiB"), (16 * 2**20 + 1, "16,777,217 bytes")],
)
def test_a_size_over_a_limit_is_never_said_as_the_limit(count, said):
    from checker.formats.files import size_text

    assert size_text(count) == said
