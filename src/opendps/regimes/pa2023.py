"""Dynamic markets under the Procurement Act 2023 (ss 34-40).

Sources: the Procurement Act 2023 (cited as "s N") and the Procurement Regulations 2024.
The Act counts periods "beginning with the day on which" something happens, so that day
is day 1, and its working days exclude a bank holiday in any part of the United Kingdom
(s 123), not only in the authority's own nation.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from opendps.regimes.base import Regime, RegimeCode


class Pa2023DynamicMarket(Regime):
    """A Procurement Act 2023 dynamic market."""

    code = RegimeCode.PA2023_DYNAMIC_MARKET
    # The Act's procurement provisions came into force on 24 February 2025.
    effective_from = date(2025, 2, 24)

    # "Working day" excludes bank holidays in any part of the United Kingdom (s 123).
    working_days_uk_wide = True

    # Admission: conditions of membership, proportionate to the contracts to be awarded,
    # possibly different for each part; every supplier meeting them is admitted and the
    # number of members is not limited; they cannot change during the term (s 36).
    admission_test = _("Conditions of membership, which cannot change during the term")
    admission_test_per_category = True
    conditions_changeable_during_term = False
    MAX_MEMBERS = None
    # An excluded or debarred supplier is refused and a member that becomes one is
    # removed; the removal is reported to the appropriate authority (s 37).
    removal_reported_to_authority = True

    # Applications are decided "within a reasonable period" (s 35): the platform's default
    # is 10 working days, which each market may change. There is no extended period.
    ASSESSMENT_WORKING_DAYS = 10
    ASSESSMENT_EXTENDED_WORKING_DAYS = None
    assessment_period_configurable = True

    # No first period for requests to participate: suppliers may apply at any time.
    FIRST_REQUEST_PERIOD_MIN_DAYS = None

    # No renewed self-declaration: the authority re-checks the conditions of membership.
    SELF_DECLARATION_WORKING_DAYS = None
    supports_self_declaration = False

    # Fees may be charged only to a supplier awarded a contract, as a percentage of its
    # value set out in the market notice (s 38). The Act sets no ceiling, so the platform
    # only requires a percentage between 0 and 100; the market chooses the rate.
    supplier_fees_allowed = True
    MAX_SUPPLIER_FEE_PERCENT = Decimal("100")

    # Tendering period of at least 10 days for a contract awarded by reference to a
    # dynamic market, except light-touch contracts: a reasonable period (s 54).
    TENDER_MIN_DAYS = 10
    sub_central_agreed_period_allowed = False
    # Tenders from suppliers that are not members of the market (or of the relevant part)
    # are disregarded (s 34).
    non_member_tenders_disregarded = True

    # Award to the most advantageous tender on the published award criteria (ss 19, 23).
    award_basis = _("The most advantageous tender, assessed on the published award criteria.")
    # Each assessed supplier receives an assessment summary before the contract award
    # notice is published (s 50).
    feedback_required = True
    assessment_summary_before_award_notice = True

    # Mandatory standstill: 8 working days beginning with the day the contract award
    # notice is published; light-touch contracts are exempt but may observe it
    # voluntarily (s 51).
    STANDSTILL_WORKING_DAYS = 8
    VOLUNTARY_STANDSTILL_DAYS = None

    # A contract award notice must be published before the contract is entered into
    # (s 50); a contract details notice within 30 days beginning with the day the
    # contract is entered into, or 120 days for a light-touch contract (s 53).
    AWARD_NOTICE_DAYS = None
    award_notices_groupable_by_quarter = False
    contract_award_notice_before_contract = True
    CONTRACT_DETAILS_NOTICE_DAYS = 30
    LIGHT_TOUCH_CONTRACT_DETAILS_NOTICE_DAYS = 120
    # Dynamic market notices: the market is established, modified or has ceased (s 39).
    market_notices = ("established", "modified", "ceased")

    # The Act sets no maximum term for a dynamic market.
    max_validity_end = None

    # Once the authority is aware that proceedings about a decision to award a contract
    # have been issued and the contract has not been entered into, it must not enter into
    # it (automatic suspension, s 101) until the court lifts it or the proceedings end.
    proceedings_suspend_contract = True
