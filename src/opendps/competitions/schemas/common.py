"""Constrained types and helpers that the competitions schemas share."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Annotated, Any

from ninja import Field
from pydantic import StringConstraints

RequiredLongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]
CriterionKey = Annotated[str, StringConstraints(pattern=r"^[a-z0-9_]{1,30}$")]
# A tender's id as a key of a JSON object (scores are {submission_id: {criterion: …}}).
SubmissionKey = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,18}$")]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=10_000)]
AnswerText = Annotated[str, StringConstraints(max_length=20_000)]
# Award.contract_value holds 14 digits with 2 decimals: a tender price can be no larger.
Price = Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2, allow_inf_nan=False)]
Region = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


def _b64url(data: Any) -> str | None:
    if data is None:
        return None
    return base64.urlsafe_b64encode(bytes(data)).decode().rstrip("=")
