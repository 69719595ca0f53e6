"""Hostile inputs that are built when a test runs instead of being stored in git.

Some inputs git cannot hold faithfully (FIFOs, sockets, symbolic links that
loop or lead outside), some are too big to keep (files over the size limit,
which are made sparse here so that they cost no disk), and some are bytes an
editor or a checkout could quietly "fix" (invalid or mixed encodings,
byte-order marks, control characters). Each builder writes its input into a
project folder and returns the path, relative to the project, of the file the
expected finding names.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Callable

#: a valid claim file, line by line; builders change one thing in it
HEAD = "source:\n  id: hostile\n  title: A hostile file\n  publisher: Nobody\n  kind: news-report\n  published: 2025-07-01\nclaims:\n"
CLAIM = "  - id: c1\n    subject: freedonia\n    metric: partners\n    value: 12\n    as_of: 2025-06-30\n    quote: it says 12\n"
VALID = (HEAD + CLAIM).encode("utf-8")
MIB = 1024 * 1024

Builder = Callable[[Path], Path]
BUILDERS: dict[str, Builder] = {}


def builder(function: Builder) -> Builder:
    """Register a builder under its name, with dashes."""
    BUILDERS[function.__name__.replace("_", "-")] = function
    return function


def _claim_file(project: Path, name: str, data: bytes) -> Path:
    path = project / "claims" / name
    path.write_bytes(data)
    return path.relative_to(project)


def _outside(project: Path) -> Path:
    """A folder beside the project, outside the repository, holding a file nobody should read."""
    folder = project.parent / "outside"
    folder.mkdir(exist_ok=True)
    (folder / "secret.yaml").write_text("token: do-not-read\n", "utf-8")
    (folder / "secret.txt").write_text("a secret that must not reach a report\n", "utf-8")
    return folder


def _sparse(path: Path, head: bytes, size: int) -> None:
    """A file of ``size`` bytes that starts with ``head`` and takes no disk space beyond it."""
    with open(path, "wb") as stream:
        stream.write(head)
        stream.truncate(size)


def _with_archive(project: Path, name: str, archive: str) -> Path:
    text = HEAD.replace("claims:\n", f"  archive: {archive}\nclaims:\n") + CLAIM
    return _claim_file(project, name, text.encode("utf-8"))


# ----------------------------------------------------------------- encodings


@builder
def latin_1(project: Path) -> Path:
    return _claim_file(project, "latin-1.yaml", VALID.replace(b"A hostile file", b"Caf\xe9 news"))


@builder
def utf_16_le_bom(project: Path) -> Path:
    return _claim_file(project, "utf-16-le-bom.yaml", (HEAD + CLAIM).encode("utf-16"))


@builder
def utf_16_be_bom(project: Path) -> Path:
    return _claim_file(project, "utf-16-be-bom.yaml", b"\xfe\xff" + (HEAD + CLAIM).encode("utf-16-be"))


@builder
def utf_32_le_bom(project: Path) -> Path:
    return _claim_file(project, "utf-32-le-bom.yaml", (HEAD + CLAIM).encode("utf-32"))


@builder
def overlong_utf8(project: Path) -> Path:
    return _claim_file(project, "overlong-utf8.yaml", VALID.replace(b"it says 12", b"it says \xc0\xaf12"))


@builder
def utf8_surrogate(project: Path) -> Path:
    return _claim_file(project, "utf8-surrogate.yaml", VALID.replace(b"Nobody", b"No\xed\xa0\x80body"))


@builder
def mixed_encoding(project: Path) -> Path:
    """UTF-8 up to the quote, which was pasted in Windows-1252."""
    data = VALID.replace(b"A hostile file", "Việt Nam’s year".encode("utf-8"))
    return _claim_file(project, "mixed-encoding.yaml", data.replace(b"it says 12", b"it says \x9312\x94"))


@builder
def truncated_utf8(project: Path) -> Path:
    """A file cut in the middle of a multi-byte character."""
    return _claim_file(project, "truncated-utf8.yaml", VALID + "    note: Việt".encode("utf-8")[:-2])


@builder
def bom_then_duplicate_key(project: Path) -> Path:
    """A UTF-8 byte-order mark is accepted, and positions after it stay right."""
    return _claim_file(project, "bom-then-duplicate-key.yaml", b"\xef\xbb\xbf" + VALID + b"source: {}\n")


@builder
def utf_16_json(project: Path) -> Path:
    return _claim_file(project, "utf-16.json", '{"source": {}, "claims": []}'.encode("utf-16"))


@builder
def latin_1_jsonl(project: Path) -> Path:
    return _claim_file(project, "latin-1.jsonl", b'{"source": {"id": "caf\xe9"}}\n')


@builder
def nul_byte(project: Path) -> Path:
    return _claim_file(project, "nul-byte.yaml", VALID.replace(b"it says 12", b"it says\x0012"))


@builder
def escape_character(project: Path) -> Path:
    """A terminal escape sequence that would recolour or retitle a CI log."""
    return _claim_file(project, "escape-character.yaml", VALID.replace(b"A hostile file", b"\x1b]0;pwned\x07title"))


@builder
def c1_control(project: Path) -> Path:
    return _claim_file(project, "c1-control.yaml", VALID.replace(b"Nobody", "No\u009bbody".encode("utf-8")))


@builder
def delete_character(project: Path) -> Path:
    return _claim_file(project, "delete-character.yaml", VALID.replace(b"quote: it", b"quote: \x7fit"))


# ----------------------------------------------------------- enormous inputs


@builder
def over_size_limit(project: Path) -> Path:
    path = project / "claims" / "over-size-limit.yaml"
    _sparse(path, VALID + b"# ", 65 * MIB)
    return path.relative_to(project)


@builder
def over_size_limit_jsonl(project: Path) -> Path:
    path = project / "claims" / "over-size-limit.jsonl"
    _sparse(path, b'{"source": {}}\n', 65 * MIB)
    return path.relative_to(project)


@builder
def long_quote(project: Path) -> Path:
    """A five-million-character quote on one line."""
    data = VALID.replace(b"quote: it says 12", b"quote: it says 12 " + b"and more " * 555_555)
    return _claim_file(project, "long-quote.yaml", data)


@builder
def long_key(project: Path) -> Path:
    return _claim_file(project, "long-key.yaml", VALID + b"k" * 2_000_000 + b": 1\n")


@builder
def many_unknown_keys(project: Path) -> Path:
    """A hundred thousand keys nobody asked for."""
    return _claim_file(project, "many-unknown-keys.yaml", b"".join(b"k%d: %d\n" % (i, i) for i in range(100_000)))


@builder
def many_bad_claims(project: Path) -> Path:
    """Five thousand claims, each naming a metric that does not exist."""
    claim = "  - {{id: c{0}, subject: freedonia, metric: nonexistent, value: {0}, quote: it says {0}}}\n"
    body = HEAD + "".join(claim.format(i) for i in range(5_000))
    return _claim_file(project, "many-bad-claims.yaml", body.encode("utf-8"))


@builder
def deep_block_nesting(project: Path) -> Path:
    text = "source:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(2_000)) + "  " * 2_001 + "leaf: 1\n"
    return _claim_file(project, "deep-block-nesting.yaml", text.encode("utf-8"))


@builder
def deep_flow_nesting_100k(project: Path) -> Path:
    return _claim_file(project, "deep-flow-nesting-100k.yaml", b"source: " + b"[" * 100_000 + b"]" * 100_000 + b"\n")


@builder
def compact_sequence_nesting(project: Path) -> Path:
    """Block sequences nested on one line ("- - - ..."): deep nesting without a single bracket."""
    return _claim_file(project, "compact-sequence-nesting.yaml", VALID + b"note:\n  " + b"- " * 100_000 + b"x\n")


@builder
def complex_key_nesting(project: Path) -> Path:
    return _claim_file(project, "complex-key-nesting.yaml", b"? " * 100_000 + b"x\n")


@builder
def deep_json_nesting(project: Path) -> Path:
    return _claim_file(project, "deep-json-nesting.json", b"[" * 100_000 + b"]" * 100_000)


@builder
def deep_jsonl_nesting(project: Path) -> Path:
    good = (
        b'{"source": {"id": "hostile", "title": "t", "publisher": "p", "kind": "news-report", "published": "2025"}}\n'
    )
    return _claim_file(project, "deep-jsonl-nesting.jsonl", good + b"{" + b'"a":{' * 50_000 + b"}" * 50_001 + b"\n")


# -------------------------------------------------- special files and links


@builder
def fifo(project: Path) -> Path:
    """A named pipe: reading it would wait for a writer forever."""
    path = project / "claims" / "fifo.yaml"
    os.mkfifo(path)
    return path.relative_to(project)


@builder
def unix_socket(project: Path) -> Path:
    path = project / "claims" / "socket.yaml"
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(path))
    finally:
        server.close()
    return path.relative_to(project)


@builder
def symlink_to_dev_zero(project: Path) -> Path:
    """A claim file that is an endless stream of zero bytes."""
    path = project / "claims" / "dev-zero.yaml"
    path.symlink_to("/dev/zero")
    return path.relative_to(project)


@builder
def symlink_outside(project: Path) -> Path:
    path = project / "claims" / "outside.yaml"
    path.symlink_to(_outside(project) / "secret.yaml")
    return path.relative_to(project)


@builder
def symlink_loop(project: Path) -> Path:
    path = project / "claims" / "loop-a.yaml"
    path.symlink_to("loop-b.yaml")
    (project / "claims" / "loop-b.yaml").symlink_to("loop-a.yaml")
    return path.relative_to(project)


@builder
def dangling_symlink(project: Path) -> Path:
    path = project / "claims" / "dangling.yaml"
    path.symlink_to("gone.yaml")
    return path.relative_to(project)


@builder
def symlinked_folder_loop(project: Path) -> Path:
    """A folder in claims/ that is claims/ itself: walking into it would never end."""
    path = project / "claims" / "again"
    path.symlink_to(".")
    return path.relative_to(project)


@builder
def symlinked_folder_outside(project: Path) -> Path:
    path = project / "claims" / "elsewhere"
    path.symlink_to(_outside(project))
    return path.relative_to(project)


# ------------------------------------------------ archived texts that escape


@builder
def archive_fifo(project: Path) -> Path:
    os.mkfifo(project / "pipe.txt")
    return _with_archive(project, "archive-fifo.yaml", "../pipe.txt")


@builder
def archive_symlink_escape(project: Path) -> Path:
    (project / "article.txt").symlink_to(_outside(project) / "secret.txt")
    return _with_archive(project, "archive-symlink-escape.yaml", "../article.txt")


def _git_config(project: Path) -> None:
    """A checkout's .git/config holding a credential, as a CI checkout writes it."""
    git = project / ".git"
    git.mkdir(exist_ok=True)
    (git / "config").write_text(
        '[http "https://example.org/"]\n\textraheader = AUTHORIZATION: basic c2VjcmV0LXRva2Vu\n', "utf-8"
    )


