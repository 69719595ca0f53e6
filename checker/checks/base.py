"""What a check is given: the claims of one partition and the read-only context."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from pydantic import BaseModel, ConfigDict

from checker.corpus import Resolved, SourceInfo
from checker.models import Metric
from checker.vocabulary import Vocabulary


class NoOptions(BaseModel):
    """A check without settings."""

    model_config = ConfigDict(extra="forbid")


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
