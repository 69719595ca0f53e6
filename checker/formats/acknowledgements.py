"""The acknowledgements file: each reviewed finding, by fingerprint, with who reviewed it, why, and until when.

How acknowledgements are applied to a run's findings is in :mod:`checker.gate.acks`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, Field

from checker.formats.models import NonEmpty, Opt, Strict


def _real_day(text: str) -> str:
    """``text`` when it names a day of the calendar (2026-02-30 does not)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValueError(f'"{text}" is not a real date') from None
    return text


Day = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$"), AfterValidator(_real_day)]


class Acknowledgement(Strict):
    """One reviewed finding."""

    fingerprint: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")] = Field(description="the finding's fingerprint")
    finding: Opt[str] = Field(None, description="what the finding says, for the reader")
    reviewed_by: NonEmpty
    reviewed_on: Day
    reason: NonEmpty = Field(description="why the discrepancy is acceptable")
    expires: Day = Field(description="after this day the acknowledgement no longer holds")


class AcknowledgementsFile(Strict):
    """The acknowledgements file."""

    acknowledgements: list[Acknowledgement] = Field(default_factory=list)