def _quoting(project: Path, name: str, archive: str, quote: str) -> Path:
    text = HEAD.replace("claims:\n", f"  archive: {archive}\nclaims:\n") + CLAIM.replace("it says 12", quote)
    return _claim_file(project, name, text.encode("utf-8"))


@builder
def archive_git_config(project: Path) -> Path:
    # the quote shares a prefix with the file, so a hint that showed the closest part would echo the credential
    _git_config(project)
    return _quoting(project, "archive-git-config.yaml", "../.git/config", '"extraheader = AUTHORIZATION: basic 12"')


@builder
def archive_link_into_git(project: Path) -> Path:
    _git_config(project)
    (project / "article.txt").symlink_to(".git/config")
    return _quoting(project, "archive-link-into-git.yaml", "../article.txt", '"extraheader = AUTHORIZATION: 12"')


@builder
def archive_symlink_loop(project: Path) -> Path:
    (project / "loop-a.txt").symlink_to("loop-b.txt")
    (project / "loop-b.txt").symlink_to("loop-a.txt")
    return _with_archive(project, "archive-symlink-loop.yaml", "../loop-a.txt")


@builder
def archive_outside_sibling(project: Path) -> Path:
    _outside(project)
    return _with_archive(project, "archive-outside-sibling.yaml", "../../outside/secret.txt")


