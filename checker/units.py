"""Units and magnitudes, through pint.

"US$900 billion", "900 bn USD" and "0.9 trillion dollars" are one amount:
each claim's unit text is read by pint into a magnitude and a unit, and
amounts are compared in the metric's unit. Currencies are separate
dimensions (no exchange rates are assumed), and percentages and percentage
points are different dimensions, so a change in points is never read as a
level in per cent.

Rules files may add units with pint definitions under ``units:`` (for
example ``passenger = [people]``); nothing here is specific to a domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

BASE_DEFINITIONS = (
    # magnitude words, as sources write them
    "thousand = 1e3",
    "million = 1e6 = mn = mln",
    "billion = 1e9 = bn = bln",
    "trillion = 1e12 = tn",
    # levels and differences of percentages are not the same thing
    "percent = [percent_level] = pct",
    "percentage_point = [percent_difference] = pp = percentage_points",
    # currencies: each its own dimension
    "USD = [currency_USD] = usd",
    "EUR = [currency_EUR] = eur",
    "GBP = [currency_GBP] = gbp",
    "JPY = [currency_JPY] = jpy",
    "CNY = [currency_CNY] = cny",
    "VND = [currency_VND] = vnd",
)

# surface forms pint cannot read, rewritten before parsing (order matters)
_REWRITES = (
    (re.compile(r"US\s?\$", re.I), " USD "),
    (re.compile(r"\$"), " USD "),
    (re.compile(r"€"), " EUR "),
    (re.compile(r"£"), " GBP "),
    (re.compile(r"VN[ĐD]|₫", re.I), " VND "),
    (re.compile(r"\b(?:US\s+)?dollars?\b", re.I), " USD "),
    (re.compile(r"\beuros?\b", re.I), " EUR "),
    (re.compile(r"\bdong\b", re.I), " VND "),
    (re.compile(r"\bpercentage[\s_-]points?\b", re.I), " percentage_point "),
    (re.compile(r"\bper\s?cent\b|%", re.I), " percent "),
)


class UnitProblem(ValueError):
    """A unit text that cannot be read, or that does not fit the metric's unit."""


@dataclass(frozen=True)
class Conversion:
    """How a claim's unit relates to its metric's unit: multiply by ``factor``."""

    factor: float
    unit: str  # the metric's unit, as pint writes it


def _clean(text: str) -> str:
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=8)
def registry(extra: tuple[str, ...] = ()):  # noqa: ANN201 - pint's registry type is generic
    """A unit registry with claimcheck's base definitions and a rules file's extra ones."""
    import pint  # imported here: only corpora with amounts pay for it

    units: pint.UnitRegistry = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False)
    for definition in BASE_DEFINITIONS + tuple(extra):
        units.define(definition)
    return units


def check_definitions(definitions: Iterable[str]) -> list[str]:
    """Messages for definitions pint refuses (empty when all are fine)."""
    problems = []
    for definition in definitions:
        try:
            registry((definition,))
        except Exception as exc:  # noqa: BLE001 - pint raises many kinds
            problems.append(f'unit definition "{definition}" is not valid: {exc}')
    return problems


@lru_cache(maxsize=4096)
def conversion(unit_text: str, metric_unit: str, extra: tuple[str, ...] = ()) -> Conversion:
    """The factor that turns values in ``unit_text`` into ``metric_unit``."""
    units = registry(extra)
    try:
        given = units.parse_expression(_clean(unit_text) or "1")
        target = units.parse_expression(_clean(metric_unit) or "1")
    except Exception:  # noqa: BLE001 - pint's parse errors have no common base
        raise UnitProblem(f'unit "{unit_text}" cannot be read') from None
    given = given if hasattr(given, "to") else units.Quantity(given)
    target = target if hasattr(target, "to") else units.Quantity(target)
    if given.dimensionality != target.dimensionality:
        hint = ""
        if "[percent_difference]" in str(given.dimensionality) or "[percent_difference]" in str(target.dimensionality):
            hint = " (percentage points measure a difference of percentages, not a level)"
        raise UnitProblem(f'unit "{unit_text}" does not convert to the metric\'s unit "{metric_unit}"{hint}')
    # rounded so that 0.9 trillion and 900 billion give the same value, bit for bit
    factor = float(f"{(given / target).to('dimensionless').magnitude:.12g}")
    return Conversion(factor, str(target.units))
