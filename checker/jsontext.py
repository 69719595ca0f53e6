"""JSON text as claimcheck writes it: indented by two spaces, UTF-8 unescaped, one newline at the end."""

from __future__ import annotations

from typing import Any

import orjson


def pretty(document: Any) -> str:
    """A document as indented JSON text (orjson: reports with thousands of findings are written fast)."""
    return orjson.dumps(document, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
