"""The data model of claim files and rules files.

These pydantic models are the single definition of both formats: the JSON
Schemas published in ``checker/formats/schemas/`` are generated from them
(``claimcheck schema NAME``), and a test proves the two agree.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal, TypeVar, Union

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema
from pydantic_core import PydanticCustomError

from checker.model.findings import SEVERITIES
from checker.model.timespec import PATTERN as TIME_PATTERN
from checker.model.timespec import parse_time

ID_PATTERN = r"^[a-z0-9][a-z0-9_.-]*$"
Identifier = Annotated[str, Field(pattern=ID_PATTERN, max_length=200)]
#: a time text (see checker.model.timespec); a bare year may be written unquoted
TimeText = Union[Annotated[StrictInt, Field(ge=1000, le=9999)], Annotated[str, Field(pattern=TIME_PATTERN)]]
NonEmpty = Annotated[str, Field(min_length=1)]
#: the longest quote: a fragment of a text, not the text (a paragraph is a few hundred characters)
MAX_QUOTE_CHARS = 10_000
#: the largest magnitude of a stated number: beyond any figure a source states, and far enough from the
#: limits of floating point that unit conversions, margins and sums stay finite
NUMBER_LIMIT = 1e100


def _ordinary(number: Any) -> Any:
    """``number`` itself when it is within NUMBER_LIMIT (booleans and non-numbers pass through)."""
    if (
        isinstance(number, (int, float))
        and not isinstance(number, bool)
        and not -NUMBER_LIMIT <= number <= NUMBER_LIMIT
    ):
        raise ValueError("a number beyond ±1e100 is not a figure a source states")
    return number


T = TypeVar("T")
#: an optional key: it may be left out, but not written as null
Opt = Union[T, SkipJsonSchema[None]]


#: the error type of a key written as null, whose context names the key
NULL_KEY = "null_key"


class Strict(BaseModel):
    """Base of every file model: unknown keys and NaN are errors."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True, defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _no_nulls(cls, data: Any) -> Any:
        if isinstance(data, dict):
            for key, value in data.items():
                if value is None:  # the loader places the problem at the key (NULL_KEY)
                    raise PydanticCustomError(NULL_KEY, "no value: give it one or leave the key out", {"key": key})
        return data


# --------------------------------------------------------------------- claims


class SourceKind(str, Enum):
    """What kind of document a source is."""

    news_report = "news-report"
    interview = "interview"
    analysis = "analysis"
    official_document = "official-document"
    press_release = "press-release"
    statistics = "statistics"
    dataset = "dataset"
    other = "other"


class Precision(str, Enum):
    """How exactly a number was stated, in the source's own words."""

    exact = "exact"
    about = "about"  # "about", "approximately", "around", "some"
    nearly = "nearly"  # "nearly", "almost", "close to": a little below
    more_than = "more-than"  # "more than", "over", "above", "surpassing"
    at_least = "at-least"
    less_than = "less-than"  # "less than", "under", "below"
    at_most = "at-most"
    range = "range"


class Undated(Strict):
    """A source that gives no date: the best estimate and the argument for it."""

    estimate: Opt[TimeText] = Field(
        None, description="span in which the source was most likely written, e.g. 2025-10/2026-01"
    )
    argument: NonEmpty = Field(description="why the estimate holds, from the text")


class Source(Strict):
    """Who says it: one document."""

    model_config = ConfigDict(json_schema_extra={"oneOf": [{"required": ["published"]}, {"required": ["undated"]}]})

    id: Identifier = Field(description="stable id of the source, unique in the corpus")
    title: NonEmpty
    publisher: NonEmpty = Field(description="outlet or body that published the document")
    kind: SourceKind
    published: Opt[TimeText] = Field(None, description="publication date, as precise as the text gives")
    undated: Opt[Undated] = Field(None, description="use instead of `published` when the text gives no date")
    origin: Opt[Identifier] = Field(
        None,
        description="entity the claims are attributed to (the speaker or body); the same origin quoted by "
        "two outlets is one origin",
    )
    author: Opt[str] = None
    url: Opt[str] = None
    archive: Opt[str] = Field(None, description="path of an archived copy of the text, relative to this file")
    language: Opt[str] = None
    note: Opt[str] = None

    @model_validator(mode="after")
    def _dated_or_undated(self) -> "Source":
        if (self.published is None) == (self.undated is None):
            raise ValueError("give exactly one of `published` (a date) or `undated` (an estimate and its argument)")
        return self


class Range(Strict):
    """A stated range of values: "between 10 and 12"."""

    min: Union[StrictInt, StrictFloat]
    max: Union[StrictInt, StrictFloat]

    _bounded = field_validator("min", "max")(_ordinary)

    @model_validator(mode="after")
    def _ordered(self) -> "Range":
        if self.max < self.min:
            raise ValueError("range `max` is below its `min`")
        return self


