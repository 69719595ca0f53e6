"""Reporters: one module per output format, chosen by name.

A reporter turns a :class:`checker.corpus.result.Result` into text; it decides
nothing about the findings.
"""

from __future__ import annotations

from typing import Callable, Iterator

from checker.corpus.result import Result
from checker.reporting import github, gitlab, html, json_report, junit, markdown, sarif, text_report

Reporter = Callable[[Result], str]
REPORTERS: dict[str, Reporter] = {
    "text": text_report.render,
    "json": json_report.render,
    "markdown": markdown.render,
    "html": html.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
    "gitlab": gitlab.render,
}

#: reporters that can also write their text piece by piece, as UTF-8: a report file of a large corpus is written
#: as it is made, never held whole
STREAMERS: dict[str, Callable[[Result], Iterator[bytes]]] = {"json": json_report.chunks}
#: reporters that list the claims in short (the run keeps ``corpus.rows`` for them; "github" writes the Markdown
#: job summary)
NEEDS_ROWS = frozenset({"text", "markdown", "html", "junit", "github"})
