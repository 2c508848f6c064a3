"""The one interface every procurement regime implements.

A regime is a pure object: no ORM, no request, no clock. Callers pass every moment in
(``received_at``, ``invited_at``...) as an aware datetime and get back a decision (a
datetime, a bool, an amount) or a :class:`~opendps.core.errors.RuleViolation`.

Every number and obligation of DESIGN.md §3 is a class attribute of a subclass, with its
legal source in a comment; this class holds the behaviour they share. Naming: UPPER_CASE
attributes are numbers and periods (``None`` where the regime has no such rule), lower
case attributes are yes/no obligations and labels.

Rule versions: a regime instance describes the rules for procedures started on or after
``effective_from``. When a rule changes, subclass the regime with the new values and a
later ``effective_from`` and append it to the versions in ``opendps.regimes``;
``get_regime(code, start_date=...)`` then gives each market the rules it started under.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from opendps.core import calendar
from opendps.core.calendar import Nation
from opendps.core.errors import RuleViolation
from opendps.regimes.challenges import ChallengeRules

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class RegimeCode(models.TextChoices):
    """The regimes a market can run under (stored on the market)."""

    PCR2015_DPS = "pcr2015_dps", _("PCR 2015 Dynamic Purchasing System")
    PA2023_DYNAMIC_MARKET = "pa2023_dynamic_market", _("Procurement Act 2023 dynamic market")


# Messages (module constants so that tests and translators find them).
REGIME_NOT_IN_FORCE = _("The %(regime)s rules were not in force on %(start_date)s.")
EXTENSION_REASON_REQUIRED = _("Give the reason for extending the assessment period.")
EXTENSION_NOT_AVAILABLE = _(
    "This regime has no extended assessment period; set the market's reasonable period "
    "for assessing applications instead."
)
ASSESSMENT_PERIOD_NOT_CONFIGURABLE = _(
    "The time limit for assessing applications is fixed by law and cannot be changed."
)
ASSESSMENT_PERIOD_TOO_SHORT = _(
    "The period for assessing applications must be at least one working day."
)
FIRST_PERIOD_REQUIRED = _("Set the end of the first period for requests to participate.")
FIRST_PERIOD_NOT_AVAILABLE = _("This regime has no first period for requests to participate.")
FIRST_PERIOD_TOO_SHORT = _(
    "The first period for requests to participate must last at least %(days)s days "
    "from the notice: end it no earlier than %(earliest_text)s."
)
CALL_DURING_FIRST_PERIOD = _(
    "No call for competition can be published until the first period for requests to "
    "participate has ended."
)
CALL_BEFORE_FIRST_ASSESSMENTS = _(
    "No call for competition can be published until every application received during "
    "the first period for requests to participate has been assessed."
)
SELF_DECLARATION_NOT_AVAILABLE = _(
    "This regime has no renewed self-declaration; re-check the conditions of membership instead."
)
FEE_NOT_ALLOWED = _("No charges may be made to suppliers under this regime.")
FEE_RATE_OUT_OF_RANGE = _("The fee rate must be between %(minimum)s%% and %(maximum)s%%.")
CONTRACT_VALUE_NEGATIVE = _("The contract value cannot be negative.")
SUPPLIER_EXCLUDED = _("An excluded supplier cannot be admitted.")
SUPPLIER_DEBARRED = _("A supplier on the debarment list cannot be admitted.")
CONDITIONS_FIXED = _(
    "The conditions of membership cannot be changed once the market has been established."
)
AGREED_PERIOD_NOT_AVAILABLE = _(
    "Only a sub-central contracting authority may set a tender period agreed with the "
    "members, and only under the PCR 2015."
)
AGREED_PERIOD_NOT_POSITIVE = _("The agreed period for tenders must be longer than zero.")
TENDER_DEADLINE_TOO_EARLY = _("The deadline for tenders must be no earlier than %(earliest_text)s.")
NO_QUARTERLY_GROUPING = _("This regime does not allow award notices to be grouped by quarter.")
VALIDITY_END_BEFORE_START = _("The period of validity must end after it starts.")
VALIDITY_TOO_LONG = _(
    "A dynamic purchasing system under the PCR 2015 cannot run beyond %(latest_text)s."
)
CONTRACT_BEFORE_AWARD_NOTICE = _(
    "The contract award notice must be published before the contract is entered into."
)
CONTRACT_DURING_STANDSTILL = _(
    "The contract cannot be entered into before the standstill period ends at %(ends_text)s."
)
SOCIAL_VALUE_OUT_OF_RANGE = _(
    "The social value weighting must be between %(minimum)s%% and %(maximum)s%%."
)
SOCIAL_VALUE_TOO_LOW = _("Social value must be weighted at least %(minimum)s%% of the total score.")

_HUNDRED = Decimal("100")
_PENNY = Decimal("0.01")


class Regime(ChallengeRules):
    """Shared behaviour; subclasses set the attributes below (challenges: see
    :class:`~opendps.regimes.challenges.ChallengeRules`)."""

    code: ClassVar[RegimeCode]
    # The first procedure start date these rules apply to.
    effective_from: ClassVar[date]

    # Working days exclude the bank holidays of the authority's nation, or of every part
    # of the UK when the law says so.
    working_days_uk_wide: ClassVar[bool] = False

    # Admission
    admission_test: ClassVar[StrOrPromise]
    admission_test_per_category: ClassVar[bool] = True
    conditions_changeable_during_term: ClassVar[bool]
    MAX_MEMBERS: ClassVar[int | None] = None
    removal_reported_to_authority: ClassVar[bool]

    # Assessing an application
    ASSESSMENT_WORKING_DAYS: ClassVar[int]
    ASSESSMENT_EXTENDED_WORKING_DAYS: ClassVar[int | None] = None
    assessment_period_configurable: ClassVar[bool] = False

    # First period for requests to participate
    FIRST_REQUEST_PERIOD_MIN_DAYS: ClassVar[int | None] = None

    # Renewed self-declaration
    SELF_DECLARATION_WORKING_DAYS: ClassVar[int | None] = None
    supports_self_declaration: ClassVar[bool] = False

    # Charges to suppliers
    supplier_fees_allowed: ClassVar[bool] = False
    MAX_SUPPLIER_FEE_PERCENT: ClassVar[Decimal] = Decimal("0")

    # Calls for competition and tenders
    TENDER_MIN_DAYS: ClassVar[int]
    # Light-touch services may have rapid calls answered within hours (the law asks for
    # a "reasonable period"): this is the platform's floor for it, not a statutory number.
    LIGHT_TOUCH_MIN_TENDER_PERIOD: ClassVar[timedelta] = timedelta(hours=1)
    sub_central_agreed_period_allowed: ClassVar[bool] = False
    non_member_tenders_disregarded: ClassVar[bool] = True

    # Award and feedback
    award_basis: ClassVar[StrOrPromise]
    feedback_required: ClassVar[bool]
    # Platform policy under every regime: each bidder learns its scores per criterion
    # with reasons, the winner's scores, its rank and the winner's relative advantages.
    feedback_given: ClassVar[bool] = True
    assessment_summary_before_award_notice: ClassVar[bool] = False

    # Standstill
    STANDSTILL_WORKING_DAYS: ClassVar[int | None] = None
    VOLUNTARY_STANDSTILL_DAYS: ClassVar[int | None] = None

    # Notices
    AWARD_NOTICE_DAYS: ClassVar[int | None] = None
    award_notices_groupable_by_quarter: ClassVar[bool] = False
    contract_award_notice_before_contract: ClassVar[bool] = False
    CONTRACT_DETAILS_NOTICE_DAYS: ClassVar[int | None] = None
    LIGHT_TOUCH_CONTRACT_DETAILS_NOTICE_DAYS: ClassVar[int | None] = None
    market_notices: ClassVar[tuple[str, ...]]

    # Period of validity: the latest moment a market may run to, if the law sets one.
    max_validity_end: ClassVar[datetime | None] = None

    # Policy default, configurable per authority: central government bodies weight social
    # value at least 10% of the total score (PPN 06/20 under the PCR 2015, PPN 002 under
    # the Procurement Act 2023).
    CENTRAL_GOVERNMENT_MIN_SOCIAL_VALUE_WEIGHT: ClassVar[Decimal] = Decimal("10")

    @property
    def label(self) -> StrOrPromise:
        """The regime's human name."""
        return self.code.label

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code.value} from {self.effective_from}>"

    # -- working days ---------------------------------------------------------------

    def _add_working_days(self, moment: datetime, days: int, nation: Nation | str) -> datetime:
        return calendar.add_working_days(moment, days, nation, uk_wide=self.working_days_uk_wide)

    # -- admission ------------------------------------------------------------------

    def check_admission(self, *, excluded: bool, debarred: bool) -> None:
        """Refuse an excluded or debarred supplier (both regimes never admit one)."""
        if excluded:
            raise RuleViolation(SUPPLIER_EXCLUDED, code="supplier_excluded")
        if debarred:
            raise RuleViolation(SUPPLIER_DEBARRED, code="supplier_debarred")

    def check_conditions_change(self, *, market_established: bool) -> None:
        """Refuse a change to the admission conditions where the law fixes them."""
        if market_established and not self.conditions_changeable_during_term:
            raise RuleViolation(CONDITIONS_FIXED, code="conditions_fixed")

    def extend_assessment(self, reason: str) -> str:
        """Validate the recorded reason for an extended assessment and return it cleaned.

        The caller stores the reason and then asks :meth:`assessment_due` with
        ``extended=True``.
        """
        if self.ASSESSMENT_EXTENDED_WORKING_DAYS is None:
            raise RuleViolation(EXTENSION_NOT_AVAILABLE, code="extension_not_available")
        cleaned = (reason or "").strip()
        if not cleaned:
            raise RuleViolation(EXTENSION_REASON_REQUIRED, code="extension_reason_required")
        return cleaned

    def assessment_working_days(
        self, extended: bool = False, reasonable_period_working_days: int | None = None
    ) -> int:
        """How many working days an evaluator has to assess an application."""
        if extended:
            if self.ASSESSMENT_EXTENDED_WORKING_DAYS is None:
                raise RuleViolation(EXTENSION_NOT_AVAILABLE, code="extension_not_available")
            return self.ASSESSMENT_EXTENDED_WORKING_DAYS
        if reasonable_period_working_days is None:
            return self.ASSESSMENT_WORKING_DAYS
        if not self.assessment_period_configurable:
            raise RuleViolation(ASSESSMENT_PERIOD_NOT_CONFIGURABLE, code="assessment_period_fixed")
        if reasonable_period_working_days < 1:
            raise RuleViolation(ASSESSMENT_PERIOD_TOO_SHORT, code="assessment_period_too_short")
        return reasonable_period_working_days

    def assessment_due(
        self,
        received_at: datetime,
        nation: Nation | str,
        extended: bool = False,
        *,
        reasonable_period_working_days: int | None = None,
        first_period_ends_at: datetime | None = None,
        first_invitation_sent_at: datetime | None = None,
    ) -> datetime:
        """The end of the last working day for deciding an application.

        ``reasonable_period_working_days`` overrides the default where the regime lets the
        market set it. The first-period arguments matter only where the regime has a
        first period (see the PCR 2015 regime).
        """
        days = self.assessment_working_days(extended, reasonable_period_working_days)
        return self._add_working_days(received_at, days, nation)

    def self_declaration_due(self, requested_at: datetime, nation: Nation | str) -> datetime:
        """The end of the last working day for a renewed self-declaration."""
        if self.SELF_DECLARATION_WORKING_DAYS is None:
            raise RuleViolation(
                SELF_DECLARATION_NOT_AVAILABLE, code="self_declaration_not_available"
            )
        return self._add_working_days(requested_at, self.SELF_DECLARATION_WORKING_DAYS, nation)

    # -- first period -----------------------------------------------------------------

    def first_request_period_min_end(self, notice_published_at: datetime) -> datetime | None:
        """The earliest end of the first period for requests, or ``None`` if none."""
        if self.FIRST_REQUEST_PERIOD_MIN_DAYS is None:
            return None
        return calendar.end_of_day_after_calendar_days(
            notice_published_at, self.FIRST_REQUEST_PERIOD_MIN_DAYS
        )

    def check_first_period(self, notice_at: datetime, first_period_end: datetime | None) -> None:
        """Refuse a first period that is missing, too short, or not allowed at all."""
        earliest = self.first_request_period_min_end(notice_at)
        if earliest is None:
            if first_period_end is not None:
                raise RuleViolation(FIRST_PERIOD_NOT_AVAILABLE, code="first_period_not_available")
            return
        if first_period_end is None:
            raise RuleViolation(FIRST_PERIOD_REQUIRED, code="first_period_required")
        if first_period_end < earliest:
            raise RuleViolation(
                FIRST_PERIOD_TOO_SHORT,
                code="first_period_too_short",
                days=self.FIRST_REQUEST_PERIOD_MIN_DAYS,
                earliest=earliest,
                earliest_text=calendar.london_text(earliest),
            )

    def may_publish_call(
        self, first_period_ended: bool, first_period_applications_all_assessed: bool
    ) -> bool:
        """``True`` if a call for competition may be published; otherwise RuleViolation."""
        if self.FIRST_REQUEST_PERIOD_MIN_DAYS is None:
            return True
        if not first_period_ended:
            raise RuleViolation(CALL_DURING_FIRST_PERIOD, code="call_during_first_period")
        if not first_period_applications_all_assessed:
            raise RuleViolation(CALL_BEFORE_FIRST_ASSESSMENTS, code="call_before_first_assessments")
        return True

    # -- fees ---------------------------------------------------------------------------

    def check_supplier_fee_rate(self, rate: Decimal | None) -> None:
        """Refuse a configured fee rate (percent) the regime does not allow."""
        if rate is None:
            return
        if not self.supplier_fees_allowed:
            if rate != 0:
                raise RuleViolation(FEE_NOT_ALLOWED, code="fee_not_allowed")
            return
        if not Decimal("0") <= rate <= self.MAX_SUPPLIER_FEE_PERCENT:
            raise RuleViolation(
                FEE_RATE_OUT_OF_RANGE,
                code="fee_rate_out_of_range",
                minimum=Decimal("0"),
                maximum=self.MAX_SUPPLIER_FEE_PERCENT,
            )

    def supplier_fee(self, contract_value: Decimal, rate: Decimal | None = None) -> Decimal:
        """The fee owed by a supplier awarded a contract of ``contract_value``, to the penny.

        ``rate`` is a percentage (``Decimal("1.5")`` is 1.5%); ``None`` means no fee.
        """
        self.check_supplier_fee_rate(rate)
        if contract_value < 0:
            raise RuleViolation(CONTRACT_VALUE_NEGATIVE, code="contract_value_negative")
        if rate is None or not self.supplier_fees_allowed:
            return Decimal("0.00")
        return (contract_value * rate / _HUNDRED).quantize(_PENNY, rounding=ROUND_HALF_UP)

    # -- calls and tenders ----------------------------------------------------------------

    def is_invited(self, *, admitted: bool, suspended: bool) -> bool:
        """Every admitted, unsuspended member of the category is invited to its calls."""
        return admitted and not suspended

    def accepts_tender_from(self, is_member: bool) -> bool:
        """Whether a tender is considered; a non-member's tender is disregarded."""
        return is_member

    def tender_deadline_min(
        self,
        invited_at: datetime,
        *,
        light_touch: bool = False,
        sub_central_agreed_period: timedelta | None = None,
        authority_is_sub_central: bool = False,
    ) -> datetime:
        """The earliest lawful deadline for tenders to a call sent at ``invited_at``.

        "N days from the invitation" is read as N whole London days after the day the
        invitation is sent (the day itself not counted), so the deadline can be no earlier
        than the end of the N-th day; that satisfies every reading of the rule. A light-
        touch call, or a period agreed by a sub-central authority with all members, is
        measured in elapsed time from ``invited_at`` instead.
        """
        if sub_central_agreed_period is not None:
            if not (self.sub_central_agreed_period_allowed and authority_is_sub_central):
                raise RuleViolation(AGREED_PERIOD_NOT_AVAILABLE, code="agreed_period_not_available")
            if sub_central_agreed_period <= timedelta(0):
                raise RuleViolation(AGREED_PERIOD_NOT_POSITIVE, code="agreed_period_not_positive")
        if light_touch:
            return invited_at + self.LIGHT_TOUCH_MIN_TENDER_PERIOD
        if sub_central_agreed_period is not None:
            return invited_at + sub_central_agreed_period
        return calendar.end_of_day_after_calendar_days(invited_at, self.TENDER_MIN_DAYS)

    def check_tender_deadline(
        self,
        invited_at: datetime,
        deadline: datetime,
        *,
        light_touch: bool = False,
        sub_central_agreed_period: timedelta | None = None,
        authority_is_sub_central: bool = False,
    ) -> None:
        """Refuse a deadline earlier than :meth:`tender_deadline_min`, naming the earliest."""
        earliest = self.tender_deadline_min(
            invited_at,
            light_touch=light_touch,
            sub_central_agreed_period=sub_central_agreed_period,
            authority_is_sub_central=authority_is_sub_central,
        )
        if deadline < earliest:
            raise RuleViolation(
                TENDER_DEADLINE_TOO_EARLY,
                code="tender_deadline_too_early",
                earliest=earliest,
                earliest_text=calendar.london_text(earliest),
            )

    # -- award, standstill and notices ----------------------------------------------------

    def standstill_end(
        self,
        decision_at: datetime,
        nation: Nation | str,
        *,
        voluntary: bool = False,
        light_touch: bool = False,
    ) -> datetime | None:
        """When the standstill period ends, or ``None`` if there is none.

        ``decision_at`` is the moment the award decision is made known: the contract award
        notice under the Procurement Act 2023, the award letters under the PCR 2015.
        """
        if self.STANDSTILL_WORKING_DAYS is not None and (voluntary or not light_touch):
            return calendar.end_of_working_days_beginning_with(
                decision_at,
                self.STANDSTILL_WORKING_DAYS,
                nation,
                uk_wide=self.working_days_uk_wide,
            )
        if voluntary and self.VOLUNTARY_STANDSTILL_DAYS is not None:
            return calendar.end_of_day_after_calendar_days(
                decision_at, self.VOLUNTARY_STANDSTILL_DAYS
            )
        return None

    def check_contract_entry(
        self,
        entered_at: datetime,
        *,
        award_notice_published_at: datetime | None,
        standstill_ends_at: datetime | None,
    ) -> None:
        """Refuse entering into a contract before its award notice or during standstill."""
        if self.contract_award_notice_before_contract and (
            award_notice_published_at is None or award_notice_published_at > entered_at
        ):
            raise RuleViolation(CONTRACT_BEFORE_AWARD_NOTICE, code="contract_before_award_notice")
        if standstill_ends_at is not None and entered_at <= standstill_ends_at:
            raise RuleViolation(
                CONTRACT_DURING_STANDSTILL,
                code="contract_during_standstill",
                ends=standstill_ends_at,
                ends_text=calendar.london_text(standstill_ends_at),
            )

    def award_notice_due(
        self, awarded_at: datetime, *, grouped_quarterly: bool = False
    ) -> datetime | None:
        """The deadline for publishing the award notice, or ``None`` if it has none.

        Grouped notices are due a number of days after the end of the calendar quarter
        (January-March...) in which the London day of ``awarded_at`` falls.
        """
        if grouped_quarterly and not self.award_notices_groupable_by_quarter:
            raise RuleViolation(NO_QUARTERLY_GROUPING, code="no_quarterly_grouping")
        if self.AWARD_NOTICE_DAYS is None:
            return None
        if not grouped_quarterly:
            return calendar.end_of_day_after_calendar_days(awarded_at, self.AWARD_NOTICE_DAYS)
        quarter_end = _quarter_last_day(calendar.london_date(awarded_at))
        return calendar.end_of_london_day(quarter_end + timedelta(days=self.AWARD_NOTICE_DAYS))

    def contract_details_notice_due(
        self, contract_signed_at: datetime, *, light_touch: bool = False
    ) -> datetime | None:
        """The deadline for the contract details notice, or ``None`` if it has none.

        The period begins with the day the contract is entered into (Procurement Act 2023
        drafting), so that day counts as day 1.
        """
        days = (
            self.LIGHT_TOUCH_CONTRACT_DETAILS_NOTICE_DAYS
            if light_touch
            else self.CONTRACT_DETAILS_NOTICE_DAYS
        )
        if days is None:
            return None
        return calendar.end_of_calendar_days_beginning_with(contract_signed_at, days)

    # -- market -------------------------------------------------------------------------

    def check_validity_period(self, start: datetime, end: datetime) -> None:
        """Refuse a period of validity that ends before it starts or too late."""
        if end <= start:
            raise RuleViolation(VALIDITY_END_BEFORE_START, code="validity_end_before_start")
        if self.max_validity_end is not None and end > self.max_validity_end:
            raise RuleViolation(
                VALIDITY_TOO_LONG,
                code="validity_too_long",
                latest=self.max_validity_end,
                latest_text=calendar.london_text(self.max_validity_end),
            )

    def check_social_value_weight(
        self,
        weight_percent: Decimal,
        *,
        central_government: bool,
        minimum_percent: Decimal | None = None,
    ) -> None:
        """Refuse a social value weighting outside 0-100% or below the policy minimum.

        The minimum is ``minimum_percent`` where the authority set its own, otherwise the
        central government default for central government bodies and none for others.
        """
        if not Decimal("0") <= weight_percent <= _HUNDRED:
            raise RuleViolation(
                SOCIAL_VALUE_OUT_OF_RANGE,
                code="social_value_out_of_range",
                minimum=Decimal("0"),
                maximum=_HUNDRED,
            )
        if minimum_percent is not None:
            minimum = minimum_percent
        elif central_government:
            minimum = self.CENTRAL_GOVERNMENT_MIN_SOCIAL_VALUE_WEIGHT
        else:
            return
        if weight_percent < minimum:
            raise RuleViolation(SOCIAL_VALUE_TOO_LOW, code="social_value_too_low", minimum=minimum)


def _quarter_last_day(day: date) -> date:
    """The last day of the calendar quarter (Jan-Mar, Apr-Jun...) containing ``day``."""
    first_month_of_next = (day.month - 1) // 3 * 3 + 4
    if first_month_of_next > 12:
        return date(day.year, 12, 31)
    return date(day.year, first_month_of_next, 1) - timedelta(days=1)