class Derivation(Strict):
    """How a claim that no source states outright follows from stated ones."""

    from_: list[Identifier] = Field(
        default_factory=list, alias="from", description="ids of the claims in this file it is derived from, if any"
    )
    how: NonEmpty = Field(description="the arithmetic or reasoning, e.g. 77 - 7 = 70")


Value = Union[StrictBool, StrictInt, StrictFloat, StrictStr, list[StrictStr], Range]

#: the keys of the formats whose value is a time text (see checker.model.timespec)
TIME_KEYS = frozenset({"published", "estimate", "as_of", "period", "since", "on"})


class Claim(Strict):
    """What a source says: one value of one metric of one subject, at a time, in a scope."""

    model_config = ConfigDict(
        json_schema_extra={
            "not": {
                "anyOf": [
                    {"required": ["as_of", "period"]},
                    {"required": ["as_of", "since"]},
                    {"required": ["period", "since"]},
                ]
            }
        }
    )

    id: Identifier = Field(description="unique within its file")
    subject: NonEmpty = Field(description="entity id or alias the claim is about")
    metric: NonEmpty = Field(description="metric id or alias from the vocabulary in rules/")
    value: Value = Field(
        description="a number, a text, a date, an entity, a list of entities, or {min, max} for a range"
    )
    unit: Opt[str] = Field(None, description='unit of an amount, with its magnitude: "billion USD"')
    precision: Precision = Field(Precision.exact, description="how exactly the source states the number")
    as_of: Opt[TimeText] = Field(None, description="when a stock held (a point, or the span it lies in)")
    period: Opt[TimeText] = Field(None, description="the span over which a flow was counted")
    since: Opt[TimeText] = Field(
        None,
        description='for a stock: the value holds from this date on, until it changes ("from 1 July, 9 regions"); '
        "unlike `as_of`, it says that the value changed then",
    )
    to_date: Opt[StrictBool] = Field(
        None,
        description="for a flow: true when the figure counts its period only so far, up to the source's date "
        '("so far this year"); inferred when a dated source was published before the period ended',
    )
    scope: dict[Identifier, Identifier] = Field(
        default_factory=dict, description="scope qualifiers, dimension: value, as the metric declares them"
    )
    complete: Opt[StrictBool] = Field(None, description="for a list: true when the source presents it as the full list")
    qualifier: Opt[Identifier] = Field(
        None,
        description="for a holder of an office or role (an entity value): the capacity the source gives, such as "
        '"acting" or "interim"; the same holder as without it ("acting minister X", then "minister X": one tenure)',
    )
    quote: Annotated[str, Field(min_length=1, max_length=MAX_QUOTE_CHARS)] = Field(
        description="the verbatim fragment of the source the claim rests on"
    )
    origin: Opt[Identifier] = Field(None, description="overrides the source's origin for this claim")
    derived: Opt[Derivation] = None
    note: Opt[str] = Field(None, description="the analyst's note")

    _bounded = field_validator("value")(_ordinary)

    @model_validator(mode="after")
    def _one_time(self) -> "Claim":
        if self.as_of is not None and self.period is not None:
            raise ValueError("give `as_of` (for a stock) or `period` (for a flow), not both")
        if self.since is not None and (self.as_of is not None or self.period is not None):
            other = "as_of" if self.as_of is not None else "period"
            raise ValueError(
                f"give `since` (the date a stock changed to this value) or `{other}`, not both: `since` already "
                "says when the value holds"
            )
        ranged = type(self.value) is Range  # not isinstance: a model class's instance check is slow
        if ranged and self.precision not in (Precision.range, Precision.exact):
            raise ValueError("a {min, max} value is a range: leave `precision` out or set it to range")
        if self.precision == Precision.range and not ranged:
            raise ValueError("precision `range` needs a value of the form {min: .., max: ..}")
        return self


def _made(model: type[Strict], values: dict[str, Any], given: set[str]) -> Any:
    """An instance of ``model`` holding ``values`` (every field, in the model's order), as validation makes one."""
    made = object.__new__(model)
    object.__setattr__(made, "__dict__", values)
    object.__setattr__(made, "__pydantic_fields_set__", given)
    object.__setattr__(made, "__pydantic_extra__", None)
    object.__setattr__(made, "__pydantic_private__", None)
    return made


#: every field of a claim with its default, in the model's order (required fields: None until given)
_CLAIM_DEFAULTS = {
    name: None if field.is_required() or field.default_factory is not None else field.default
    for name, field in Claim.model_fields.items()
}
#: the fields every claim gives
_CLAIM_REQUIRED = frozenset(name for name, field in Claim.model_fields.items() if field.is_required())
#: each precision by its text (a member is equal to its text: it finds itself)
_PRECISIONS = {precision.value: precision for precision in Precision}


