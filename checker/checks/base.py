"""What a check is given: the claims of one partition and the read-only context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Optional, Protocol, Sequence

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from checker.corpus.claims import Resolved, SourceInfo
from checker.formats.models import Metric
from checker.vocabulary.rules import Vocabulary

if TYPE_CHECKING:
    import polars as pl

    from checker.model.findings import Problem


class Table(Protocol):
    """What a check over a table is given: the claims of a shard (stated and implied), their table of typed columns
    (one row each; column ``row`` is a claim's index in ``claims``), and the vocabulary. The engine makes it
    (:class:`checker.engine.table.Table`); a check needs only this much of it."""

    @property
    def claims(self) -> tuple[Resolved, ...]: ...

    @property
    def frame(self) -> pl.DataFrame: ...

    @property
    def vocabulary(self) -> Vocabulary: ...

    def at(self, rows: Sequence[int]) -> list[Resolved]:
        """The claims of some rows."""
        ...

    def subjects(self, frame: pl.DataFrame) -> Iterator[tuple[str, tuple[Resolved, ...]]]:
        """The claims of each subject of ``frame``."""
        ...

    def groups(self, frame: pl.DataFrame) -> Iterator[tuple[str, str, tuple[Resolved, ...]]]:
        """The claims of each (subject, metric) of ``frame``."""
        ...


class CheckOptions(BaseModel):
    """The settings of a check, as its entry under ``checks:`` in rules/ gives them: no key it does not know, a
    number where it takes a number (or a text that is one: YAML 1.1 reads ``5e-2`` as text), and true or false
    where it takes a yes or no. ``true`` is no number and ``1`` no yes: each is a rules error at the check's
    entry, never read as 1.0 or as true."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_number(cls, value: Any, info: ValidationInfo) -> Any:
        wanted = cls.model_fields[info.field_name].annotation if info.field_name else None
        if wanted in (int, float) and isinstance(value, bool):
            raise PydanticCustomError("number_type", "input should be a number, not {value}", {"value": _yaml(value)})
        if wanted is bool and not isinstance(value, bool):
            raise PydanticCustomError("bool_type", "input should be true or false, not {value}", {"value": value})
        return value


def _yaml(value: bool) -> str:
    return "true" if value else "false"


class NoOptions(CheckOptions):
    """A check without settings."""


@dataclass(frozen=True)
class Group:
    """The claims a check looks at: one (subject, metric), or one source."""

    subject: str
    metric_id: str
    metric: Optional[Metric]
    claims: tuple[Resolved, ...]
    vocabulary: Vocabulary
    source: Optional[SourceInfo] = None

    @property
    def label(self) -> str:
        """The metric's label, or the source id for a source group."""
        if self.metric is not None:
            return self.metric.label
        return self.source.id if self.source else ""


def each_group(
    table: Table,
    frame: pl.DataFrame,
    check: Callable[[Group, Any], Iterator[Problem]],
    options: Any,
    partition: str = "group",
) -> Iterator[tuple[str, str, Problem]]:
    """What ``check`` (a check's definition over one group) finds in the groups of some rows of a table.

    A check over the table finds in bulk the (subject, metric) groups — or,
    for ``partition`` "subject", the subjects — that it may have something to
    say about, and words its findings there with this. ``frame`` holds rows
    of ``table`` with at least the columns row, subject and metric.
    """
    vocabulary = table.vocabulary
    if partition == "subject":
        for subject, claims in table.subjects(frame):
            for problem in check(Group(subject, "", None, claims, vocabulary), options):
                yield subject, "", problem
        return
    for subject, metric_id, claims in table.groups(frame):
        metric = vocabulary.metrics[metric_id]
        for problem in check(Group(subject, metric_id, metric, claims, vocabulary), options):
            yield subject, metric_id, problem


def rows_of(table: Table, keys: pl.DataFrame) -> pl.DataFrame:
    """Every row of the table in the groups ``keys`` names: by its columns subject and metric, or subject alone."""
    return table.frame.join(keys.unique(), on=keys.columns, how="semi")


def metrics_where(table: Table, test: Callable[[Metric], bool]) -> list[str]:
    """The ids of the metrics of the table's vocabulary that pass ``test``."""
    return sorted(metric_id for metric_id, metric in table.vocabulary.metrics.items() if test(metric))


def subjects_with_both(table: Table, pairs: list[tuple[list[str], list[str]]]) -> pl.DataFrame:
    """The subjects (one column) with a claim of one of the first metrics and one of the second of some pair."""
    import polars as pl  # noqa: PLC0415 - loaded only where a table is judged (see checker.engine.table)

    frame = table.frame
    found = [
        frame.filter(pl.col("metric").is_in(first))
        .select("subject")
        .join(frame.filter(pl.col("metric").is_in(second)).select("subject"), on="subject", how="semi")
        for first, second in pairs
    ]
    return pl.concat(found).unique() if found else frame.select("subject").clear()