@builder
def archive_too_large(project: Path) -> Path:
    _sparse(project / "huge.txt", b"it says 12\n", 17 * MIB)
    return _with_archive(project, "archive-too-large.yaml", "../huge.txt")


@builder
def archive_not_utf8(project: Path) -> Path:
    (project / "latin.txt").write_bytes(b"Caf\xe9: it says 12\n")
    return _with_archive(project, "archive-not-utf8.yaml", "../latin.txt")


@builder
def archive_socket(project: Path) -> Path:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(str(project / "article.sock"))
    finally:
        server.close()
    return _with_archive(project, "archive-socket.yaml", "../article.sock")


# ------------------------------------------------- control characters, escaped


@builder
def escaped_control_in_string(project: Path) -> Path:
    """A YAML escape that decodes to ESC: the raw text holds none, the value would."""
    return _claim_file(project, "escaped-control.yaml", VALID.replace(b"A hostile file", b'"\\e]0;pwned\\a title"'))


@builder
def escaped_control_in_json(project: Path) -> Path:
    text = '{"source": {"id": "hostile", "title": "\\u001b[2J", "publisher": "p", "kind": "other", "published": "2025"}}'
    return _claim_file(project, "escaped-control.json", text.encode("ascii"))


@builder
def escaped_surrogate_in_json(project: Path) -> Path:
    """A JSON \\ud800 escape: half of a character, which no text holds and no report can write."""
    text = '{"source": {"id": "hostile", "title": "\\ud800", "publisher": "p", "kind": "other", "published": "2025"}}'
    return _claim_file(project, "escaped-surrogate.json", text.encode("ascii"))