def valid_claim(data: dict[str, Any]) -> Claim:
    """The claim ``Claim.model_validate(data)`` gives, for ``data`` known to be valid: a claim as a file wrote it,
    which was validated when the file was read (or written by claimcheck's import in the form the format takes as
    written). Made without validating again, several times faster; a test holds it to what validation gives.

    Raises KeyError, TypeError or ValueError for data that is not even shaped like a claim (not a mapping, a key
    missing, an unknown precision); data shaped like one is taken as it is.
    """
    if type(data) is not dict:
        raise TypeError("a claim is a mapping")
    if not _CLAIM_REQUIRED <= data.keys():
        raise KeyError(sorted(_CLAIM_REQUIRED - data.keys()))
    values = _CLAIM_DEFAULTS.copy()
    values.update(data)
    values["scope"] = dict(data["scope"]) if "scope" in data else {}
    values["precision"] = _PRECISIONS[values["precision"]]
    value = values["value"]
    if type(value) is dict:
        values["value"] = _made(Range, {"min": value["min"], "max": value["max"]}, {"min", "max"})
    elif type(value) is list:
        values["value"] = list(value)
    derived = data.get("derived")
    if derived is not None:
        if type(derived) is not dict:
            raise TypeError("a derivation is a mapping")
        given = {"from_" if key == "from" else key for key in derived}
        values["derived"] = _made(Derivation, {"from_": list(derived.get("from", ())), "how": derived["how"]}, given)
    return _made(Claim, values, set(data))


class ClaimFile(Strict):
    """One source and the claims taken from it."""

    source: Source
    claims: list[Claim] = Field(default_factory=list)


# ---------------------------------------------------------------------- rules


class Kind(str, Enum):
    """What sort of value a metric takes."""

    count = "count"  # type: ignore[assignment]  # the member shadows str.count, on purpose
    number = "number"
    amount = "amount"
    percent = "percent"
    date = "date"
    entity = "entity"
    entity_set = "entity-set"
    text = "text"
    flag = "flag"


class TimeNature(str, Enum):
    """How a metric relates to time."""

    stock = "stock"  # true as of an instant: a count of partners
    flow = "flow"  # counted over a period: visits in 2025
    fixed = "fixed"  # does not change once true: the date a treaty was signed


class Trend(str, Enum):
    """What a stock may do over time."""

    any = "any"
    non_decreasing = "non-decreasing"
    non_increasing = "non-increasing"


class ScopeDimension(Strict):
    """One way the things counted may differ, with its allowed values."""

    values: list[Identifier] = Field(min_length=1)
    default: Opt[Identifier] = Field(None, description="value a claim has when it says nothing")
    includes: dict[Identifier, list[Identifier]] = Field(
        default_factory=dict,
        description="values that count the things of the others listed, and more: "
        "{in-force-or-signed: [in-force, signed]}",
    )
    description: Opt[str] = None

    @model_validator(mode="after")
    def _default_allowed(self) -> "ScopeDimension":
        if self.default is not None and self.default not in self.values:
            raise ValueError(f'default "{self.default}" is not one of the values')
        for wide, narrow in self.includes.items():
            for value in (wide, *narrow):
                if value not in self.values:
                    raise ValueError(f'includes: "{value}" is not one of the values')
            if wide in narrow:
                raise ValueError(f'includes: "{wide}" cannot include itself')
        return self


class Metric(Strict):
    """A property claims state the value of."""

    label: NonEmpty
    kind: Kind
    time: TimeNature
    trend: Trend = Trend.any
    unit: Opt[str] = Field(None, description="the unit amounts are compared in, e.g. USD")
    tolerance: Opt[Annotated[StrictFloat, Field(ge=0, le=1)]] = Field(
        None,
        description='a fraction of the value by which "about" and "nearly" may stray beyond the precision the figure '
        "is written to, for this metric",
    )
    aliases: list[str] = Field(default_factory=list)
    scope: dict[Identifier, ScopeDimension] = Field(default_factory=dict)
    within: Opt[Annotated[Union[StrictInt, StrictFloat], Field(ge=0)]] = Field(
        None, description="numbers at most this far apart are one value (e.g. clock times within 10 minutes)"
    )
    open_subjects: StrictBool = Field(
        False, description="subjects are free identifiers (flight numbers, ids in a dataset), not declared entities"
    )
    additive: Opt[StrictBool] = Field(
        None, description="for flows: the figure of a period is the sum of its parts (default: counts and amounts)"
    )
    description: Opt[str] = None

    _bounded = field_validator("within")(_ordinary)

    @model_validator(mode="after")
    def _amount_has_unit(self) -> "Metric":
        # without one, every claim's unit would be blamed for not converting to a metric "without a unit"
        if self.kind == Kind.amount and self.unit is None:
            raise ValueError(
                "a metric of kind amount needs `unit:`, the unit its amounts are compared in (USD, billion USD)"
            )
        return self

    def is_additive(self) -> bool:
        """Whether figures of sub-periods add up to the figure of the period."""
        if self.additive is not None:
            return self.additive
        return self.time == TimeNature.flow and self.kind in (Kind.count, Kind.amount)


