"""Procurement Act 2023 dynamic markets, row by row against DESIGN.md §3.

The Act's working days exclude a bank holiday in any part of the UK (s 123), so several
tests pick a stretch where Scotland or Northern Ireland has a holiday that England does
not, and would fail if only the authority's nation were counted.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from opendps.core.calendar import Nation
from opendps.core.errors import RuleViolation
from opendps.regimes import RegimeCode, get_regime
from opendps.regimes import base as rules
from opendps.regimes.tests.dates import end_of, london

PA = get_regime(RegimeCode.PA2023_DYNAMIC_MARKET)
EW = Nation.ENGLAND_AND_WALES
SCT = Nation.SCOTLAND
NI = Nation.NORTHERN_IRELAND


def test_rules_start_with_the_act():
    assert PA.effective_from == date(2025, 2, 24)
    with pytest.raises(RuleViolation):
        get_regime("pa2023_dynamic_market", start_date=date(2025, 2, 23))


# -- admission test ----------------------------------------------------------------------


def test_conditions_of_membership_cannot_change_once_established():
    assert PA.conditions_changeable_during_term is False
    PA.check_conditions_change(market_established=False)
    with pytest.raises(RuleViolation) as refused:
        PA.check_conditions_change(market_established=True)
    assert str(refused.value) == (
        "The conditions of membership cannot be changed once the market has been established."
    )


# -- assessing an application ----------------------------------------------------------


@pytest.mark.parametrize("nation", [EW, SCT, NI])
def test_reasonable_period_defaults_to_ten_uk_working_days(nation):
    """Received Thu 23 Dec 2027: Fri 24 (1), Wed 29 to Fri 31 Dec (2-4), then 3 Jan (all
    nations) and 4 Jan (Scotland) are off: Wed 5 to Fri 7 (5-7), Mon 10 to Wed 12 Jan
    (8-10). The same for every nation's authority."""
    assert PA.assessment_due(london(2027, 12, 23, 15), nation) == end_of(2028, 1, 12)


def test_reasonable_period_is_configurable():
    """15 working days from the 10th (Wed 12 Jan): Thu 13, Fri 14, Mon 17 to Wed 19 Jan."""
    due = PA.assessment_due(london(2027, 12, 23, 15), EW, reasonable_period_working_days=15)
    assert due == end_of(2028, 1, 19)


def test_reasonable_period_must_be_at_least_a_working_day():
    with pytest.raises(RuleViolation) as refused:
        PA.assessment_due(london(2027, 12, 23, 15), EW, reasonable_period_working_days=0)
    assert refused.value.message is rules.ASSESSMENT_PERIOD_TOO_SHORT


def test_there_is_no_statutory_extension():
    with pytest.raises(RuleViolation) as refused:
        PA.extend_assessment("Awaiting audited accounts.")
    assert refused.value.message is rules.EXTENSION_NOT_AVAILABLE
    with pytest.raises(RuleViolation):
        PA.assessment_due(london(2027, 12, 23, 15), EW, extended=True)


# -- no first period ---------------------------------------------------------------------


def test_there_is_no_first_period():
    notice = london(2027, 7, 1, 10)
    assert PA.first_request_period_min_end(notice) is None
    PA.check_first_period(notice, None)
    with pytest.raises(RuleViolation) as refused:
        PA.check_first_period(notice, end_of(2027, 7, 31))
    assert refused.value.message is rules.FIRST_PERIOD_NOT_AVAILABLE
    assert PA.may_publish_call(False, False) is True


def test_first_period_arguments_do_not_defer_assessment():
    due = PA.assessment_due(london(2027, 7, 5, 9), EW, first_period_ends_at=end_of(2027, 7, 31))
    # Tue 6 to Fri 9 (1-4), Mon 12 Jul is the Battle of the Boyne (NI), Tue 13 to Fri 16
    # (5-8), Mon 19 and Tue 20 Jul (9-10).
    assert due == end_of(2027, 7, 20)


# -- excluded or debarred suppliers -------------------------------------------------------


def test_removal_is_reported_to_the_appropriate_authority():
    assert PA.removal_reported_to_authority is True


# -- no renewed self-declaration --------------------------------------------------------


def test_renewed_self_declaration_is_not_available():
    assert PA.supports_self_declaration is False
    with pytest.raises(RuleViolation) as refused:
        PA.self_declaration_due(london(2027, 3, 25, 11), EW)
    assert str(refused.value) == (
        "This regime has no renewed self-declaration; re-check the conditions of membership "
        "instead."
    )


# -- fees to awarded suppliers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "rate", "fee"),
    [
        (Decimal("10000"), Decimal("1.5"), Decimal("150.00")),
        (Decimal("333.33"), Decimal("1.5"), Decimal("5.00")),  # 4.99995 rounds half up
        (Decimal("10000"), Decimal("0"), Decimal("0.00")),
        (Decimal("10000"), None, Decimal("0.00")),
        (Decimal("10000"), Decimal("100"), Decimal("10000.00")),
    ],
)
def test_fee_is_a_percentage_of_the_awarded_contract_value(value, rate, fee):
    assert PA.supplier_fee(value, rate) == fee


