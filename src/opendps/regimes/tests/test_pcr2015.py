"""PCR 2015 dynamic purchasing systems, row by row against DESIGN.md §3.

Every expected date is worked out by hand in the test's docstring or comments; each test
fails if its number changes (10 working days against 9 or 11, and so on).
"""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from opendps.core.calendar import Nation
from opendps.core.errors import RuleViolation
from opendps.regimes import RegimeCode, get_regime
from opendps.regimes import base as rules
from opendps.regimes.tests.dates import end_of, london

PCR = get_regime(RegimeCode.PCR2015_DPS)
EW = Nation.ENGLAND_AND_WALES
SCT = Nation.SCOTLAND
NI = Nation.NORTHERN_IRELAND


def test_rules_start_with_the_pcr_2015():
    assert PCR.effective_from == date(2015, 2, 26)
    with pytest.raises(RuleViolation):
        get_regime("pcr2015_dps", start_date=date(2015, 2, 25))


# -- admission test ----------------------------------------------------------------------


def test_admission_is_on_selection_criteria_per_category_which_may_change():
    assert PCR.admission_test_per_category is True
    assert PCR.conditions_changeable_during_term is True
    PCR.check_conditions_change(market_established=True)


# -- assessing an application ----------------------------------------------------------


def test_application_is_assessed_within_ten_working_days_across_christmas():
    """Received Thu 23 Dec 2027 (England and Wales). Working days: Fri 24 Dec (1), Wed 29,
    Thu 30, Fri 31 Dec (2-4), Tue 4 to Fri 7 Jan (5-8), Mon 10 (9), Tue 11 Jan (10).
    27-28 Dec (Christmas and Boxing Day observed) and 3 Jan (New Year observed) are off."""
    received = london(2027, 12, 23, 15, 0)
    assert PCR.assessment_due(received, EW) == end_of(2028, 1, 11)


def test_assessment_follows_the_authoritys_own_nation():
    received = london(2027, 12, 23, 15, 0)
    # Northern Ireland has the same holidays in this stretch.
    assert PCR.assessment_due(received, NI) == end_of(2028, 1, 11)
    # Scotland also keeps Tue 4 Jan 2028 (New Year holiday observed): one day later.
    assert PCR.assessment_due(received, SCT) == end_of(2028, 1, 12)


def test_extended_assessment_is_fifteen_working_days():
    """From Tue 11 Jan (10): Wed 12 to Fri 14 (11-13), Mon 17 (14), Tue 18 Jan (15)."""
    received = london(2027, 12, 23, 15, 0)
    assert PCR.assessment_due(received, EW, extended=True) == end_of(2028, 1, 18)


def test_extension_needs_a_recorded_reason():
    assert PCR.extend_assessment("  Awaiting audited accounts.  ") == "Awaiting audited accounts."
    for blank in ("", "   "):
        with pytest.raises(RuleViolation) as refused:
            PCR.extend_assessment(blank)
        assert str(refused.value) == "Give the reason for extending the assessment period."


def test_statutory_assessment_period_cannot_be_configured():
    with pytest.raises(RuleViolation) as refused:
        PCR.assessment_due(london(2027, 6, 9), EW, reasonable_period_working_days=20)
    assert refused.value.message is rules.ASSESSMENT_PERIOD_NOT_CONFIGURABLE


# -- the first period for requests to participate -------------------------------------


def test_first_period_lasts_at_least_thirty_days_from_the_notice():
    """Notice on 1 Jul 2027: the day itself is not counted, so 30 days end with 31 Jul."""
    notice = london(2027, 7, 1, 10, 0)
    assert PCR.first_request_period_min_end(notice) == end_of(2027, 7, 31)
    PCR.check_first_period(notice, end_of(2027, 7, 31))
    PCR.check_first_period(notice, london(2027, 8, 1, 0, 0))


def test_first_period_of_twenty_nine_days_is_refused():
    with pytest.raises(RuleViolation) as refused:
        PCR.check_first_period(london(2027, 7, 1, 10, 0), end_of(2027, 7, 30))
    assert str(refused.value) == (
        "The first period for requests to participate must last at least 30 days from the "
        "notice: end it no earlier than 2027-08-01 00:00 BST."
    )
    assert refused.value.data["earliest"] == end_of(2027, 7, 31)


def test_first_period_is_required():
    with pytest.raises(RuleViolation) as refused:
        PCR.check_first_period(london(2027, 7, 1, 10, 0), None)
    assert refused.value.message is rules.FIRST_PERIOD_REQUIRED


def test_no_call_during_the_first_period():
    with pytest.raises(RuleViolation) as refused:
        PCR.may_publish_call(False, True)
    assert refused.value.message is rules.CALL_DURING_FIRST_PERIOD


