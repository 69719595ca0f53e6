"""The self-contained HTML report: one file, no network, filters and search, charts as inline SVG.

Rendered by Jinja2 with autoescaping on for every value: a quote holding
markup or a script shows as text, a hidden character (a bidirectional
control, a control character, a noncharacter) by its code point,
``⟨U+202E⟩`` (see :mod:`checker.reporting.inert`), and links to archived texts
are percent-encoded paths that cannot name a URL scheme. The page's only script is inline and is
allowed by its hash in the page's Content-Security-Policy, which forbids any
other script, any network fetch, and any resource from elsewhere.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Callable, NamedTuple, Optional, Sequence
from urllib.parse import quote

from checker import __version__
from checker.corpus.provenance import read_archive
from checker.corpus.result import Result
from checker.model.findings import ClaimRef
from checker.reporting import document
from checker.reporting.changes import headline, items
from checker.reporting.inert import markup_inert, visible


@lru_cache(maxsize=1)
def _environment():  # noqa: ANN202
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("checker.reporting", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=_shown,
    )
    environment.filters["href"] = href
    environment.filters["breakable"] = breakable
    environment.filters["dates"] = dates
    environment.globals["columns"] = columns
    environment.globals["excerpt"] = excerpt
    return environment


def _escaped(text: str) -> str:
    """Text as the page shows it (see :func:`_shown`), still a plain string."""
    from markupsafe import escape

    return markup_inert(str(escape(visible(text))))


def breakable(text: str) -> object:
    """An id or a path that may break after a slash, a hyphen, an underscore or a dot, and nowhere else: a long
    one wraps on a narrow screen at its parts, never in the middle of a word."""
    from markupsafe import Markup

    return Markup(_BREAKS.sub(lambda match: match.group() + "<wbr>", _escaped(str(text))))


_BREAKS = re.compile(r"[/_.-](?=[^/_.-])")
#: a date, a month or a span of them ("2026-01-12", "2025-H1", "2025-10/2026-01"): never broken across lines
_DATE = re.compile(r"\d{4}(?:-(?:\d{2}(?:-\d{2})?|H[12]|Q[1-4]))?(?:/\d{4}(?:-(?:\d{2}(?:-\d{2})?|H[12]|Q[1-4]))?)?")


def dates(text: str) -> object:
    """Text whose dates never break across lines."""
    from markupsafe import Markup

    return Markup(_DATE.sub(lambda match: f'<span class="nb">{match.group()}</span>', _escaped(str(text))))


def columns(claims: Sequence[ClaimRef]) -> set[str]:
    """The fields of the optional columns some claim of a table fills (see document.filled_columns)."""
    return {field for _, field in document.filled_columns(claims)}


class Excerpt(NamedTuple):
    """The lines of an archived text around a quote: what comes before it, the quote as the text has it, after."""

    before: str
    quote: str
    after: str


#: at most this many characters of the archived text on either side of a quote
EXCERPT_REACH = 400


def excerpt(ref: ClaimRef) -> Optional[Excerpt]:
    """The quote in its archived text, with the line before and the line after it (each cut at EXCERPT_REACH
    characters); None when the text cannot be read again or is now too short to hold the quote where the check
    found it."""
    path = ref.evidence.rsplit(":", 1)[0]
    start, end = ref.evidence_span
    archive = read_archive(Path(path)) if path and end > start else None
    if archive is None or end > len(archive.original):
        return None
    text = archive.original
    line_start = text.rfind("\n", 0, start) + 1
    before_start = text.rfind("\n", 0, max(line_start - 1, 0)) + 1 if line_start else 0
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    after_end = text.find("\n", line_end + 1) if line_end < len(text) else len(text)
    after_end = len(text) if after_end < 0 else after_end
    before = text[max(before_start, start - EXCERPT_REACH) : start]
    after = text[end : min(after_end, end + EXCERPT_REACH)]
    return Excerpt(before, text[start:end], after)


def _shown(value: object) -> object:
    """Every value the page shows, made visible and escaped, with the "[" of a "##[" as ``&#91;`` (the same text in
    the page, no command to a CI runner printing it); the page's own markup, marked safe, is left as it is."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        from markupsafe import Markup

        return Markup(_escaped(value))
    return value


def href(path: str) -> str:
    """A link to a local file named by a claim file: percent-encoded, so it can never be a URL scheme.

    Escaping alone would leave ``javascript:...`` or ``data:...`` a live link;
    with ``:`` encoded the browser reads every such path as a relative one.
    """
    return quote(path, safe="/._-~")


def link_from(folder: Optional[Path]) -> Callable[[str], str]:
    """The links of a page written to ``folder`` (None: the working one) to files named relative to the working
    folder: relative to the page's folder, so they hold wherever the report is written."""

    def link(path: str) -> str:
        if folder is None:
            return href(path)
        try:
            relative = os.path.relpath(os.path.abspath(path), os.path.abspath(folder))
        except ValueError:  # another drive on Windows: no relative path leads there
            return href(path)
        return href(Path(relative).as_posix())

    return link


def _script() -> str:
    return resources.files("checker.reporting").joinpath("templates/report.js").read_text(encoding="utf-8")


def _verdict_filters(report: document.Report) -> list[tuple[str, int, int]]:
    """Each verdict of the findings, with how many are open and how many acknowledged."""
    open_counts = {verdict: count for verdict, _, count in report.by_verdict}
    verdicts = sorted(open_counts.keys() | report.reviewed_by_verdict.keys(), key=document.verdict_order)
    return [(v, open_counts.get(v, 0), report.reviewed_by_verdict.get(v, 0)) for v in verdicts]


def render(result: Result) -> str:
    """The whole report as one HTML page."""
    script = _script()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    template = _environment().get_template("report.html.j2")
    report = document.build(result)
    listed = {f.fingerprint for f in result.findings}
    return template.render(
        report=report,
        changes=result.changes,
        changes_headline=headline(result.changes) if result.changes is not None else "",
        change_items=items(result.changes) if result.changes is not None else [],
        listed=listed,
        verdict_filters=_verdict_filters(report),
        link=link_from(result.written_in),
        version=__version__,
        script=script,
        script_hash=f"sha256-{digest}",
        alarm={"contradiction", "unstated", "missing", "invalid"},
        warn={"undetermined", "stale", "shortfall", "precision"},
        good=document.GOOD_NEWS,
    )