@pytest.mark.parametrize("rate", [Decimal("-0.5"), Decimal("100.01")])
def test_fee_rate_is_a_percentage(rate):
    with pytest.raises(RuleViolation) as refused:
        PA.supplier_fee(Decimal("10000"), rate)
    assert str(refused.value) == "The fee rate must be between 0% and 100%."


# -- calls and tenders ----------------------------------------------------------------------


def test_tenders_from_non_members_are_disregarded():
    assert PA.non_member_tenders_disregarded is True
    assert PA.accepts_tender_from(False) is False


def test_tenders_need_ten_days():
    """Invited Mon 25 Oct 2027; ten days after it end with Thu 4 Nov (GMT by then)."""
    invited = london(2027, 10, 25, 10)
    assert PA.tender_deadline_min(invited) == end_of(2027, 11, 4)
    with pytest.raises(RuleViolation):
        PA.check_tender_deadline(invited, london(2027, 11, 4, 23, 59))
    PA.check_tender_deadline(invited, london(2027, 11, 5, 0, 0))


def test_light_touch_call_may_close_within_hours():
    invited = london(2027, 10, 25, 10)
    assert PA.tender_deadline_min(invited, light_touch=True) == london(2027, 10, 25, 11)


def test_no_agreed_shorter_period_even_for_a_sub_central_authority():
    with pytest.raises(RuleViolation) as refused:
        PA.tender_deadline_min(
            london(2027, 10, 25, 10),
            sub_central_agreed_period=timedelta(days=5),
            authority_is_sub_central=True,
        )
    assert refused.value.message is rules.AGREED_PERIOD_NOT_AVAILABLE


# -- award and assessment summaries ---------------------------------------------------------


def test_assessment_summaries_precede_the_contract_award_notice():
    assert PA.assessment_summary_before_award_notice is True
    assert PA.feedback_required is True
    assert "most advantageous tender" in str(PA.award_basis)


# -- standstill -------------------------------------------------------------------------


def test_standstill_is_eight_working_days_beginning_with_the_award_notice_day():
    """Notice Mon 5 Jul 2027 is day 1: 5-9 Jul (1-5); Mon 12 Jul is a bank holiday in
    Northern Ireland, so it does not count even for an English authority; 13-15 Jul (6-8).
    """
    assert PA.standstill_end(london(2027, 7, 5, 10), EW) == end_of(2027, 7, 15)


def test_standstill_across_christmas():
    """Notice Wed 22 Dec 2027 is day 1: 22, 23, 24, 29, 30, 31 Dec (1-6); 3 Jan (UK) and
    4 Jan (Scotland) are off; Wed 5 (7), Thu 6 Jan (8)."""
    assert PA.standstill_end(london(2027, 12, 22, 14), EW) == end_of(2028, 1, 6)


def test_standstill_from_a_notice_on_a_holiday_begins_on_the_next_working_day():
    """Notice Sat 25 Dec 2027: 29, 30, 31 Dec (1-3), 5, 6, 7 Jan (4-6), 10, 11 Jan (7-8)."""
    assert PA.standstill_end(london(2027, 12, 25, 9), EW) == end_of(2028, 1, 11)


def test_light_touch_standstill_is_voluntary():
    notice = london(2027, 7, 5, 10)
    assert PA.standstill_end(notice, EW, light_touch=True) is None
    assert PA.standstill_end(notice, EW, light_touch=True, voluntary=True) == end_of(2027, 7, 15)


# -- notices -------------------------------------------------------------------------------


def test_contract_award_notice_must_precede_the_contract():
    assert PA.contract_award_notice_before_contract is True
    assert PA.award_notice_due(london(2027, 7, 1)) is None
    entered = london(2027, 7, 20, 9)
    for published in (None, london(2027, 7, 20, 10)):
        with pytest.raises(RuleViolation) as refused:
            PA.check_contract_entry(
                entered, award_notice_published_at=published, standstill_ends_at=None
            )
        assert refused.value.message is rules.CONTRACT_BEFORE_AWARD_NOTICE
    PA.check_contract_entry(
        entered,
        award_notice_published_at=london(2027, 7, 5, 10),
        standstill_ends_at=end_of(2027, 7, 15),
    )


def test_award_notices_cannot_be_grouped_by_quarter():
    with pytest.raises(RuleViolation) as refused:
        PA.award_notice_due(london(2027, 7, 1), grouped_quarterly=True)
    assert refused.value.message is rules.NO_QUARTERLY_GROUPING


def test_contract_details_notice_within_thirty_days_beginning_with_the_contract_day():
    """Entered into on 1 Jul 2027 (day 1): the 30th day is 30 Jul."""
    assert PA.contract_details_notice_due(london(2027, 7, 1, 15)) == end_of(2027, 7, 30)


def test_light_touch_contract_details_notice_within_120_days():
    """From 1 Jul 2027 (day 1): July 31, August 31, September 30 days make 92; the 120th
    day is 28 Oct."""
    due = PA.contract_details_notice_due(london(2027, 7, 1, 15), light_touch=True)
    assert due == end_of(2027, 10, 28)


def test_market_notices():
    assert PA.market_notices == ("established", "modified", "ceased")


def test_no_maximum_term():
    assert PA.max_validity_end is None
    PA.check_validity_period(london(2026, 1, 1), end_of(2040, 12, 31))