def test_no_call_until_the_first_requests_are_assessed():
    with pytest.raises(RuleViolation) as refused:
        PCR.may_publish_call(first_period_ended=True, first_period_applications_all_assessed=False)
    assert str(refused.value) == (
        "No call for competition can be published until every application received during "
        "the first period for requests to participate has been assessed."
    )
    assert PCR.may_publish_call(True, True) is True


FIRST_PERIOD_END = end_of(2027, 7, 31)  # Saturday


def test_first_period_application_is_due_ten_working_days_after_the_period_ends():
    """Received Mon 5 Jul 2027 while the first period runs to Sat 31 Jul and no call has
    gone out: due 10 working days after 31 Jul (Mon 2 to Fri 13 Aug), not on 19 Jul."""
    due = PCR.assessment_due(london(2027, 7, 5, 9), EW, first_period_ends_at=FIRST_PERIOD_END)
    assert due == end_of(2027, 8, 13)


def test_first_period_application_extended_is_fifteen_working_days_after_the_period():
    due = PCR.assessment_due(
        london(2027, 7, 5, 9), EW, extended=True, first_period_ends_at=FIRST_PERIOD_END
    )
    assert due == end_of(2027, 8, 20)


def test_first_invitation_to_tender_ends_the_longer_period():
    """The first call may only go out once first-period applications are decided, so they
    are due by the moment it is sent."""
    sent = london(2027, 8, 10, 10, 0)
    due = PCR.assessment_due(
        london(2027, 7, 5, 9),
        EW,
        first_period_ends_at=FIRST_PERIOD_END,
        first_invitation_sent_at=sent,
    )
    assert due == sent


def test_longer_period_is_never_shorter_than_the_normal_limit():
    due = PCR.assessment_due(
        london(2027, 7, 5, 9),
        EW,
        first_period_ends_at=FIRST_PERIOD_END,
        first_invitation_sent_at=london(2027, 7, 12, 10, 0),
    )
    assert due == end_of(2027, 7, 19)


def test_application_after_the_first_period_has_the_normal_limit():
    """Received Mon 2 Aug 2027: Tue 3 to Fri 6 (1-4), Mon 9 to Fri 13 (5-9), Mon 16 (10)."""
    due = PCR.assessment_due(london(2027, 8, 2, 9), EW, first_period_ends_at=FIRST_PERIOD_END)
    assert due == end_of(2027, 8, 16)


def test_application_after_the_first_invitation_has_the_normal_limit():
    due = PCR.assessment_due(
        london(2027, 7, 20, 9),
        EW,
        first_period_ends_at=FIRST_PERIOD_END,
        first_invitation_sent_at=london(2027, 7, 19, 9),
    )
    assert due == end_of(2027, 8, 3)


# -- excluded or debarred suppliers -------------------------------------------------------


def test_removal_is_not_reported_to_any_authority():
    assert PCR.removal_reported_to_authority is False


# -- renewed self-declaration -----------------------------------------------------------


def test_renewed_self_declaration_is_due_in_five_working_days_across_easter():
    """Requested Thu 25 Mar 2027. Good Friday 26 Mar and Easter Monday 29 Mar are off in
    England and Wales: Tue 30 (1), Wed 31 (2), Thu 1 (3), Fri 2 (4), Mon 5 Apr (5)."""
    assert PCR.supports_self_declaration is True
    due = PCR.self_declaration_due(london(2027, 3, 25, 11, 0), EW)
    assert due == end_of(2027, 4, 5)
    assert due.utcoffset() == timedelta(hours=1)  # BST since 28 Mar


def test_renewed_self_declaration_in_scotland_has_no_easter_monday():
    due = PCR.self_declaration_due(london(2027, 3, 25, 11, 0), SCT)
    assert due == end_of(2027, 4, 2)


# -- charges to suppliers -----------------------------------------------------------------


def test_no_charges_to_suppliers():
    assert PCR.supplier_fee(Decimal("250000"), Decimal("0")) == Decimal("0")
    with pytest.raises(RuleViolation) as refused:
        PCR.supplier_fee(Decimal("250000"), Decimal("1.5"))
    assert str(refused.value) == "No charges may be made to suppliers under this regime."
    with pytest.raises(RuleViolation):
        PCR.check_supplier_fee_rate(Decimal("0.01"))


# -- minimum time for tenders ---------------------------------------------------------------


def test_tenders_need_ten_days_across_the_autumn_clock_change():
    """Invited Mon 25 Oct 2027 10:00 BST; the clocks go back on Sun 31 Oct. Ten days
    after 25 Oct end with Thu 4 Nov, at 23:59:59.999999 GMT."""
    invited = london(2027, 10, 25, 10, 0)
    earliest = PCR.tender_deadline_min(invited)
    assert earliest == datetime(2027, 11, 4, 23, 59, 59, 999999, tzinfo=UTC)
    assert earliest.utcoffset() == timedelta(0)


