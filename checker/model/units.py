"""Units and magnitudes, through pint.

"US$900 billion", "900 bn USD" and "0.9 trillion dollars" are one amount:
each claim's unit text is read by pint into a magnitude and a unit, and
amounts are compared in the metric's unit. Currencies are separate
dimensions (no exchange rates are assumed), and percentages and percentage
points are different dimensions, so a change in points is never read as a
level in per cent.

pint's standard units (km, mile, hectare, tonne, ...) are known without
being declared; they are loaded only when a claim or a rule names one that
the few units above do not cover, since reading pint's definitions costs
about half a second. Where claimcheck's own units and pint's share a name
("percent", which pint takes for a fraction, and "pp", which pint takes for a
printer's point), claimcheck's are used.

Rules files may add units with pint definitions under ``units:`` (for
example ``passenger = [people]``); nothing here is specific to a domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
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


#: the longest unit text or definition read
MAX_UNIT_CHARS = 200
#: conversion factors beyond this (or below its inverse) are refused: no unit a source writes scales so far
MAX_FACTOR = 1e30
# pint evaluates powers exactly: "10**10**10" would compute a number of ten billion digits
_POWER = re.compile(r"\*\*|\^")
_SMALL_EXPONENT = re.compile(r"\s*[+-]?\s*[0-4](?:\.0*)?(?![\d.eE(])")


def refuse_unsafe(text: str) -> str | None:
    """Why pint must not evaluate ``text`` (too long, a power with a large or computed exponent), or None."""
    if len(text) > MAX_UNIT_CHARS:
        return f"is longer than {MAX_UNIT_CHARS} characters"
    powers = list(_POWER.finditer(text))
    if len(powers) > 1:
        return "raises to a power more than once"
    if powers and not _SMALL_EXPONENT.match(text, powers[0].end()):
        return "raises to a power other than a whole number from 0 to 4"
    return None


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
def registry(extra: tuple[str, ...] = (), standard: bool = False):  # noqa: ANN201 - pint's registry type is generic
    """A unit registry with claimcheck's base definitions and a rules file's extra ones; with ``standard``, pint's
    standard units as well."""
    import pint  # imported here: only corpora with amounts pay for it

    units: pint.UnitRegistry = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False)
    if standard:
        units.load_definitions(list(_standard_definitions()))
    for definition in BASE_DEFINITIONS + tuple(extra):
        units.define(definition)
    return units


@lru_cache(maxsize=1)
def _ours() -> frozenset[str]:
    """The names claimcheck's base definitions give."""
    return frozenset(name for definition in BASE_DEFINITIONS for name in _names(definition))


def known_without_pint(unit_text: str, extra: tuple[str, ...] = ()) -> bool:
    """True when every name of a unit text is one claimcheck or the rules define ("billion USD", "SEK"): it is
    known without loading pint, which a run whose results all come from the cache need not do."""
    names = _NAME.findall(_clean(unit_text))
    return bool(names) and all(name in _ours() or any(name in _names(d) for d in extra) for name in names)


@lru_cache(maxsize=1)
def _standard_definitions() -> tuple[str, ...]:
    """pint's standard definitions (its files read as lines, an ``@import`` replaced by the file it names), without
    those of the names claimcheck defines itself: a definition of such a name is left out, an alias of it is taken
    off the definition that gives it."""
    import pint

    folder, ours = Path(pint.__file__).parent, _ours()

    def lines_of(name: str) -> Iterable[str]:
        for line in (folder / name).read_text("utf-8").splitlines():
            body = line.split("#", 1)[0]
            stripped = body.strip()
            if stripped.startswith("@import "):
                yield from lines_of(stripped.split(None, 1)[1])
            elif "=" not in stripped or stripped.startswith("@"):
                yield line
            else:
                parts = [part.strip() for part in stripped.split("=")]
                if parts[0] not in ours:
                    kept = parts[:2] + [alias for alias in parts[2:] if alias not in ours]
                    yield body[: len(body) - len(body.lstrip())] + " = ".join(kept)

    return tuple(lines_of("default_en.txt"))


