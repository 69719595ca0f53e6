"""A synthetic claim corpus of any size, with discrepancies planted at known places.

    python bench/generate.py --claims N --format yaml|jsonl --out DIR [--seed S]

The corpus describes a fictional country, Valdmark, and its municipalities:
their population, schools, hospitals, libraries, unemployment, budget, tourist
arrivals, housing starts, mayor, founding date, area, twin towns and the
number of them, as many sources state them — newspapers, the statistics
office, the ministry — over 2020-2025. Sources cite figures as of a year end,
a month, their own publication date, or undated with an estimate; some round
them ("about 12,000", "nearly 1,100", "more than 300", "between 900 and
1,100"), write small numbers in words, or name a town by its alias. One
national figure, the electric cars registered in Valdmark, is cited by a
share of the claims that grows with N (a "hot" subject and metric, whose
figure grows each year).

Apart from the planted cases every group of claims is consistent: a town's
stock figures do not change over time, flows differ only between years, lists
are nested, and approximate figures contain the true one. Each planted case
owns its subject and metric and yields exactly one verdict there:
contradiction (a stock, a flow, a date, two mayors at once, a list longer
than its count, a half-year above its year), timing (a stock that moved, a
new mayor, a half-year within its year), scope (registered vs resident
population, all vs public schools), stale (an old figure given as current
after a newer one was published), shortfall (a list shorter than its count)
and undetermined (an undated source against dated ones). ``planted.json``
lists them as {subject, metric, verdict, case}.

Output: ``rules/`` (the vocabulary), ``claims/`` (one source per file, about
100 claims each: canonical YAML, or JSON Lines with the source on one line),
``planted.json`` and ``manifest.json`` (written last). The same seed gives
byte-identical files, and both formats hold the same claims.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import random
import re
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Optional

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from checker.corpus.values import written_step  # noqa: E402 - the rule of precision the engine applies, not a copy of it

#: raised whenever the output for a given seed and size changes
GENERATOR_VERSION = 2
DEFAULT_SEED = 8
FORMATS = ("yaml", "jsonl")
CLAIMS_PER_FILE = 100
MIN_CLAIMS = 2000
#: share of the claims about the hot subject and metric
HOT_SHARE = 0.02
#: planted cases per verdict: one per this many claims (and at least one per case of the verdict)
CLAIMS_PER_PLANT = 1000
#: the margin of "about" and "nearly", as the rules set it
TOLERANCE = 0.1
FIRST_DAY, LAST_DAY = date(2021, 1, 1), date(2025, 12, 28)
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip

Claim = dict[str, Any]

# ----------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class MetricSpec:
    """A metric of the synthetic vocabulary, as rules/metrics.yaml declares it."""

    id: str
    label: str
    kind: str
    time: str
    trend: str = "any"
    unit: str = ""
    scope: tuple[tuple[str, tuple[str, ...], str], ...] = ()  # (dimension, values, default)
    aliases: tuple[str, ...] = ()


METRICS: tuple[MetricSpec, ...] = (
    MetricSpec("population", "population", "count", "stock", aliases=("inhabitants",),
               scope=(("basis", ("resident", "registered"), "resident"),)),
    MetricSpec("schools", "schools", "count", "stock", "non-decreasing",
               scope=(("sector", ("public", "all"), "public"),)),
    MetricSpec("hospitals", "hospitals", "count", "stock", "non-decreasing"),
    MetricSpec("libraries", "public libraries", "count", "stock", "non-decreasing", aliases=("libraries count",)),
    MetricSpec("unemployment_rate", "unemployment rate", "percent", "stock", aliases=("unemployment",)),
    MetricSpec("budget", "municipal budget", "amount", "flow", unit="EUR"),
    MetricSpec("tourist_arrivals", "tourist arrivals", "count", "flow", aliases=("tourists",)),
    MetricSpec("housing_starts", "housing starts", "count", "flow", aliases=("new homes started",)),
    MetricSpec("mayor", "mayor", "entity", "stock"),
    MetricSpec("founded", "founding date", "date", "fixed"),
    MetricSpec("area", "area in square kilometres", "number", "fixed"),
    MetricSpec("twin_towns", "twin towns named", "entity-set", "stock"),
    MetricSpec("twin_town_count", "twin towns", "count", "stock", aliases=("number of twin towns",)),
    MetricSpec("electric_cars", "electric cars registered", "count", "stock", "non-decreasing"),
)  # fmt: skip
SPECS = {spec.id: spec for spec in METRICS}
#: what the background states about a town (the country has only the hot metric)
TOWN_METRICS = tuple(spec.id for spec in METRICS if spec.id != "electric_cars")
HOT_METRIC = "electric_cars"
COUNTRY_ID, COUNTRY_NAME = "valdmark", "Valdmark"
STATISTICS = "statistics-valdmark"

#: (id, name, kinds of document it publishes, share of its sources relaying the statistics office)
OUTLETS: tuple[tuple[str, str, tuple[str, ...], float], ...] = (
    ("valdmark-herald", "Valdmark Herald", ("news-report", "analysis", "interview"), 0.2),
    ("northern-courier", "Northern Courier", ("news-report", "interview"), 0.2),
    ("coastal-tribune", "Coastal Tribune", ("news-report",), 0.1),
    ("morning-ledger", "Morning Ledger", ("news-report", "analysis"), 0.1),
    ("city-wire", "City Wire", ("news-report",), 0.3),
    ("regional-review", "Regional Review", ("analysis",), 0.0),
    ("radio-valdmark", "Radio Valdmark", ("interview", "news-report"), 0.1),
    (STATISTICS, "Statistics Valdmark", ("statistics",), 0.0),
    ("ministry-of-the-interior", "Ministry of the Interior", ("press-release", "official-document"), 0.0),
    ("association-of-municipalities", "Association of Municipalities", ("press-release", "analysis"), 0.0),
)

_ONSETS = ("b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "r", "s", "sk", "st", "t",
           "tr", "v", "w", "j", "fl")  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "a", "e", "o", "ä", "ö", "å", "é")
_CODAS = ("", "", "l", "n", "r", "s", "ld", "nd", "rk", "st", "m", "rn")
_TOWN_ENDINGS = ("by", "holm", "vik", "dal", "berg", "stad", "ås", "ered", "hult", "näs", "köping", "fors")
_SURNAME_ENDINGS = ("son", "ström", "lund", "ek", "gren", "berg", "qvist", "man")
_FIRST_NAMES = ("Ana", "Britt", "Carin", "Dag", "Edvin", "Frida", "Gustav", "Hedda", "Ivar", "Jonna", "Kalle",
                "Liv", "Magnus", "Nils", "Ottilia", "Pia", "Rune", "Sigrid", "Tomas", "Ulla", "Vera", "Wilma",
                "Åke", "Örjan", "Elin", "Hampus", "Ingrid", "Leif")  # fmt: skip
_NUMBER_WORDS = frozenset(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million "
    "billion trillion dozen first second third fourth fifth sixth seventh eighth ninth tenth half quarter "
    "yes no on off true false null some over under above below top".split()
)
_SMALL_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")


def fold(name: str) -> str:
    """A name's key with case, diacritics and punctuation removed (as claimcheck compares names)."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[\W_]+", "", bare.casefold())


