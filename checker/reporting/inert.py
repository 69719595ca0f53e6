"""Text from claim files made safe to show: nothing hidden from a reader, nothing a CI runner would execute.

A claim file is written by whoever opens a pull request, and its words reach
every report. Two things in them must never act on the reader:

- characters a person does not see but that change what they see: the
  bidirectional controls, which reorder the text around them ("Trojan
  Source"), and control characters (a carriage return rewrites the line it
  is on). Wherever a person reads a report they are shown by their code
  point, ``⟨U+202E⟩`` (:func:`visible`); so are the characters XML 1.0
  cannot hold, so that every report shows them the same way.
- workflow commands. A GitHub runner reads every line a step prints and runs
  the line as a command when, after blanks, it starts with ``::``
  (``::add-mask::``, ``::stop-commands::``), or when ``##[`` stands anywhere
  in it (the older syntax). Plain text for a terminal or a CI log (the text
  report, Markdown, the GitHub format's messages, messages on stderr) goes
  through :func:`inert`, which breaks each such place with a zero-width
  space: a person reads the same words, the runner no command.

JSON, SARIF and GitLab reports keep claim content as it is, except in the
messages a person reads in them (:func:`visible`), and write the "[" of a
"##[" as its escape (``\\u005b``, the same data: see
:func:`checker.formats.jsontext.inert`); XML reports show too the characters XML
cannot hold, and write that "[" as ``&#91;`` and the ":" that would start a
line with "::" as ``&#58;``.
"""

from __future__ import annotations

import re

#: bidirectional controls (ALM, LRM, RLM, the embeddings and overrides, the isolates), C0 controls but tab and
#: line feed, DEL and the C1 controls, surrogates and the noncharacters U+FFFE and U+FFFF (which XML 1.0 cannot
#: hold): shown by their code point
HIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
#: what breaks a workflow command: invisible, and not a blank (a runner trims blanks off a line before it looks)
BREAK = "\u200b"
#: "::" after the blanks that start a line (the runner trims every Unicode blank; a carriage return, which also
#: ends a line for the runner, is never left raw by visible())
_COMMAND = re.compile(r"^([^\S\n]*):(?=:)", re.MULTILINE)


def _code_point(match: re.Match[str]) -> str:
    return f"⟨U+{ord(match.group()):04X}⟩"


def visible(text: str) -> str:
    """``text`` with every hidden character (see :data:`HIDDEN`) shown as ``⟨U+XXXX⟩``."""
    return HIDDEN.sub(_code_point, text)


def inert(text: str) -> str:
    """Plain text to print: :func:`visible`, with no line a CI runner would run as a workflow command."""
    text = visible(text)
    if "::" in text:
        text = _COMMAND.sub(r"\1:" + BREAK, text)
    return text.replace("##[", "##" + BREAK + "[")


def markup_inert(text: str) -> str:
    """XML or HTML text with the "[" of every "##[" written as ``&#91;``, and the first ":" of a line that starts
    with "::" (after blanks) as ``&#58;``: the same text to any reader of the markup, no command to a CI runner
    printing it. Markup never starts a line so; a claim's words may, after a line break in a quote."""
    if "::" in text:
        text = _COMMAND.sub(r"\1&#58;", text)
    return text.replace("##[", "##&#91;")
