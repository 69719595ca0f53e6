"""Claim content made safe to show: hidden characters by their code point, no workflow command a runner would run."""

from __future__ import annotations

import pytest

from checker.reporting.inert import BREAK, inert, visible

#: every bidirectional control: the Arabic letter mark, the marks, the embeddings and overrides, the isolates
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: the blanks a GitHub runner trims off a line (.NET's Trim: every Unicode White_Space) before it looks for "::"
BLANKS = " \t\u00a0\u1680\u2000\u2007\u200a\u2028\u2029\u202f\u205f\u3000"


def runs_as_command(line: str) -> bool:
    """Whether a GitHub runner runs ``line`` as a workflow command: "::" once the blanks are trimmed, or "##["."""
    return line.strip(BLANKS + "\n\r\x0b\x0c\x85").startswith("::") or "##[" in line


def _lines(text: str) -> list[str]:
    """The lines of a text as a runner reads them: a line feed, a carriage return or both end one."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


@pytest.mark.parametrize("char", [*BIDI, "\r", "\x1b", "\x7f", "\x9b", "\x00", "\ufffe", "\uffff", "\ud800"])
def test_a_hidden_character_is_shown_by_its_code_point(char):
    assert visible(f"a{char}b") == f"a⟨U+{ord(char):04X}⟩b"


@pytest.mark.parametrize("text", ["plain", "tab\tand\nline", "Việt Nam — “quoted” 12\u00a0%", "emoji 🔴", ""])
def test_text_without_hidden_characters_is_left_as_it_is(text):
    assert visible(text) == inert(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "::add-mask::secret",
        "    ::add-mask::secret",
        "a quote that wraps\n    ::stop-commands::token",
        "after a carriage return\r::add-mask::secret",
        *(f"{blank}::add-mask::secret" for blank in BLANKS),
        "mid-line ##[add-mask]secret",
        "##[group]a group",
        ":::three colons",
    ],
)
def test_no_line_of_inert_text_runs_as_a_workflow_command(text):
    assert any(runs_as_command(line) for line in _lines(text))
    shown = inert(text)
    assert not [line for line in _lines(shown) if runs_as_command(line)], shown
    assert shown.replace(BREAK, "") == visible(text)  # a reader sees the same words
    assert inert(shown) == shown


@pytest.mark.parametrize("text", ["a::b at the middle of a line", "url https://example.org:8080/x", "## heading"])
def test_colons_and_hashes_elsewhere_are_left_as_they_are(text):
    assert inert(text) == text