def test_deadline_one_minute_short_of_ten_days_is_refused():
    invited = london(2027, 10, 25, 10, 0)
    with pytest.raises(RuleViolation) as refused:
        PCR.check_tender_deadline(invited, london(2027, 11, 4, 23, 59))
    assert str(refused.value) == (
        "The deadline for tenders must be no earlier than 2027-11-05 00:00 GMT."
    )
    with pytest.raises(RuleViolation):
        PCR.check_tender_deadline(invited, end_of(2027, 11, 3))
    PCR.check_tender_deadline(invited, london(2027, 11, 5, 0, 0))
    PCR.check_tender_deadline(invited, end_of(2027, 11, 4))


def test_sub_central_authority_may_use_a_period_agreed_with_the_members():
    invited = london(2027, 10, 25, 10, 0)
    earliest = PCR.tender_deadline_min(
        invited, sub_central_agreed_period=timedelta(days=5), authority_is_sub_central=True
    )
    assert earliest == london(2027, 10, 30, 10, 0)
    PCR.check_tender_deadline(
        invited,
        london(2027, 10, 30, 10, 0),
        sub_central_agreed_period=timedelta(days=5),
        authority_is_sub_central=True,
    )


def test_agreed_period_must_be_positive():
    with pytest.raises(RuleViolation) as refused:
        PCR.tender_deadline_min(
            london(2027, 10, 25, 10),
            sub_central_agreed_period=timedelta(0),
            authority_is_sub_central=True,
        )
    assert refused.value.message is rules.AGREED_PERIOD_NOT_POSITIVE


# -- award and feedback ------------------------------------------------------------------


def test_feedback_is_not_required_but_given():
    assert PCR.feedback_required is False
    assert PCR.feedback_given is True
    assert PCR.assessment_summary_before_award_notice is False
    assert "contract notice" in str(PCR.award_basis)


# -- standstill -------------------------------------------------------------------------


def test_standstill_is_not_mandatory():
    assert PCR.standstill_end(london(2027, 12, 22, 14), EW) is None


def test_voluntary_standstill_is_ten_calendar_days():
    """Decision Wed 22 Dec 2027: ten days after it end with Sat 1 Jan 2028 (holidays and
    weekends count)."""
    end = PCR.standstill_end(london(2027, 12, 22, 14), EW, voluntary=True)
    assert end == end_of(2028, 1, 1)


# -- award notices -------------------------------------------------------------------------


def test_award_notice_within_thirty_days_of_each_award():
    assert PCR.award_notice_due(london(2027, 3, 15, 12)) == end_of(2027, 4, 14)


@pytest.mark.parametrize(
    ("awarded_at", "due"),
    [
        (london(2027, 3, 15, 12), end_of(2027, 4, 30)),
        (london(2027, 1, 1, 9), end_of(2027, 4, 30)),
        (london(2027, 3, 31, 23, 59), end_of(2027, 4, 30)),
        (london(2027, 4, 1, 0, 0), end_of(2027, 7, 30)),
        # 23:30 UTC on 30 Jun is 00:30 BST on 1 Jul: the third quarter, due 30 Oct.
        (datetime(2027, 6, 30, 23, 30, tzinfo=UTC), end_of(2027, 10, 30)),
        (london(2027, 12, 31, 12), end_of(2028, 1, 30)),
    ],
)
def test_grouped_award_notices_within_thirty_days_of_the_quarter_end(awarded_at, due):
    assert PCR.award_notice_due(awarded_at, grouped_quarterly=True) == due


def test_no_contract_details_notice_and_no_award_notice_needed_before_contract():
    assert PCR.contract_details_notice_due(london(2027, 7, 1)) is None
    assert PCR.contract_award_notice_before_contract is False
    PCR.check_contract_entry(
        london(2027, 7, 1), award_notice_published_at=None, standstill_ends_at=None
    )


# -- market notices and validity --------------------------------------------------------


def test_market_notices():
    assert PCR.market_notices == ("contract_notice", "validity_change")


def test_dps_may_run_until_the_end_of_23_february_2029():
    start = london(2024, 6, 1)
    assert end_of(2029, 2, 23) == PCR.max_validity_end
    PCR.check_validity_period(start, end_of(2029, 2, 23))
    with pytest.raises(RuleViolation) as refused:
        PCR.check_validity_period(start, london(2029, 2, 24, 0, 0))
    assert str(refused.value) == (
        "A dynamic purchasing system under the PCR 2015 cannot run beyond 2029-02-24 00:00 GMT."
    )
