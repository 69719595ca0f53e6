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
from functools import lru_cache
from importlib import resources
from urllib.parse import quote

from checker import __version__
from checker.reporting import document
from checker.reporting.inert import markup_inert, visible
from checker.result import Result


@lru_cache(maxsize=1)
def _environment():  # noqa: ANN202
    import jinja2

    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("checker", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
        finalize=_shown,
    )
    environment.filters["href"] = href
    return environment


def _shown(value: object) -> object:
    """Every value the page shows, made visible and escaped, with the "[" of a "##[" as ``&#91;`` (the same text in
    the page, no command to a CI runner printing it); the page's own markup, marked safe, is left as it is."""
    if isinstance(value, str) and not hasattr(value, "__html__"):
        from markupsafe import Markup, escape

        return Markup(markup_inert(str(escape(visible(value)))))
    return value


def href(path: str) -> str:
    """A link to a local file named by a claim file: percent-encoded, so it can never be a URL scheme.

    Escaping alone would leave ``javascript:...`` or ``data:...`` a live link;
    with ``:`` encoded the browser reads every such path as a relative one.
    """
    return quote(path, safe="/._-~")


def _script() -> str:
    return resources.files("checker").joinpath("templates/report.js").read_text(encoding="utf-8")


def render(result: Result) -> str:
    """The whole report as one HTML page."""
    script = _script()
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    template = _environment().get_template("report.html.j2")
    return template.render(
        report=document.build(result),
        version=__version__,
        script=script,
        script_hash=f"sha256-{digest}",
        alarm={"contradiction", "unstated", "missing", "invalid"},
        warn={"undetermined", "stale", "shortfall", "precision"},
        good=document.GOOD_NEWS,
    )