def slug(name: str) -> str:
    """An id from a name: ASCII lowercase words joined by hyphens."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", bare.lower()).strip("-")


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _unique_names(rng: random.Random, count: int, make: Callable[[], str], taken: set[str]) -> list[str]:
    """``count`` names from ``make``, each folding to a key no other name (in ``taken``) has."""
    names: list[str] = []
    while len(names) < count:
        name = make()
        key = fold(name)
        if key in taken or any(fold(word) in _NUMBER_WORDS for word in name.split()):
            continue
        taken.add(key)
        taken.add(fold(f"City of {name}"))
        names.append(name)
    return names


# ---------------------------------------------------------------------- world


@dataclass
class Town:
    """A municipality and the true values of its metrics."""

    id: str
    name: str
    alias: str
    population: int
    registered: int  # people registered as residents, a little above the resident population
    schools: int
    private_schools: int
    hospitals: int
    libraries: int
    unemployment: float
    area: float
    founded: date
    budget: dict[int, float]  # million EUR by year
    tourists: dict[int, int]
    housing: dict[int, int]
    mayor: str = ""
    twins: tuple[str, ...] = ()


@dataclass
class Source:
    """One document: a claim file."""

    index: int
    id: str
    title: str
    publisher: str
    outlet: str
    kind: str
    origin: str
    published: Optional[date]  # None for an undated source
    estimate_year: int = 0  # an undated source was written between October of this year and March of the next
    url: str = ""
    size: int = CLAIMS_PER_FILE

    @property
    def year(self) -> int:
        """The year the source speaks from: its publication year, or the start of its estimate."""
        return self.published.year if self.published else self.estimate_year


@dataclass
class World:
    """Everything the claims are drawn from."""

    rng: random.Random
    towns: list[Town]
    persons: dict[str, str]  # id -> name
    spare_persons: list[str]  # ids of people who are mayor nowhere in the background
    sources: list[Source]
    dated: list[Source]  # by publication date
    days: list[date]  # their publication dates, for bisect
    undated: list[Source]
    reserved: set[tuple[str, str]] = field(default_factory=set)  # (town, metric) taken by a planted case
    hot_base: int = 0
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {town.id: i for i, town in enumerate(self.towns)}

    def town(self, town_id: str) -> Town:
        """A town by id."""
        return self.towns[self._index[town_id]]


def _flows(rng: random.Random, base: float, years: range, digits: int | None) -> dict[int, Any]:
    values = {}
    for year in years:
        value = base * (1 + 0.04 * (year - years.start)) * rng.uniform(0.9, 1.1)
        values[year] = round(value, digits) if digits else max(1, int(round(value)))
    return values


def _town(rng: random.Random, name: str) -> Town:
    population = int(math.exp(rng.uniform(math.log(2_000), math.log(400_000))))
    years = range(2019, 2026)
    return Town(
        id=slug(name),
        name=name,
        alias=f"City of {name}",
        population=population,
        registered=int(population * rng.uniform(1.03, 1.09)),
        schools=max(3, population // rng.randint(1_500, 3_000)),
        private_schools=max(1, population // rng.randint(8_000, 20_000)),
        hospitals=max(2, population // rng.randint(40_000, 90_000)),
        libraries=max(2, population // rng.randint(6_000, 15_000)),
        unemployment=round(rng.uniform(2.0, 12.0), 1),
        area=round(rng.uniform(15.0, 900.0), 1),
        founded=date(rng.randint(1100, 1950), rng.randint(1, 12), rng.randint(1, 28)),
        budget=_flows(rng, population * rng.uniform(0.0015, 0.003), years, 1),
        tourists=_flows(rng, population * rng.uniform(0.5, 4.0), years, None),
        housing=_flows(rng, population * rng.uniform(0.002, 0.008), years, None),
    )


def _sources(rng: random.Random, n_claims: int) -> list[Source]:
    """Sources with their dates and sizes; about one in a hundred is undated."""
    count = max(1, round(n_claims / CLAIMS_PER_FILE))
    undated = set(rng.sample(range(count), max(1, count // 100)))
    span = (LAST_DAY - FIRST_DAY).days
    sources = []
    for index in range(count):
        outlet, publisher, kinds, relays = OUTLETS[rng.randrange(len(OUTLETS))]
        kind = rng.choice(kinds)
        origin = STATISTICS if rng.random() < relays else outlet
        if index in undated:
            year = rng.randint(2022, 2023)
            sources.append(Source(index, f"{outlet}-undated-{index:05d}", f"{publisher} feature on the municipalities",
                                  publisher, outlet, kind, origin, None, year))  # fmt: skip
            continue
        day = FIRST_DAY + timedelta(days=rng.randint(0, span))
        day = day.replace(day=min(day.day, 28))  # no publication falls on a month's last days
        title = f"{publisher}, {day.day} {MONTHS[day.month - 1]} {day.year}"
        url = f"https://{outlet}.example/{day.isoformat()}/{index}" if rng.random() < 0.5 else ""
        sources.append(Source(index, f"{outlet}-{day.isoformat()}-{index:05d}", title, publisher, outlet, kind,
                              origin, day, url=url))  # fmt: skip
    sizes = [n_claims // count + (1 if i < n_claims % count else 0) for i in range(count)]
    for source, size in zip(sources, sizes, strict=True):
        source.size = size
    return sources


def build_world(n_claims: int, seed: int) -> World:
    """Towns, people and sources for a corpus of ``n_claims`` claims."""
    rng = random.Random(seed)
    taken = {fold(COUNTRY_NAME), fold(f"Republic of {COUNTRY_NAME}")} | {fold(name) for _, name, _, _ in OUTLETS}
    n_towns = max(50, n_claims // 100)
    town_names = _unique_names(rng, n_towns, lambda: (_syllable(rng) + rng.choice(_TOWN_ENDINGS)).capitalize(), taken)
    towns = [_town(rng, name) for name in town_names]
    n_persons = n_towns + 4 * _plants_per_verdict(n_claims, 6) + 10
    person_names = _unique_names(
        rng,
        n_persons,
        lambda: f"{rng.choice(_FIRST_NAMES)} {(_syllable(rng) + rng.choice(_SURNAME_ENDINGS)).capitalize()}",
        taken,
    )
    persons = {slug(name): name for name in person_names}
    ids = list(persons)
    for town, person in zip(towns, ids, strict=False):
        town.mayor = person
        others = [t.id for t in rng.sample(towns, 7) if t.id != town.id]
        town.twins = tuple(others[: rng.randint(2, 6)])
    sources = _sources(rng, n_claims)
    dated = sorted((s for s in sources if s.published), key=lambda s: (s.published, s.index))
    world = World(
        rng=rng,
        towns=towns,
        persons=persons,
        spare_persons=ids[n_towns:],
        sources=sources,
        dated=dated,
        days=[s.published for s in dated],  # type: ignore[misc]
        undated=[s for s in sources if not s.published],
    )
    world.hot_base = rng.randint(20_000, 40_000)
    return world


def hot_value(world: World, year: int) -> int:
    """The electric cars registered in Valdmark in ``year``: a figure that grows every year."""
    return int(world.hot_base * 1.35 ** (year - 2020))


# --------------------------------------------------------------- statements


@dataclass(frozen=True)
class When:
    """When a claim holds: its ``as_of`` or ``period`` text (None: the source's date), in words, and its year."""

    text: Optional[str | int]
    words: str
    year: int


def year_end(year: int) -> When:
    """As of the last day of ``year``."""
    return When(f"{year}-12-31", f" at the end of {year}", year)


def now(source: Source) -> When:
    """As of the source's publication (or its estimate)."""
    return When(None, "", source.year)


def _stock_time(rng: random.Random, source: Source) -> When:
    if source.published is None:
        return now(source) if rng.random() < 0.5 else year_end(source.year - 1)
    draw = rng.random()
    if draw < 0.4:
        return now(source)
    if draw < 0.8:
        return year_end(source.year - 1)
    day = source.published
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    return When(f"{year}-{month:02d}", f" in {MONTHS[month - 1]} {year}", year)


def _flow_year(rng: random.Random, source: Source) -> int:
    return max(2020, source.year - (2 if rng.random() < 0.2 else 1))


def _count_text(rng: random.Random, value: int) -> str:
    if value < 10 and rng.random() < 0.4:
        return _SMALL_WORDS[value]
    return f"{value:,}"


def _float_text(value: float) -> str:
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"


def _field(value: float) -> int | float:
    """A number as a claim file writes it: whole numbers without a decimal point."""
    return int(value) if float(value).is_integer() else round(value, 1)


def _nice(value: float, direction: str) -> float:
    """``value`` on two significant figures: rounded, or rounded "down" or "up"."""
    if value < 10:
        step = 1.0
    else:
        step = 10.0 ** (math.floor(math.log10(value)) - 1)
    scaled = value / step
    whole = {"down": math.floor, "up": math.ceil}.get(direction, round)(scaled)
    return whole * step


def _margin(stated: float, integral: bool) -> float:
    """How far "about" or "nearly" reaches from a figure: half its last significant digit, or the rules' tolerance
    when wider; at least 1 for a count."""
    margin = max(written_step(stated) / 2, abs(stated) * TOLERANCE)
    return max(margin, 1.0) if integral else margin


def _holds(precision: str, stated: float, true: float, integral: bool) -> bool:
    """Whether a figure stated with ``precision`` allows the true value."""
    margin = _margin(stated, integral)
    slack = 1e-6 * max(1.0, abs(stated))  # stay clear of the boundary: no agreement by rounding error
    if precision == "about":
        return abs(stated - true) <= margin - slack
    if precision == "nearly":
        return 0 <= stated - true <= margin - slack
    return stated + (1 if integral else slack) <= true  # more-than


def _bound(true: float, integral: bool) -> float:
    """A "more than" figure for ``true`` that lies below all that its "about" and "nearly" figures allow: a bound
    that covered only part of one would leave the two undetermined (checker.checks.value_conflict)."""
    about, nearly = _nice(true, ""), _nice(true, "up")
    lowest = min(about - _margin(about, integral), nearly - _margin(nearly, integral), true)
    bound = _nice(max(lowest, 0.0), "down")
    step = written_step(_nice(true, "")) if bound <= 0 else max(written_step(bound), 1.0)
    while bound + (1 if integral else 0) >= lowest and bound > 0:
        bound = _nice(bound - step, "down") if bound - step > 0 else 0.0
    return bound


_WORDS = {"about": ("about", "around", "roughly", "approximately", "some"), "nearly": ("nearly", "almost"),
          "more-than": ("more than", "over")}  # fmt: skip


@dataclass(frozen=True)
class Stated:
    """A number as a claim gives it: its value field, its precision field and its words in the quote."""

    value: Any
    precision: Optional[str]
    text: str


def state_number(
    rng: random.Random, true: float, integral: bool, words: Callable[[float], str], approximate: bool = True
) -> Stated:
    """The true value, exactly or (sometimes) rounded with a precision word that still allows it."""
    draw = rng.random() if approximate and true >= 20 else 1.0
    if draw < 0.08:
        low, high = _nice(true, "down"), _nice(true, "up")
        if low < true < high:
            return Stated({"min": _field(low), "max": _field(high)}, None, f"between {words(low)} and {words(high)}")
    elif draw < 0.3:
        precision = rng.choice(("about", "nearly", "more-than"))
        stated = (
            _bound(true, integral)
            if precision == "more-than"
            else _nice(true, {"about": "", "nearly": "up"}[precision])
        )
        if stated > 0 and _holds(precision, stated, true, integral):
            return Stated(_field(stated), precision, f"{rng.choice(_WORDS[precision])} {words(stated)}")
    return Stated(_field(true), None, words(true))


def claim(
    subject: str,
    metric: str,
    value: Any,
    quote: str,
    *,
    unit: str = "",
    precision: Optional[str] = None,
    when: Optional[When] = None,
    scope: Optional[dict[str, str]] = None,
    complete: bool = False,
    origin: str = "",
) -> Claim:
    """A claim without its id, keys in the canonical order (the id is given when its file is written)."""
    body: Claim = {"subject": subject, "metric": metric, "value": value}
    if unit:
        body["unit"] = unit
    if precision:
        body["precision"] = precision
    if when is not None and when.text is not None:
        body["period" if SPECS[metric].time == "flow" else "as_of"] = when.text
    if scope:
        body["scope"] = scope
    if complete:
        body["complete"] = True
    body["quote"] = quote[0].upper() + quote[1:]
    if origin:
        body["origin"] = origin
    return body


#: quote templates: {who} the subject as written, {n} the number with its precision word, {when} the time
TEMPLATES: dict[str, tuple[str, ...]] = {
    "population": ("{who} had {n} inhabitants{when}", "the population of {who} stood at {n}{when}"),
    "population/registered": ("{n} people were registered as residents of {who}{when}",),
    "schools": ("{who} had {n} public schools{when}", "there were {n} public schools in {who}{when}"),
    "schools/all": ("counting private ones, {who} had {n} schools{when}",),
    "hospitals": ("{who} had {n} hospitals{when}", "the hospitals of {who} numbered {n}{when}"),
    "libraries": ("there were {n} public libraries in {who}{when}", "{who} ran {n} public libraries{when}"),
    "unemployment_rate": ("unemployment in {who} was {n} per cent{when}",
                          "{who} recorded an unemployment rate of {n} per cent{when}"),
    "budget": ("{who} adopted a budget of {n}{when}", "the budget of {who} came to {n}{when}"),
    "tourist_arrivals": ("{who} welcomed {n} tourists{when}", "tourist arrivals in {who} reached {n}{when}"),
    "housing_starts": ("work began on {n} new homes in {who}{when}", "{who} saw {n} housing starts{when}"),
    "area": ("{who} covers {n} square kilometres", "the municipality of {who} has an area of {n} square kilometres"),
    "twin_town_count": ("{who} has {n} twin towns{when}", "{who} is twinned with {n} towns{when}"),
    "electric_cars": ("{n} electric cars were registered in {who}{when}",
                      "{who} counted {n} registered electric cars{when}"),
}  # fmt: skip


def _quote(rng: random.Random, key: str, who: str, number: str, when: str) -> str:
    return rng.choice(TEMPLATES[key]).format(who=who, n=number, when=when)


def _names(rng: random.Random, town: Town) -> tuple[str, str]:
    """How a claim names the town in its ``subject`` field and in its quote."""
    draw = rng.random()
    subject = town.id if draw < 0.85 else town.name if draw < 0.95 else town.alias
    return subject, (town.alias if rng.random() < 0.15 else town.name)


def _people(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _amount_text(value: float) -> str:
    return f"EUR {_float_text(value)} million"


def number_claim(
    world: World,
    metric: str,
    town: Town,
    true: float,
    when: When,
    approximate: bool = True,
    scope: Optional[dict[str, str]] = None,
    template: str = "",
) -> Claim:
    """A numeric claim about a town: the figure (maybe rounded) in one of the metric's sentences."""
    rng = world.rng
    spec = SPECS[metric]
    integral = spec.kind == "count"
    if integral:
        stated = state_number(rng, true, True, lambda x: _count_text(rng, int(x)), approximate)
    else:
        stated = state_number(rng, true, False, _amount_text if metric == "budget" else _float_text, approximate)
    subject, who = _names(rng, town)
    time_words = f" in {when.year}" if spec.time == "flow" else when.words
    if metric == "budget":
        time_words = f" for {when.year}"
    if isinstance(when.text, str) and when.text.endswith("-H1"):
        time_words = f" from January to June {when.year}"
    quote = _quote(rng, template or metric, who, stated.text, time_words)
    unit = "million EUR" if metric == "budget" else ""
    origin = STATISTICS if rng.random() < 0.03 else ""
    return claim(subject, metric, stated.value, quote, unit=unit, precision=stated.precision, when=when,
                 scope=scope, origin=origin)  # fmt: skip


def mayor_claim(world: World, town: Town, person: str, when: When) -> Claim:
    """Who was mayor of a town."""
    rng = world.rng
    subject, who = _names(rng, town)
    name = world.persons[person]
    if when.text is None:
        quote = rng.choice((f"{who} mayor {name}", f"{name}, the mayor of {who}"))
    else:
        quote = f"{name} was mayor of {who}{when.words}"
    value = person if rng.random() < 0.7 else name
    return claim(subject, "mayor", value, quote, when=when)


def founded_claim(world: World, town: Town, day: date, year_only: bool = False) -> Claim:
    """When a town was founded, to the day or the year."""
    subject, who = _names(world.rng, town)
    if year_only:
        return claim(subject, "founded", day.year, f"{who} was founded in {day.year}")
    words = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return claim(subject, "founded", day.isoformat(), f"{who} was founded on {words}")


def twins_claim(world: World, town: Town, members: list[str], when: When, how: str) -> Claim:
    """A list of twin towns: ``how`` is "complete" (the full list, said to be), "full" or "partial"."""
    rng = world.rng
    subject, who = _names(rng, town)
    names = _people([world.town(member).name for member in members])
    if how == "complete":
        quote = f"the twin towns of {who} are {names}{when.words}"
    elif how == "partial":
        quote = f"among the twin towns of {who} are {names}{when.words}"
    else:
        quote = f"{who} is twinned with {names}{when.words}"
    return claim(subject, "twin_towns", list(members), quote, when=when, complete=how == "complete")


#: the Town field holding each numeric metric's true value: one value, or one a year
_STEADY = {"population": "population", "schools": "schools", "hospitals": "hospitals", "libraries": "libraries",
           "unemployment_rate": "unemployment", "area": "area"}  # fmt: skip
_YEARLY = {"budget": "budget", "tourist_arrivals": "tourists", "housing_starts": "housing"}


def truth(town: Town, metric: str, year: int) -> float:
    """The true value of a numeric metric of a town in ``year``."""
    if metric in _YEARLY:
        return getattr(town, _YEARLY[metric])[year]
    if metric == "twin_town_count":
        return len(town.twins)
    return getattr(town, _STEADY[metric])


def _explicit_scope(rng: random.Random, metric: str) -> Optional[dict[str, str]]:
    """Now and then a claim writes out its metric's default scope."""
    dims = SPECS[metric].scope
    if dims and rng.random() < 0.2:
        return {dims[0][0]: dims[0][2]}
    return None


def background(world: World, source: Source, town: Town, metric: str, room: int) -> list[Claim]:
    """Consistent claims of one town's metric from one source (a count comes with its full list)."""
    rng = world.rng
    spec = SPECS[metric]
    when = _stock_time(rng, source) if spec.time == "stock" else None
    if metric == "mayor":
        return [mayor_claim(world, town, town.mayor, when)]  # type: ignore[arg-type]
    if metric == "founded":
        return [founded_claim(world, town, town.founded, year_only=rng.random() < 0.2)]
    if metric == "twin_towns":
        assert when is not None
        cut = rng.randint(1, len(town.twins))
        how = "complete" if cut == len(town.twins) and rng.random() < 0.5 else "full"
        return [twins_claim(world, town, list(town.twins[:cut]), when, how if cut == len(town.twins) else "partial")]
    if metric == "twin_town_count":
        assert when is not None
        if room < 2:
            return []
        count = number_claim(world, metric, town, len(town.twins), when, approximate=False)
        return [count, twins_claim(world, town, list(town.twins), when, rng.choice(("complete", "full")))]
    if spec.time == "fixed":
        when = When(None, "", source.year)
    elif when is None:
        year = _flow_year(rng, source)
        when = When(year, "", year)
    return [number_claim(world, metric, town, truth(town, metric, when.year), when,
                         scope=_explicit_scope(rng, metric))]  # fmt: skip


def hot_claim(world: World, source: Source) -> Claim:
    """A claim about the electric cars registered in Valdmark, true at its time."""
    rng = world.rng
    when = _stock_time(rng, source)
    true = hot_value(world, when.year)
    stated = state_number(rng, true, True, lambda x: f"{int(x):,}")
    who = COUNTRY_NAME if rng.random() < 0.8 else f"the Republic of {COUNTRY_NAME}"
    quote = _quote(rng, HOT_METRIC, who, stated.text, when.words)
    return claim(COUNTRY_ID, HOT_METRIC, stated.value, quote, precision=stated.precision, when=when)


# ------------------------------------------------------------------- planting


@dataclass(frozen=True)
class Planted:
    """A discrepancy planted on purpose, and the verdict the engine should give it."""

    subject: str
    metric: str
    verdict: str
    case: str


Placed = list[tuple[Source, Claim]]


def _after(world: World, day: date, count: int, before: Optional[date] = None) -> list[Source]:
    """``count`` distinct dated sources published after ``day`` (and before ``before``), at random."""
    start = bisect.bisect_right(world.days, day)
    end = bisect.bisect_left(world.days, before) if before else len(world.days)
    pool = world.dated[start:end]
    if len(pool) < count:
        raise ValueError(f"too few sources published after {day}: generate more claims")
    return world.rng.sample(pool, count)


def _free_town(world: World, *metrics: str) -> Town:
    """A town none of whose ``metrics`` is taken by another planted case; they are now taken."""
    while True:
        town = world.rng.choice(world.towns)
        if all((town.id, metric) not in world.reserved for metric in metrics):
            world.reserved.update((town.id, metric) for metric in metrics)
            return town


def _lower(value: float, integral: bool) -> float:
    return max(1, value - max(2, round(value * 0.25))) if integral else round(value * 0.75, 1)


def _higher(value: float, integral: bool) -> float:
    return value + max(2, round(value * 0.25)) if integral else round(value * 1.25, 1)


def plant_stock_contradiction(world: World, metric: str) -> tuple[Placed, Planted]:
    """Two sources give different figures as of the same year end; a fall, for a count that only grows."""
    rng = world.rng
    town = _free_town(world, metric)
    year = rng.randint(2021, 2023)
    value = truth(town, metric, year)
    integral = SPECS[metric].kind == "count"
    wrong = _lower(value, integral) if SPECS[metric].trend != "any" or rng.random() < 0.5 else _higher(value, integral)
    a, b, c, d = _after(world, date(year, 12, 31), 4)
    placed = [
        (a, number_claim(world, metric, town, value, year_end(year), approximate=False)),
        (b, number_claim(world, metric, town, value, year_end(year - 1), approximate=False)),
        (c, number_claim(world, metric, town, value, now(c), approximate=False)),
        (d, number_claim(world, metric, town, wrong, year_end(year), approximate=False)),
    ]
    return placed, Planted(town.id, metric, "contradiction", f"{metric}-same-date")


def plant_flow_contradiction(world: World, metric: str) -> tuple[Placed, Planted]:
    """Two sources give different figures for the same year."""
    rng = world.rng
    town = _free_town(world, metric)
    year = rng.randint(2021, 2023)
    value = truth(town, metric, year)
    a, b, c = _after(world, date(year, 12, 31), 3)
    when = When(year, "", year)
    placed = [
        (a, number_claim(world, metric, town, value, when, approximate=False)),
        (b, number_claim(world, metric, town, truth(town, metric, year - 1), When(year - 1, "", year - 1))),
        (c, number_claim(world, metric, town, _higher(value, metric != "budget"), when, approximate=False)),
    ]
    return placed, Planted(town.id, metric, "contradiction", f"{metric}-same-year")


def plant_founding_contradiction(world: World) -> tuple[Placed, Planted]:
    """A founding date seven years off, against the day and the year others give."""
    town = _free_town(world, "founded")
    a, b, c = _after(world, FIRST_DAY, 3)
    wrong = town.founded.replace(year=town.founded.year + 7)
    placed = [
        (a, founded_claim(world, town, town.founded)),
        (b, founded_claim(world, town, town.founded, year_only=True)),
        (c, founded_claim(world, town, wrong)),
    ]
    return placed, Planted(town.id, "founded", "contradiction", "founded-other-year")


def _two_people(world: World) -> tuple[str, str]:
    first, second = world.spare_persons.pop(), world.spare_persons.pop()
    return (first, second) if first < second else (second, first)


def plant_mayor_contradiction(world: World) -> tuple[Placed, Planted]:
    """Two mayors at the same year end (the later in id order comes last, so no return to office is seen)."""
    town = _free_town(world, "mayor")
    year = world.rng.randint(2021, 2023)
    holder, rival = _two_people(world)
    a, b, c = _after(world, date(year, 12, 31), 3)
    placed = [
        (a, mayor_claim(world, town, holder, year_end(year - 1))),
        (b, mayor_claim(world, town, holder, year_end(year))),
        (c, mayor_claim(world, town, rival, year_end(year))),
    ]
    return placed, Planted(town.id, "mayor", "contradiction", "two-mayors")


def _other_towns(world: World, town: Town, count: int) -> list[str]:
    """``count`` towns that are neither ``town`` nor among its twins."""
    taken = {town.id, *town.twins}
    pool = [t.id for t in world.rng.sample(world.towns, count + len(taken)) if t.id not in taken]
    return pool[:count]


def plant_list_excess(world: World) -> tuple[Placed, Planted]:
    """A count of twin towns, and a list of two more from the same source."""
    town = _free_town(world, "twin_towns", "twin_town_count")
    year = world.rng.randint(2021, 2023)
    count = len(town.twins)
    members = list(town.twins) + _other_towns(world, town, 2)
    a, b = _after(world, date(year, 12, 31), 2)
    placed = [
        (a, number_claim(world, "twin_town_count", town, count, year_end(year), approximate=False)),
        (a, twins_claim(world, town, members, year_end(year), "full")),
        (b, number_claim(world, "twin_town_count", town, count, year_end(year - 1), approximate=False)),
    ]
    return placed, Planted(town.id, "twin_town_count", "contradiction", "list-longer-than-count")


def _half_year(year: int) -> When:
    return When(f"{year}-H1", f" from January to June {year}", year)


def plant_parts(world: World, verdict: str) -> tuple[Placed, Planted]:
    """A first-half figure against the year's: above it (contradiction) or within it (timing)."""
    town = _free_town(world, "tourist_arrivals")
    year = world.rng.randint(2021, 2023)
    value = truth(town, "tourist_arrivals", year)
    half = round(value * 1.3) if verdict == "contradiction" else round(value * 0.45)
    a, b, c = _after(world, date(year, 12, 31), 3)
    placed = [
        (a, number_claim(world, "tourist_arrivals", town, value, When(year, "", year), approximate=False)),
        (b, number_claim(world, "tourist_arrivals", town, value, When(year, "", year), approximate=False)),
        (c, number_claim(world, "tourist_arrivals", town, half, _half_year(year), approximate=False)),
    ]
    name = "half-year-above-year" if verdict == "contradiction" else "half-year-within-year"
    return placed, Planted(town.id, "tourist_arrivals", verdict, name)


def plant_stock_timing(world: World, metric: str) -> tuple[Placed, Planted]:
    """A figure steady over two year ends, then another source's new figure a year later."""
    town = _free_town(world, metric)
    year = world.rng.randint(2021, 2022)
    value = truth(town, metric, year)
    integral = SPECS[metric].kind == "count"
    moved = (
        _higher(value, integral)
        if SPECS[metric].trend != "any" or world.rng.random() < 0.5
        else _lower(value, integral)
    )
    a, b, c = _after(world, date(year + 1, 12, 31), 3)
    placed = [
        (a, number_claim(world, metric, town, value, year_end(year - 1), approximate=False)),
        (b, number_claim(world, metric, town, value, year_end(year), approximate=False)),
        (c, number_claim(world, metric, town, moved, year_end(year + 1), approximate=False)),
    ]
    return placed, Planted(town.id, metric, "timing", f"{metric}-changed")


def plant_mayor_timing(world: World) -> tuple[Placed, Planted]:
    """A new mayor named a year after two sources named the old one."""
    town = _free_town(world, "mayor")
    year = world.rng.randint(2021, 2022)
    old, new = _two_people(world)
    a, b, c = _after(world, date(year + 1, 12, 31), 3)
    placed = [
        (a, mayor_claim(world, town, old, year_end(year - 1))),
        (b, mayor_claim(world, town, old, year_end(year))),
        (c, mayor_claim(world, town, new, year_end(year + 1))),
    ]
    return placed, Planted(town.id, "mayor", "timing", "new-mayor")


def plant_scope(world: World, metric: str) -> tuple[Placed, Planted]:
    """The default scope's figure against another scope's: registered population, or all schools."""
    town = _free_town(world, metric)
    year = world.rng.randint(2021, 2023)
    value = truth(town, metric, year)
    if metric == "population":
        other, scope, template = town.registered, {"basis": "registered"}, "population/registered"
    else:
        other, scope, template = town.schools + town.private_schools, {"sector": "all"}, "schools/all"
    # the other scope's figure is published first, so a later source's current figure follows it in time
    c, a, b = sorted(_after(world, date(year, 12, 31), 3), key=lambda s: (s.published, s.index))
    dimension, _, usual = SPECS[metric].scope[0]
    default = {dimension: usual}
    placed = [
        (a, number_claim(world, metric, town, value, year_end(year), approximate=False)),
        (b, number_claim(world, metric, town, value, now(b), approximate=False, scope=default)),
        (c, number_claim(world, metric, town, other, year_end(year), approximate=False, scope=scope,
                         template=template)),
    ]  # fmt: skip
    return placed, Planted(town.id, metric, "scope", f"{metric}-{next(iter(scope.values()))}")


def plant_stale(world: World, metric: str) -> tuple[Placed, Planted]:
    """Two sources report a new, higher figure; a source published later gives the old one as current."""
    rng = world.rng
    town = _free_town(world, metric)
    late = rng.choice([s for s in world.dated[len(world.dated) // 2 :] if s.published.year >= 2023])  # type: ignore[union-attr]
    year = late.year - 2
    old = truth(town, metric, year)
    new = _higher(old, True)
    a, b = _after(world, date(year, 12, 31), 2, before=late.published)
    placed = [
        (a, number_claim(world, metric, town, new, year_end(year), approximate=False)),
        (b, number_claim(world, metric, town, new, now(b), approximate=False)),
        (late, number_claim(world, metric, town, old, now(late), approximate=False)),
    ]
    return placed, Planted(town.id, metric, "stale", f"{metric}-old-figure-as-current")


def plant_shortfall(world: World) -> tuple[Placed, Planted]:
    """A full list with its count one year; the next, the same count with only part of the list."""
    town = _free_town(world, "twin_towns", "twin_town_count")
    year = world.rng.randint(2021, 2022)
    count = len(town.twins)
    a, b = _after(world, date(year + 1, 12, 31), 2)
    placed = [
        (a, number_claim(world, "twin_town_count", town, count, year_end(year), approximate=False)),
        (a, twins_claim(world, town, list(town.twins), year_end(year), "complete")),
        (b, number_claim(world, "twin_town_count", town, count, year_end(year + 1), approximate=False)),
        (b, twins_claim(world, town, list(town.twins[: count - 1]), year_end(year + 1), "partial")),
    ]
    return placed, Planted(town.id, "twin_town_count", "shortfall", "list-shorter-than-count")


def plant_undetermined(world: World, metric: str) -> tuple[Placed, Planted]:
    """An undated source's current figure against dated figures within the span it was likely written in."""
    rng = world.rng
    town = _free_town(world, metric)
    undated = rng.choice(world.undated)
    year = undated.estimate_year
    value = truth(town, metric, year)
    a, b = _after(world, date(year, 12, 31), 2)
    integral = SPECS[metric].kind == "count"
    placed = [
        (a, number_claim(world, metric, town, value, year_end(year), approximate=False)),
        (b, number_claim(world, metric, town, value, year_end(year), approximate=False)),
        (undated, number_claim(world, metric, town, _higher(value, integral), now(undated), approximate=False)),
    ]
    return placed, Planted(town.id, metric, "undetermined", f"{metric}-undated-source")


Plant = Callable[[World], tuple[Placed, Planted]]

#: every case, by verdict; each verdict's cases are planted in turn
CASES: dict[str, tuple[Plant, ...]] = {
    "contradiction": (
        lambda w: plant_stock_contradiction(w, "hospitals"),
        lambda w: plant_flow_contradiction(w, "budget"),
        plant_founding_contradiction,
        plant_mayor_contradiction,
        plant_list_excess,
        lambda w: plant_parts(w, "contradiction"),
        lambda w: plant_stock_contradiction(w, "population"),
        lambda w: plant_flow_contradiction(w, "housing_starts"),
    ),
    "timing": (
        lambda w: plant_stock_timing(w, "unemployment_rate"),
        lambda w: plant_stock_timing(w, "libraries"),
        plant_mayor_timing,
        lambda w: plant_parts(w, "timing"),
    ),
    "scope": (lambda w: plant_scope(w, "population"), lambda w: plant_scope(w, "schools")),
    "stale": (lambda w: plant_stale(w, "schools"), lambda w: plant_stale(w, "libraries")),
    "shortfall": (plant_shortfall,),
    "undetermined": (lambda w: plant_undetermined(w, "population"), lambda w: plant_undetermined(w, "hospitals")),
}


def _plants_per_verdict(n_claims: int, cases: int) -> int:
    return max(cases, 3, round(n_claims / CLAIMS_PER_PLANT))


def plant_all(world: World, n_claims: int) -> tuple[dict[int, list[Claim]], list[Planted]]:
    """Every planted case: its claims by source index, and what was planted."""
    by_source: dict[int, list[Claim]] = {}
    planted = [Planted(COUNTRY_ID, HOT_METRIC, "timing", "hot-figure-grows-yearly")]
    for cases in CASES.values():
        for number in range(_plants_per_verdict(n_claims, len(cases))):
            placed, what = cases[number % len(cases)](world)
            planted.append(what)
            for source, body in placed:
                by_source.setdefault(source.index, []).append(body)
    return by_source, sorted(planted, key=lambda p: (p.subject, p.metric, p.verdict))


def fill(world: World, source: Source, planted: list[Claim]) -> list[Claim]:
    """Background claims up to the source's size, with its planted claims at random places among them."""
    rng = world.rng
    out: list[Claim] = []
    size = source.size - len(planted)
    said: set[tuple[str, str]] = set()  # a source states each town's metric once
    while len(out) < size:
        if source.published is not None and rng.random() < HOT_SHARE:
            out.append(hot_claim(world, source))
            continue
        town = world.towns[rng.randrange(len(world.towns))]
        metric = TOWN_METRICS[rng.randrange(len(TOWN_METRICS))]
        if (town.id, metric) not in world.reserved and (town.id, metric) not in said:
            said.add((town.id, metric))
            out.extend(background(world, source, town, metric, size - len(out)))
    for body in planted:
        out.insert(rng.randrange(len(out) + 1), body)
    return out


# --------------------------------------------------------------------- output

_TIME = re.compile(r"^\d{4}(-(H[12]|Q[1-4]|\d{2}(-\d{2})?))?(/\d{4}(-(H[12]|Q[1-4]|\d{2}(-\d{2})?))?)?$")
_PLAIN = re.compile(r"^[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f .,;'()/-]*[\w.)]$")
_YAML_WORDS = frozenset("yes no on off true false null y n".split())


def yaml_scalar(value: Any, key: str = "") -> str:
    """A value as canonical claim files write it: quotes double-quoted, times and plain words unquoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {yaml_scalar(v)}" for k, v in value.items()) + "}"
    if key != "quote" and (_TIME.match(value) or (_PLAIN.match(value) and value.lower() not in _YAML_WORDS)):
        if ": " not in value and " #" not in value:
            return value
    return json.dumps(value, ensure_ascii=False)


def _numbered(claims: list[Claim]) -> list[Claim]:
    return [{"id": f"c{i:03d}-{body['metric'].replace('_', '-')}", **body} for i, body in enumerate(claims, 1)]


def source_block(source: Source) -> dict[str, Any]:
    """The ``source:`` mapping of a claim file, keys in the canonical order."""
    block: dict[str, Any] = {"id": source.id, "title": source.title, "publisher": source.publisher,
                             "kind": source.kind}  # fmt: skip
    if source.published:
        block["published"] = source.published.isoformat()
    else:
        y = source.estimate_year
        block["undated"] = {"estimate": f"{y}-10/{y + 1}-03",
                            "argument": f"the page carries no date; it reports the municipal figures of late {y}"}  # fmt: skip
    block["origin"] = source.origin
    if source.url:
        block["url"] = source.url
    return block


def yaml_document(source: dict[str, Any], claims: list[Claim]) -> str:
    """A claim file in canonical YAML."""
    lines = ["source:"]
    for key, value in source.items():
        if isinstance(value, dict):
            lines.append(f"  {key}:")
            lines.extend(f"    {k}: {yaml_scalar(v, k)}" for k, v in value.items())
        else:
            lines.append(f"  {key}: {yaml_scalar(value, key)}")
    lines.append("claims:")
    for body in claims:
        first = True
        for key, value in body.items():
            lines.append(f"{'  - ' if first else '    '}{key}: {yaml_scalar(value, key)}")
            first = False
    return "\n".join(lines) + "\n"


def write_claims(world: World, planted: dict[int, list[Claim]], folder: Path, fmt: str) -> int:
    """Write one claim file per source; return the number of claims written."""
    folder.mkdir(parents=True, exist_ok=True)
    total = 0
    for source in world.sources:
        claims = _numbered(fill(world, source, planted.get(source.index, [])))
        total += len(claims)
        block = source_block(source)
        if fmt == "yaml":
            (folder / f"{source.id}.yaml").write_text(yaml_document(block, claims), "utf-8")
        else:
            (folder / f"{source.id}.jsonl").write_bytes(orjson.dumps({"source": block, "claims": claims}) + b"\n")
    return total


def _metric_lines(spec: MetricSpec) -> list[str]:
    lines = [f"  {spec.id}:", f"    label: {spec.label}", f"    kind: {spec.kind}", f"    time: {spec.time}"]
    if spec.trend != "any":
        lines.append(f"    trend: {spec.trend}")
    if spec.unit:
        lines.append(f"    unit: {spec.unit}")
    if spec.aliases:
        lines.append(f"    aliases: {yaml_scalar(list(spec.aliases))}")
    if spec.scope:
        lines.append("    scope:")
        for dim, values, default in spec.scope:
            lines.append(f"      {dim}: {{values: {yaml_scalar(list(values))}, default: {default}}}")
    return lines


RULES_HEADER = "# Synthetic vocabulary of bench/generate.py: a fictional country and its municipalities.\n"
CHECKS = """checks:
  value-conflict:
    severity: {contradiction: error, undetermined: warning, timing: info, scope: info}
    options: {tolerance: 0.1, defer_stale: true}
  stale-figure:
    severity: {stale: warning}
  list-vs-total:
    severity: {contradiction: error, shortfall: warning, consistent: info}
"""
RELATIONS = """relations:
  - kind: list-total
    id: twin-towns-listed
    lists: [twin_towns]
    total: twin_town_count
"""


def _entity(entity_id: str, name: str, kind: str, aliases: tuple[str, ...] = ()) -> str:
    extra = f", aliases: {yaml_scalar(list(aliases))}" if aliases else ""
    return f"  {entity_id}: {{name: {yaml_scalar(name)}, kind: {kind}{extra}}}"


def write_rules(world: World, folder: Path) -> None:
    """The vocabulary: metrics, the list-total relation, entities and check settings."""
    folder.mkdir(parents=True, exist_ok=True)
    metrics = [line for spec in METRICS for line in _metric_lines(spec)]
    (folder / "metrics.yaml").write_text(RULES_HEADER + "metrics:\n" + "\n".join(metrics) + "\n" + RELATIONS, "utf-8")
    entities = [_entity(COUNTRY_ID, COUNTRY_NAME, "country", (f"Republic of {COUNTRY_NAME}",))]
    entities += [_entity(outlet, name, "organisation") for outlet, name, _, _ in OUTLETS]
    entities += [_entity(t.id, t.name, "municipality", (t.alias,)) for t in world.towns]
    entities += [_entity(pid, name, "person") for pid, name in world.persons.items()]
    (folder / "entities.yaml").write_text(RULES_HEADER + "entities:\n" + "\n".join(entities) + "\n", "utf-8")
    (folder / "checks.yaml").write_text(RULES_HEADER + CHECKS, "utf-8")


# ----------------------------------------------------------------------- main


@dataclass(frozen=True)
class Summary:
    """What a generation wrote."""

    claims: int
    files: int
    planted: int
    seconds: float


def manifest(n_claims: int, fmt: str, seed: int) -> dict[str, Any]:
    """What identifies a corpus: equal manifests mean byte-identical corpora."""
    return {"generator": GENERATOR_VERSION, "claims": n_claims, "format": fmt, "seed": seed}


def generate(n_claims: int, fmt: str, out_dir: Path, seed: int = DEFAULT_SEED) -> Summary:
    """Write a corpus of ``n_claims`` claims in ``fmt`` under ``out_dir`` (rules/, claims/, planted.json)."""
    if fmt not in FORMATS:
        raise ValueError(f'unknown format "{fmt}"; formats: {", ".join(FORMATS)}')
    if n_claims < MIN_CLAIMS:
        raise ValueError(f"a corpus needs at least {MIN_CLAIMS} claims")
    started = time.perf_counter()
    world = build_world(n_claims, seed)
    by_source, planted = plant_all(world, n_claims)
    write_rules(world, out_dir / "rules")
    total = write_claims(world, by_source, out_dir / "claims", fmt)
    rows = [{"subject": p.subject, "metric": p.metric, "verdict": p.verdict, "case": p.case} for p in planted]
    (out_dir / "planted.json").write_bytes(orjson.dumps(rows, option=orjson.OPT_INDENT_2) + b"\n")
    (out_dir / "manifest.json").write_bytes(orjson.dumps(manifest(n_claims, fmt, seed)) + b"\n")
    return Summary(total, len(world.sources), len(planted), time.perf_counter() - started)


def main(argv: Optional[list[str]] = None) -> int:
    """Command line: generate one corpus."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, required=True, help="how many claims")
    parser.add_argument("--format", choices=FORMATS, default="yaml")
    parser.add_argument("--out", type=Path, required=True, help="folder to write (its rules/ and claims/ are new)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    if (args.out / "claims").exists():
        parser.error(f"{args.out / 'claims'} exists: choose an empty folder")
    summary = generate(args.claims, args.format, args.out, args.seed)
    print(f"{summary.claims} claims in {summary.files} files, {summary.planted} planted cases, "
          f"{summary.seconds:.1f} s: {args.out}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
