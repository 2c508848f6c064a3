"""API schemas for markets and categories.

The limits here mirror the model fields, so that input a model would refuse is refused as
422 before any service runs; what is *lawful* stays with the services and regimes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from pydantic import AfterValidator, AwareDatetime, BeforeValidator, StrictInt, StringConstraints

from opendps.core.calendar import Nation
from opendps.markets.models import Category, Market, QuestionnaireVersion
from opendps.markets.questionnaire import Question
from opendps.markets.status import market_status
from opendps.regimes import RegimeCode

# BigAutoField primary keys: anything larger cannot be an id (and would overflow SQLite).
MAX_ID = 2**63 - 1
# An id in a JSON body: a whole number, never ``true`` or ``"7"``.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
# An id in a query string or a multipart form, where every value arrives as text.
TextId = Annotated[int, Field(ge=1, le=MAX_ID)]

# Every amount of money the API answers is in pounds sterling: an object that carries one
# says so in a sibling ``currency`` field (ISO 4217), as OCDS's ``{amount, currency}`` does.
CURRENCY: Literal["GBP"] = "GBP"
Currency = Annotated[
    Literal["GBP"], Field(description="ISO 4217 code of every amount of money in this object.")
]

EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2999, 12, 31, tzinfo=UTC)
ISO_MOMENT = re.compile(r"^\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d")
NOT_A_MOMENT = _("Give a date and time as ISO 8601 text with a time zone.")
MOMENT_OUT_OF_RANGE = _("Give a date and time between the years 2000 and 2999.")


def _moment_text(value: Any) -> Any:
    """Only ISO 8601 text: pydantic would read a number as seconds since 1970."""
    if isinstance(value, datetime) or (isinstance(value, str) and ISO_MOMENT.match(value)):
        return value
    raise ValueError(str(NOT_A_MOMENT))


def _moment_in_range(value: datetime) -> datetime:
    """Within what a database stores in UTC; an extreme offset (year 9999 at -23:59, year 1
    at +14:00) cannot even be converted to UTC, so the conversion comes first."""
    try:
        utc = value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError(str(MOMENT_OUT_OF_RANGE)) from error
    if not EARLIEST_MOMENT <= utc <= LATEST_MOMENT:
        raise ValueError(str(MOMENT_OUT_OF_RANGE))
    return value


# The one type for every moment the API is sent.
Moment = Annotated[AwareDatetime, BeforeValidator(_moment_text), AfterValidator(_moment_in_range)]

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20_000)]
RequiredLongText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20_000)
]
Pounds = Annotated[Decimal, Field(max_digits=14, decimal_places=2, allow_inf_nan=False)]
Percent = Annotated[Decimal, Field(ge=0, max_digits=5, decimal_places=2, allow_inf_nan=False)]
CpvCode = Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
Area = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]


class MarketFilter(Schema):
    open: bool = Field(False, description="Only markets open for applications now.")
    authority_id: TextId | None = Field(None, description="Only this authority's markets.")


class MarketIn(Schema):
    authority_id: Id = Field(description="The contracting authority that runs the market.")
    regime: RegimeCode
    title: Title
    description: RequiredLongText
    cpv_codes: list[CpvCode] = Field(max_length=50, examples=[["79600000-0"]])
    estimated_value: Pounds = Field(description="Estimated total value in pounds.")
    estimated_purchases: int = Field(ge=0, le=2_147_483_647)
    validity_starts_at: Moment
    validity_ends_at: Moment
    first_period_ends_at: Moment | None = Field(
        None,
        description="PCR 2015 only: the end of the first period for requests to participate "
        "(at least 30 days after the notice; set at publication if left out).",
    )
    assessment_working_days: int | None = Field(
        None, ge=1, le=365, description="PA 2023 only: the reasonable period for assessing."
    )
    supplier_fee_percent: Percent | None = Field(
        None, description="PA 2023 only (s 38): fee on awarded contracts, percent of value."
    )
    light_touch: bool = False
    vulnerable_people: bool = False
    dual_opening: bool = False
    nation: Nation | None = Field(
        None, description="UK nation for working days; the authority's when left out."
    )


class CategorySummaryOut(Schema):
    id: int
    market_id: int
    title: str
    description: str
    service_type: str
    areas: list[str]
    max_contract_value: Decimal | None
    currency: Currency = CURRENCY
    position: int


class QuestionnaireOut(Schema):
    version: int
    created_at: datetime
    questions: list[Question]


class CategoryOut(CategorySummaryOut):
    questionnaire: QuestionnaireOut

    @classmethod
    def build(cls, category: Category, version: QuestionnaireVersion) -> CategoryOut:
        summary = CategorySummaryOut.from_orm(category).model_dump()
        return cls(**summary, questionnaire=QuestionnaireOut.from_orm(version))


class CategoryIn(Schema):
    title: Title
    description: LongText = ""
    service_type: ShortText = ""
    areas: list[Area] = Field(default_factory=list, max_length=200)
    max_contract_value: Pounds | None = None
    position: int = Field(0, ge=0, le=32_767)
    questions: list[dict[str, Any]] | None = Field(
        None,
        max_length=500,
        description="The selection questionnaire; the regime's template when left out.",
    )


class MarketOut(Schema):
    id: int
    authority_id: int
    authority_name: str
    regime: str
    title: str
    description: str
    cpv_codes: list[str]
    estimated_value: Decimal
    currency: Currency = CURRENCY
    estimated_purchases: int
    nation: str
    validity_starts_at: datetime
    validity_ends_at: datetime
    first_period_ends_at: datetime | None
    assessment_working_days: int | None
    supplier_fee_percent: Decimal | None
    light_touch: bool
    vulnerable_people: bool
    dual_opening: bool
    created_at: datetime
    published_at: datetime | None
    ceased_at: datetime | None
    status: str

    @staticmethod
    def resolve_authority_name(obj: Market) -> str:
        return obj.authority.name

    @staticmethod
    def resolve_status(obj: Market) -> str:
        return market_status(obj).value


class MarketDetailOut(MarketOut):
    categories: list[CategorySummaryOut]

    @staticmethod
    def resolve_categories(obj: Market) -> list[Category]:
        return list(obj.categories.all())
