"""The contract every regime honours, run against each regime.

``RegimeContract`` is a mixin (not collected on its own); each ``Test...`` class below
binds it to one regime, as Django's ``SessionTestsMixin`` runs one suite per backend.
Regime-specific numbers are tested row by row in ``test_pcr2015.py`` and
``test_pa2023.py``.
"""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import ClassVar

import pytest

from opendps.core.calendar import Nation, working_days_between
from opendps.core.errors import RuleViolation
from opendps.regimes import REGIMES, Regime, RegimeCode, get_regime
from opendps.regimes import base as rules
from opendps.regimes.pa2023 import Pa2023DynamicMarket
from opendps.regimes.pcr2015 import Pcr2015Dps
from opendps.regimes.tests.dates import end_of, london

EW = Nation.ENGLAND_AND_WALES


class RegimeContract:
    regime: ClassVar[Regime]

    # -- identity and versions ---------------------------------------------------------

    def test_is_registered_under_its_code(self):
        assert get_regime(self.regime.code) is self.regime
        assert get_regime(self.regime.code.value) is self.regime
        assert REGIMES[self.regime.code.value] is self.regime
        assert self.regime.label == RegimeCode(self.regime.code).label

    def test_applies_from_its_effective_date_only(self):
        start = self.regime.effective_from
        assert get_regime(self.regime.code, start_date=start) is self.regime
        with pytest.raises(RuleViolation) as refused:
            get_regime(self.regime.code, start_date=start - timedelta(days=1))
        assert refused.value.code == "regime_not_in_force"

    # -- membership --------------------------------------------------------------------

    def test_assessment_due_is_the_end_of_a_london_working_day(self):
        received = london(2027, 6, 9, 16, 45)
        due = self.regime.assessment_due(received, EW)
        assert due.timetz() == time.max.replace(tzinfo=due.tzinfo)
        counted = working_days_between(received, due, EW, uk_wide=self.regime.working_days_uk_wide)
        assert counted == self.regime.ASSESSMENT_WORKING_DAYS

    def test_assessment_due_refuses_a_naive_datetime(self):
        with pytest.raises(ValueError):
            self.regime.assessment_due(datetime(2027, 6, 9, 16, 45), EW)

    def test_excluded_supplier_is_not_admitted(self):
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_admission(excluded=True, debarred=False)
        assert refused.value.message is rules.SUPPLIER_EXCLUDED
        assert str(refused.value) == "An excluded supplier cannot be admitted."

    def test_debarred_supplier_is_not_admitted(self):
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_admission(excluded=False, debarred=True)
        assert refused.value.message is rules.SUPPLIER_DEBARRED

    def test_eligible_supplier_may_be_admitted(self):
        assert self.regime.check_admission(excluded=False, debarred=False) is None

    def test_number_of_members_is_not_capped(self):
        assert self.regime.MAX_MEMBERS is None

    # -- calls and tenders -------------------------------------------------------------

    @pytest.mark.parametrize(
        ("admitted", "suspended", "invited"),
        [(True, False, True), (True, True, False), (False, False, False), (False, True, False)],
    )
    def test_every_admitted_unsuspended_member_is_invited(self, admitted, suspended, invited):
        assert self.regime.is_invited(admitted=admitted, suspended=suspended) is invited

    def test_only_members_tenders_are_considered(self):
        assert self.regime.accepts_tender_from(True) is True
        assert self.regime.accepts_tender_from(False) is False

    def test_light_touch_call_may_close_after_one_hour_but_not_sooner(self):
        invited = london(2027, 6, 9, 9, 0)
        assert self.regime.tender_deadline_min(invited, light_touch=True) == london(2027, 6, 9, 10)
        self.regime.check_tender_deadline(invited, london(2027, 6, 9, 10, 0), light_touch=True)
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_tender_deadline(invited, london(2027, 6, 9, 9, 59), light_touch=True)
        assert str(refused.value) == (
            "The deadline for tenders must be no earlier than 2027-06-09 10:00 BST."
        )
        assert refused.value.data["earliest"] == london(2027, 6, 9, 10, 0)

    def test_ordinary_call_needs_ten_whole_days(self):
        invited = london(2027, 6, 9, 9, 0)
        assert self.regime.tender_deadline_min(invited) == end_of(2027, 6, 19)
        self.regime.check_tender_deadline(invited, london(2027, 6, 20, 0, 0))
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_tender_deadline(invited, london(2027, 6, 19, 23, 59))
        assert refused.value.code == "tender_deadline_too_early"
        assert refused.value.message is rules.TENDER_DEADLINE_TOO_EARLY

    def test_agreed_period_is_refused_for_an_authority_that_is_not_sub_central(self):
        with pytest.raises(RuleViolation) as refused:
            self.regime.tender_deadline_min(
                london(2027, 6, 9, 9),
                sub_central_agreed_period=timedelta(days=3),
                authority_is_sub_central=False,
            )
        assert refused.value.message is rules.AGREED_PERIOD_NOT_AVAILABLE

    # -- award -------------------------------------------------------------------------

    def test_platform_gives_feedback_to_every_bidder(self):
        assert self.regime.feedback_given is True
        assert str(self.regime.award_basis)

    def test_no_standstill_for_light_touch_unless_voluntary(self):
        assert self.regime.standstill_end(london(2027, 6, 9, 9), EW, light_touch=True) is None

    def test_voluntary_standstill_ends_at_the_end_of_a_later_day(self):
        decision = london(2027, 6, 9, 9)
        end = self.regime.standstill_end(decision, EW, voluntary=True, light_touch=True)
        assert end is not None
        assert end > decision
        assert end.timetz() == time.max.replace(tzinfo=end.tzinfo)

    def test_contract_cannot_be_entered_into_during_standstill(self):
        ends = end_of(2027, 6, 18)
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_contract_entry(
                london(2027, 6, 18, 17),
                award_notice_published_at=london(2027, 6, 9, 9),
                standstill_ends_at=ends,
            )
        assert str(refused.value) == (
            "The contract cannot be entered into before the standstill period ends at "
            "2027-06-19 00:00 BST."
        )
        self.regime.check_contract_entry(
            london(2027, 6, 19, 0, 0),
            award_notice_published_at=london(2027, 6, 9, 9),
            standstill_ends_at=ends,
        )

    # -- money, market and policy -----------------------------------------------------

    def test_no_fee_when_none_is_configured(self):
        assert self.regime.supplier_fee(Decimal("10000")) == Decimal("0")

    def test_negative_contract_value_is_refused(self):
        with pytest.raises(RuleViolation) as refused:
            self.regime.supplier_fee(Decimal("-1"))
        assert refused.value.message is rules.CONTRACT_VALUE_NEGATIVE

    def test_market_notices_are_named(self):
        assert self.regime.market_notices
        assert all(isinstance(kind, str) for kind in self.regime.market_notices)

    def test_validity_period_must_end_after_it_starts(self):
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_validity_period(london(2027, 6, 9), london(2027, 6, 9))
        assert refused.value.message is rules.VALIDITY_END_BEFORE_START

    def test_central_government_weights_social_value_at_least_ten_percent(self):
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_social_value_weight(Decimal("9.99"), central_government=True)
        assert (
            str(refused.value) == "Social value must be weighted at least 10% of the total score."
        )
        self.regime.check_social_value_weight(Decimal("10"), central_government=True)

    def test_other_authorities_have_no_social_value_minimum_unless_they_set_one(self):
        self.regime.check_social_value_weight(Decimal("0"), central_government=False)
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_social_value_weight(
                Decimal("15"), central_government=False, minimum_percent=Decimal("20")
            )
        assert refused.value.data["minimum"] == Decimal("20")

    @pytest.mark.parametrize("weight", [Decimal("-0.01"), Decimal("100.01")])
    def test_social_value_weight_is_a_percentage(self, weight):
        with pytest.raises(RuleViolation) as refused:
            self.regime.check_social_value_weight(weight, central_government=False)
        assert str(refused.value) == "The social value weighting must be between 0% and 100%."