class EntityChange(Strict):
    """A dated change of what an entity covers: a city that absorbs its neighbours, a country that splits."""

    on: TimeText = Field(description="when the change took effect: a day, or the coarsest time known")
    extent: Identifier = Field(description='a name for what the entity covers from then on, e.g. "after-merger-2025"')
    description: NonEmpty = Field(description="what changed, in words")


class Entity(Strict):
    """A named thing: a country, a person, an organisation, an event, a term."""

    name: NonEmpty
    kind: Opt[str] = None
    aliases: list[str] = Field(default_factory=list)
    description: Opt[str] = None
    extent: Identifier = Field(
        "original", description="a name for what the entity covered before its first change (see `changes`)"
    )
    changes: list[EntityChange] = Field(
        default_factory=list,
        description="dated changes of what the entity covers, oldest first: figures of different extents count "
        "different things (scope extent); a claim says which with `scope: {extent: NAME}`, or its time decides",
    )

    @model_validator(mode="after")
    def _changes_in_order(self) -> "Entity":
        names = [self.extent, *(change.extent for change in self.changes)]
        if len(set(names)) != len(names):
            raise ValueError("each extent needs a name of its own (`extent`, and each change's)")
        starts = [parse_time(change.on).start for change in self.changes]
        if any(later <= earlier for earlier, later in zip(starts, starts[1:], strict=False)):
            raise ValueError("list the changes oldest first, each on its own date")
        return self


Severity = Literal[SEVERITIES]  # type: ignore[valid-type]


class CheckConfig(Strict):
    """Settings of one check."""

    enabled: StrictBool = True
    severity: dict[Identifier, Severity] = Field(
        default_factory=dict, description="severity of each verdict the check gives"
    )
    options: dict[Identifier, Union[StrictBool, StrictInt, StrictFloat, StrictStr, list[StrictStr]]] = Field(
        default_factory=dict
    )


class Term(Strict):
    """A metric in a relation, optionally narrowed to one scope."""

    metric: Identifier
    scope: dict[Identifier, Identifier] = Field(default_factory=dict)


TermRef = Union[Identifier, Term]


class SumRelation(Strict):
    """The parts add up to the total (``exact``), or at most to it."""

    kind: Literal["sum"]
    id: Identifier
    total: TermRef
    parts: list[TermRef] = Field(min_length=1)
    exact: StrictBool = Field(True, description="true: total = sum of parts; false: sum of parts <= total")
    description: Opt[str] = None


class BoundRelation(Strict):
    """One metric never exceeds another: ``lower`` <= ``upper``."""

    kind: Literal["bound"]
    id: Identifier
    lower: TermRef
    upper: TermRef
    description: Opt[str] = None


class ListTotalRelation(Strict):
    """Members listed under ``lists`` are counted by ``total``: no more of them than it says."""

    kind: Literal["list-total"]
    id: Identifier
    lists: list[TermRef] = Field(min_length=1)
    total: TermRef
    exact: StrictBool = Field(
        False,
        description="true: the lists together are every member the total counts (complete lists that fall short "
        "of it contradict it); false: they are some of them",
    )
    description: Opt[str] = None


class ChangeRelation(Strict):
    """A flow ``change`` over a period moves the stock ``stock`` from the start to the end of that period."""

    kind: Literal["change"]
    id: Identifier
    stock: TermRef
    change: TermRef = Field(description="a count or amount flow, or an entity-set of additions")
    exact: StrictBool = Field(
        True, description="true: the change is the whole difference; false: it bounds the net increase from above"
    )
    description: Opt[str] = None


class RatioRelation(Strict):
    """``ratio`` over a period is the flow ``flow`` of that period divided by that of the period before."""

    kind: Literal["ratio"]
    id: Identifier
    flow: TermRef
    ratio: TermRef
    description: Opt[str] = None


Relation = Annotated[
    Union[SumRelation, BoundRelation, ListTotalRelation, ChangeRelation, RatioRelation], Field(discriminator="kind")
]


class RulesFile(Strict):
    """One file of the vocabulary and the check settings."""

    metrics: dict[Identifier, Metric] = Field(default_factory=dict)
    entities: dict[Identifier, Entity] = Field(default_factory=dict)
    relations: list[Relation] = Field(default_factory=list, description="declared relations between metrics")
    units: list[NonEmpty] = Field(default_factory=list, description="extra pint unit definitions")
    checks: dict[Identifier, CheckConfig] = Field(default_factory=dict)