_SYNTAX_HINT = "see pint's definition syntax"
_CYCLE_HINT = "define one of these units in terms of a unit outside the cycle (or a number)"
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def check_definitions(definitions: Iterable[str]) -> list[tuple[str, str, str]]:
    """(definition, message, hint) for each definition pint refuses, that redefines a unit already known, that
    takes part in a cycle of definitions, or that names a unit nothing defines.

    pint accepts a redefinition with a mere log line: ``USD = 2 * EUR`` would
    silently make two currencies convertible, so it is refused here. It also
    accepts definitions lazily, so ``a = 2 * b`` and ``b = 3 * a`` would only
    fail on each value that uses them: the rules are refused instead.
    """
    definitions = list(definitions)
    if not definitions:
        return []  # nothing to check: spare the registry (and pint's import) on every run
    import pint

    units: pint.UnitRegistry = pint.UnitRegistry(None, autoconvert_offset_to_baseunit=False)
    for definition in BASE_DEFINITIONS:
        units.define(definition)
    problems: list[tuple[str, str, str]] = []
    accepted = []
    for definition in definitions:
        problem = refuse_unsafe(definition)
        if problem is None:
            taken = [name for name in _names(definition) if _known(units, name)]
            problem = f'redefines "{taken[0]}", which is already a unit' if taken else None
        if problem is None:
            try:
                units.define(definition)
            except Exception as exc:  # noqa: BLE001 - pint raises many kinds
                problem = f"is not valid: {exc}"
        if problem is not None:
            problems.append((definition, f'unit definition "{definition[:60]}" {problem}', _SYNTAX_HINT))
        else:
            accepted.append(definition)
    cycles = _cycles(accepted)
    for definition in accepted:
        if definition in cycles:
            loop, member = cycles[definition]
            how = "is part of" if member else "is defined through"
            message = f'unit definition "{definition[:60]}" {how} a cycle of definitions ({loop})'
            problems.append((definition, message, _CYCLE_HINT))
            continue
        name = _defined(definition)
        if name is None:
            continue
        try:
            _root_units(units, tuple(accepted), name)
        except Exception as exc:  # noqa: BLE001 - an undefined unit it refers to, an expression pint cannot use
            message = f'unit definition "{definition[:60]}" cannot be used: {str(exc)[:120]}'
            problems.append((definition, message, _SYNTAX_HINT))
    return problems


def _root_units(units, accepted: tuple[str, ...], name: str) -> object:  # noqa: ANN001 - a pint registry
    """The root units of ``name``, defined through claimcheck's units or, when it names others, pint's standard
    ones ("passenger_km = passenger * km")."""
    import pint

    try:
        return units.get_root_units(name)
    except pint.UndefinedUnitError:
        return registry(accepted, standard=True).get_root_units(name)


def _defined(definition: str) -> str | None:
    """The unit a definition introduces, or None for a prefix, a dimension or a directive."""
    name = definition.split("=", 1)[0].strip()
    if not name or name.startswith(("[", "@")) or name.endswith("-"):
        return None
    return name