class TestPcr2015Contract(RegimeContract):
    regime = REGIMES[RegimeCode.PCR2015_DPS]


class TestPa2023Contract(RegimeContract):
    regime = REGIMES[RegimeCode.PA2023_DYNAMIC_MARKET]


# -- the registry ----------------------------------------------------------------------


def test_registry_holds_one_regime_per_code():
    assert set(REGIMES) == set(RegimeCode.values)
    assert isinstance(REGIMES["pcr2015_dps"], Pcr2015Dps)
    assert isinstance(REGIMES["pa2023_dynamic_market"], Pa2023DynamicMarket)


def test_regime_code_labels():
    assert str(RegimeCode.PCR2015_DPS.label) == "PCR 2015 Dynamic Purchasing System"
    assert str(RegimeCode.PA2023_DYNAMIC_MARKET.label) == "Procurement Act 2023 dynamic market"


def test_unknown_regime_code_is_refused():
    with pytest.raises(ValueError):
        get_regime("pcr2006")


def test_start_date_may_be_an_aware_datetime_read_on_its_london_day():
    # 23:30 UTC on 23 Feb 2025 is still 23 Feb in London (GMT): before the Act.
    with pytest.raises(RuleViolation):
        get_regime("pa2023_dynamic_market", start_date=london(2025, 2, 23, 23, 30))
    assert (
        get_regime("pa2023_dynamic_market", start_date=london(2025, 2, 24))
        is REGIMES["pa2023_dynamic_market"]
    )


def test_a_later_rule_version_applies_only_to_procedures_started_after_it(monkeypatch):
    """How a change in the law is added: a subclass with a later effective date."""

    class Pa2023From2030(Pa2023DynamicMarket):
        effective_from = date(2030, 1, 1)
        STANDSTILL_WORKING_DAYS = 10

    import opendps.regimes as registry

    current = REGIMES["pa2023_dynamic_market"]
    future = Pa2023From2030()
    versions = dict(registry._VERSIONS, pa2023_dynamic_market=(current, future))
    monkeypatch.setattr(registry, "_VERSIONS", versions)

    assert get_regime("pa2023_dynamic_market", start_date=date(2029, 12, 31)) is current
    assert get_regime("pa2023_dynamic_market", start_date=date(2030, 1, 1)) is future
    assert get_regime("pa2023_dynamic_market") is future