@builder
def control_in_file_name(project: Path) -> Path:
    """A file name that would recolour the terminal when a report prints it."""
    _claim_file(project, "\x1b[31mred.yaml", VALID)
    return Path("claims") / "\\x1b[31mred.yaml"


# ------------------------------------------ work that grows faster than the input


def _contradicting_values(project: Path, count: int, per_file: int = 1000) -> Path:
    """``count`` claims giving Sylvania a different number of partners each, all as of one day, ``per_file`` a source."""
    paths = []
    for number, start in enumerate(range(0, count, per_file)):
        head = HEAD.replace("id: hostile", f"id: many-{number:03d}")
        claims = "".join(
            f"  - id: c{n}\n    subject: sylvania\n    metric: partners\n    value: {n + 1}\n"
            f"    as_of: 2025-03-31\n    quote: it says {n + 1}\n"
            for n in range(start, min(start + per_file, count))
        )
        paths.append(_claim_file(project, f"many-values-{number:03d}.yaml", (head + claims).encode("utf-8")))
    return paths[0]


@builder
def contradicting_values(project: Path) -> Path:
    """20,000 values of one count as of one day, no two alike: one contradiction, not one per pair."""
    return _contradicting_values(project, 20_000)


def _figures(seed: int, size: int) -> str:
    """``size`` characters of two-digit figures: text of few distinct characters, each one in it very often."""
    state = seed
    figures = []
    for _ in range(size // 3 + 1):
        state = (state * 1103515245 + 12345) % 2**31  # the same text on every run, without `random`
        figures.append(f"{(state >> 16) % 100:02d}")
    return " ".join(figures)[:size]


def _quoting_many(project: Path, name: str, archive: str, quotes: list[str]) -> Path:
    claims = "".join(
        CLAIM.replace("id: c1", f"id: c{number}").replace("it says 12", f'"{quote}"')
        for number, quote in enumerate(quotes, 1)
    )
    text = HEAD.replace("claims:\n", f"  archive: {archive}\nclaims:\n") + claims
    return _claim_file(project, name, text.encode("utf-8"))


@builder
def long_quote_large_archive(project: Path) -> Path:
    """A 10,000-character quote of figures that a 1 MB archive of figures does not hold."""
    (project / "figures.txt").write_text(_figures(1, MIB), "utf-8")
    return _quoting_many(project, "long-quote-large-archive.yaml", "../figures.txt", [_figures(2, 10_000)])


@builder
def many_long_quotes(project: Path) -> Path:
    """Twenty quotes of 5,000 characters that a 45 KB archive does not hold."""
    (project / "figures.txt").write_text(_figures(1, 45_000), "utf-8")
    quotes = [_figures(seed, 5_000) for seed in range(2, 22)]
    return _quoting_many(project, "many-long-quotes.yaml", "../figures.txt", quotes)


@builder
def many_misspelt_subjects(project: Path) -> Path:
    """Twenty thousand claims, each naming another misspelling of one of 2,000 entities."""
    words = "northland eastmark sunvale riverton highcastle lowmoor greenport ironbay westholm stonebridge".split()
    names = [f"{word}{number}" for number in range(200) for word in words]
    entities = "".join(f"  e{number}: {{name: {name.title()}, kind: country}}\n" for number, name in enumerate(names))
    (project / "rules" / "1-entities.yaml").write_text("entities:\n" + entities, "utf-8")
    claim = "  - {{id: c{0}, subject: {1}, metric: partners, value: 1, as_of: 2025-06-30, quote: it says 1}}\n"
    # each entity misspelt ten ways: one of its first five letters replaced by x or by q
    subjects = [name[:at] + letter + name[at + 1 :] for letter in "xq" for at in range(5) for name in names]
    body = HEAD + "".join(claim.format(number, subject) for number, subject in enumerate(subjects))
    return _claim_file(project, "many-misspelt-subjects.yaml", body.encode("utf-8"))


# ------------------------------------------- planted caches, locks, other commands


def _planted_cache(project: Path, plant: Callable[[Path], None]) -> Path:
    """A cache folder beside the project (outside the repository, given with --cache ../cache) where every
    entry a run reads is planted: the subjects' entry, the good claim files' records and the parsed rules."""
    from checker.engine import cache

    folder = project.parent / "cache"
    entries = [folder / cache.SUBJECTS]
    for path in sorted((project / "claims").glob("*.yaml")):
        key = cache.file_key(path.read_bytes(), path.relative_to(project).as_posix())
        entries.append(Path(cache.file_entry(folder, key)))
    entries += [cache.document_entry(folder, path.read_bytes()) for path in sorted((project / "rules").glob("*.yaml"))]
    for entry in entries:
        entry.parent.mkdir(parents=True, exist_ok=True)
        plant(entry)
    return Path("claims") / "0-good-a.yaml"


@builder
def cache_entry_dev_zero(project: Path) -> Path:
    """Cache entries that are links to an endless stream, and a sweep marker that links outside (touching it
    would create the file it names)."""
    shown = _planted_cache(project, lambda entry: entry.symlink_to("/dev/zero"))
    marker = project.parent / "cache" / ".pruned"
    marker.symlink_to(_outside(project) / "pwned")
    os.utime(marker, (0, 0), follow_symlinks=False)  # a sweep is due
    return shown


@builder
def cache_entry_fifo(project: Path) -> Path:
    """Cache entries that are named pipes: reading one would wait for a writer forever."""
    return _planted_cache(project, os.mkfifo)


@builder
def fmt_check_dev_zero(project: Path) -> Path:
    """A claim file that is a link to /dev/zero, named to `fmt --check` as a pre-commit hook names staged files."""
    path = project / "claims" / "zero.yaml"
    path.symlink_to("/dev/zero")
    return path.relative_to(project)


@builder
def lock_file_symlink(project: Path) -> Path:
    """A claim file to format whose lock file is a link to a file outside, planted where claimcheck keeps its
    locks: following it would create (or empty) the file it names."""
    from checker.formats.files import lock_path

    path = _claim_file(project, "locked.yaml", VALID)
    lock = lock_path(project / path)
    lock.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    lock.unlink(missing_ok=True)
    lock.symlink_to(_outside(project) / "pwned")
    return path


@builder
def cache_inside_repository(project: Path) -> Path:
    """A cache folder committed to the repository (a pull request can write its entries), named with --cache."""
    folder = project / ".ccache" / "files"
    folder.mkdir(parents=True)
    return Path(".ccache")


# ----------------------------------------------------- what the reports must carry


@builder
def file_name_with_fragment(project: Path) -> Path:
    """A claim file whose name holds a space, "#" and "?": as a URI, unescaped, it would be "claims/good b"."""
    return _claim_file(project, "good b#frag?q=1.yaml", VALID.replace(b"it says 12", b"it says 11"))


@builder
def contradicting_values_200(project: Path) -> Path:
    """Two hundred values of one subject, metric and day, each different: every pair contradicts."""
    claim = "  - {{id: c{0:03}, subject: sylvania, metric: partners, value: {1}, as_of: 2025-06-30, quote: it says {1}}}\n"
    body = HEAD + "".join(claim.format(i, 100 + i) for i in range(200))
    return _claim_file(project, "contradicting-values-200.yaml", body.encode("utf-8"))
