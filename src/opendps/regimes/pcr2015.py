"""Dynamic Purchasing Systems under the Public Contracts Regulations 2015 (legacy).

Sources: the PCR 2015 (SI 2015/102), chiefly reg 34, which implements article 34 of
Directive 2014/24/EU (cited as "art 34" where the paragraph helps); day-based periods are
counted as Regulation (EEC, Euratom) No 1182/71 does: the day of the event is not counted.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from opendps.core import calendar
from opendps.core.calendar import Nation
from opendps.regimes.base import Regime, RegimeCode


class Pcr2015Dps(Regime):
    """A PCR 2015 dynamic purchasing system."""

    code = RegimeCode.PCR2015_DPS
    # The PCR 2015 came into force on 26 February 2015 (reg 1).
    effective_from = date(2015, 2, 26)

    # Working days follow the bank holidays of the authority's own nation (DESIGN §3).
    working_days_uk_wide = False

    # Admission: selection criteria only, set per category; every candidate meeting them
    # is admitted and the number of members is not limited (reg 34; art 34(2), (4)(c)).
    admission_test = _("Selection criteria, set for each category")
    admission_test_per_category = True
    # Reg 34 does not freeze the selection criteria for the term; a change is published
    # and applies to every applicant alike.
    conditions_changeable_during_term = True
    MAX_MEMBERS = None
    # Excluded suppliers are refused and removed (regs 57 and 59); there is no duty to
    # report the removal to anyone.
    removal_reported_to_authority = False

    # Requests to participate are assessed within 10 working days of receipt, or 15 in an
    # individual case where justified (reg 34; art 34(5)).
    ASSESSMENT_WORKING_DAYS = 10
    ASSESSMENT_EXTENDED_WORKING_DAYS = 15
    assessment_period_configurable = False

    # The first period for requests to participate lasts at least 30 days from the
    # contract notice (reg 34; art 34(2)(a)).
    FIRST_REQUEST_PERIOD_MIN_DAYS = 30

    # A renewed and updated self-declaration may be required at any time, due within 5
    # working days of the request (reg 34; art 34(7)).
    SELF_DECLARATION_WORKING_DAYS = 5
    supports_self_declaration = True

    # No charges may be billed to suppliers interested in or party to the DPS (reg 34;
    # art 34(9)).
    supplier_fees_allowed = False
    MAX_SUPPLIER_FEE_PERCENT = Decimal("0")

    # Tenders: at least 10 days from the invitation to tender; a sub-central authority may
    # instead fix the period by agreement with all members of the category, the same for
    # all (reg 34, applying reg 28's agreed time limit; art 34(2)(b)).
    TENDER_MIN_DAYS = 10
    sub_central_agreed_period_allowed = True
    # Only admitted members are invited, so nobody else can tender (reg 34). Light-touch
    # services (regs 74-76) allow a reasonable period, even hours: see
    # Regime.LIGHT_TOUCH_MIN_TENDER_PERIOD.
    non_member_tenders_disregarded = True

    # Award on the award criteria of the contract notice, which the invitation to tender
    # may formulate more precisely (reg 34; art 34(6)).
    award_basis = _(
        "The best tender on the award criteria set out in the contract notice, as the "
        "invitation to tender may formulate them more precisely."
    )
    # Feedback is not required for contracts under a DPS; the platform gives the reg 86
    # content anyway (see Regime.feedback_given).
    feedback_required = False
    assessment_summary_before_award_notice = False

    # Standstill is not mandatory for contracts based on a DPS (reg 87); an optional
    # voluntary standstill lasts 10 days after the award decision is sent, counted as
    # reg 87 counts the mandatory one for electronic notices.
    STANDSTILL_WORKING_DAYS = None
    VOLUNTARY_STANDSTILL_DAYS = 10

    # Award notice within 30 days of each award, or grouped per quarter within 30 days of
    # the quarter's end (reg 50).
    AWARD_NOTICE_DAYS = 30
    award_notices_groupable_by_quarter = True
    contract_award_notice_before_contract = False
    CONTRACT_DETAILS_NOTICE_DAYS = None
    LIGHT_TOUCH_CONTRACT_DETAILS_NOTICE_DAYS = None
    # The contract notice that sets up the DPS, and notices of changes to its period of
    # validity (reg 34; art 34(8)).
    market_notices = ("contract_notice", "validity_change")

    # A DPS set up under the PCR 2015 may run no later than 23 February 2029 (transitional
    # provisions of the Procurement Act 2023: SI 2024/360 as amended).
    max_validity_end = calendar.end_of_london_day(date(2029, 2, 23))

    # A claim form issued about the award decision, once the authority knows of it, also
    # requires it to refrain from entering into the contract (automatic suspension, reg 95).
    proceedings_suspend_contract = True

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

        Normally 10 working days after receipt (15 if extended). During the first period,
        as long as no invitation to tender has been sent, the authority may take longer,
        provided no invitation to tender is sent meanwhile (art 34(5)). The platform fixes
        that longer period as the same 10 (or 15) working days counted from the end of the
        first period, and it ends earlier when the first invitation is sent: that
        invitation may only go out once these applications are decided (see
        :meth:`may_publish_call`). It is never shorter than the normal limit from receipt.
        Applications received after the first period, or after the first invitation, get
        the normal limit.
        """
        normal = super().assessment_due(
            received_at,
            nation,
            extended,
            reasonable_period_working_days=reasonable_period_working_days,
        )
        if first_period_ends_at is None or received_at > first_period_ends_at:
            return normal
        if first_invitation_sent_at is not None and first_invitation_sent_at <= received_at:
            return normal
        deferred = super().assessment_due(first_period_ends_at, nation, extended)
        if first_invitation_sent_at is not None:
            deferred = min(deferred, first_invitation_sent_at)
        return max(normal, deferred).astimezone(calendar.LONDON)