def _cycles(definitions: list[str]) -> dict[str, tuple[str, bool]]:
    """For each definition that takes part in a cycle of units defined through each other, or is defined through
    one, the cycle in words and whether it is a member of it."""
    by_name = {}
    for definition in definitions:
        name = _defined(definition)
        if name is not None:
            by_name[name] = definition
    uses = {
        name: sorted({used for used in _NAME.findall(definition.split("=", 2)[1]) if used in by_name})
        for name, definition in by_name.items()
        if "=" in definition
    }
    found: dict[str, tuple[str, bool]] = {}
    state: dict[str, int] = {}  # 1: on the path being walked, 2: done
    for start in sorted(uses):
        if state.get(start):
            continue
        path: list[str] = [start]
        pending = [iter(uses[start])]
        state[start] = 1
        while pending:
            following = next(pending[-1], None)
            if following is None:
                state[path.pop()] = 2
                pending.pop()
            elif state.get(following) == 1:
                loop = path[path.index(following) :]
                words = " -> ".join([*loop, following])
                for name in loop:
                    found.setdefault(by_name[name], (words, True))
            elif not state.get(following):
                state[following] = 1
                path.append(following)
                pending.append(iter(uses.get(following, ())))
    changed = bool(found)
    while changed:  # a unit defined through a unit of a cycle cannot be resolved either
        changed = False
        for name, used in sorted(uses.items()):
            through = [found[by_name[other]][0] for other in used if by_name[other] in found]
            if through and by_name[name] not in found:
                found[by_name[name]] = (through[0], False)
                changed = True
    return found


def _names(definition: str) -> list[str]:
    """The names a definition introduces: ``name = value = symbol = alias...`` (prefixes and dimensions aside)."""
    parts = [part.strip() for part in definition.split("=")]
    names = parts[:1] + parts[2:]
    return [
        name for name in names if name and name != "_" and not name.startswith(("[", "@")) and not name.endswith("-")
    ]


def _known(units: object, name: str) -> bool:
    try:
        return name in units  # type: ignore[operator]
    except Exception:  # noqa: BLE001 - a name pint cannot even parse is left to define() to refuse
        return False


@lru_cache(maxsize=4096)
def conversion(unit_text: str, metric_unit: str, extra: tuple[str, ...] = ()) -> Conversion:
    """The factor that turns values in ``unit_text`` into ``metric_unit``."""
    for text in (unit_text, metric_unit):
        unsafe = refuse_unsafe(text)
        if unsafe:
            raise UnitProblem(f'unit "{text[:60]}" {unsafe}')
    try:
        factor, unit = _factor(unit_text, metric_unit, extra)
    except UnitProblem:
        raise
    except Exception:  # noqa: BLE001 - pint's errors have no common base; overflow, definitions that loop
        raise UnitProblem(f'unit "{unit_text}" cannot be read') from None
    if not 1 / MAX_FACTOR <= abs(factor) <= MAX_FACTOR:
        raise UnitProblem(f'unit "{unit_text}" scales by {factor:g}, beyond what claimcheck compares')
    return Conversion(factor, unit)


def _factor(unit_text: str, metric_unit: str, extra: tuple[str, ...]) -> tuple[float, str]:
    import pint

    try:
        return _factor_in(registry(extra), unit_text, metric_unit)
    except pint.UndefinedUnitError:
        return _factor_in(registry(extra, standard=True), unit_text, metric_unit)  # km, mile, hectare, ...


def _factor_in(units, unit_text: str, metric_unit: str) -> tuple[float, str]:  # noqa: ANN001 - a pint registry
    given = units.parse_expression(_clean(unit_text) or "1")
    target = units.parse_expression(_clean(metric_unit) or "1")
    given = given if hasattr(given, "to") else units.Quantity(given)
    target = target if hasattr(target, "to") else units.Quantity(target)
    if given.dimensionality != target.dimensionality:
        hint = ""
        if "[percent_difference]" in str(given.dimensionality) or "[percent_difference]" in str(target.dimensionality):
            hint = " (percentage points measure a difference of percentages, not a level)"
        target_said = (
            f'the metric\'s unit "{metric_unit}"' if metric_unit.strip() else "the metric, which counts without a unit"
        )
        raise UnitProblem(f'unit "{unit_text}" does not convert to {target_said}{hint}')
    # rounded so that 0.9 trillion and 900 billion give the same value, bit for bit
    factor = float(f"{(given / target).to('dimensionless').magnitude:.12g}")
    return factor, str(target.units)
