"""Reporters: one module per output format, chosen by name.

A reporter turns a :class:`checker.engine.Result` into text; it decides
nothing about the findings.
"""

from __future__ import annotations

from typing import Callable

from checker.engine import Result
from checker.reporting import github, gitlab, html, json_report, junit, markdown, sarif, text_report

Reporter = Callable[[Result], str]
REPORTERS: dict[str, Reporter] = {
    "text": text_report.render,
    "json": json_report.render,
    "markdown": markdown.render,
    "sarif": sarif.render,
    "github": github.render,
    "junit": junit.render,
    "gitlab": gitlab.render,
    "html": html.render,
}
