"""Challenge rules, run against every regime: the period for raising a challenge, the
default and configurable working days for each step, and when the contract is held."""

from typing import ClassVar

import pytest

from opendps.core.calendar import Nation
from opendps.core.errors import RuleViolation
from opendps.regimes import Regime
from opendps.regimes.pa2023 import Pa2023DynamicMarket
from opendps.regimes.pcr2015 import Pcr2015Dps
from opendps.regimes.tests.dates import end_of, london

EW = Nation.ENGLAND_AND_WALES
SCOTLAND = Nation.SCOTLAND


class ChallengeContract:
    regime: ClassVar[Regime]

    def test_thirty_days_beginning_with_the_decision_to_challenge_it(self):
        decided = london(2027, 4, 20, 9)
        assert self.regime.CHALLENGE_RAISE_DAYS == 30
        assert self.regime.challenge_raise_by(decided) == end_of(2027, 5, 19)
        self.regime.check_challenge_in_time(decided_at=decided, raised_at=end_of(2027, 5, 19))
        with pytest.raises(RuleViolation) as late:
            self.regime.check_challenge_in_time(
                decided_at=decided, raised_at=london(2027, 5, 20, 0, 1)
            )
        assert late.value.code == "challenge_too_late"

    def test_default_steps_are_two_and_ten_working_days(self):
        raised = london(2027, 4, 22, 10)  # Thursday; 3 May 2027 is a bank holiday
        assert self.regime.challenge_acknowledge_due(raised, EW) == end_of(2027, 4, 26)
        assert self.regime.challenge_decision_due(raised, EW) == end_of(2027, 5, 7)

    def test_an_authority_may_set_its_own_working_days_within_bounds(self):
        raised = london(2027, 4, 22, 10)
        assert self.regime.challenge_acknowledge_due(raised, EW, working_days=1) == end_of(
            2027, 4, 23
        )
        assert self.regime.challenge_decision_due(raised, EW, working_days=60) > end_of(2027, 7, 1)
        for days, code in ((0, "challenge_period_too_short"), (61, "challenge_period_too_long")):
            with pytest.raises(RuleViolation) as refused:
                self.regime.challenge_decision_due(raised, EW, working_days=days)
            assert refused.value.code == code

    def test_a_challenge_in_standstill_holds_the_contract(self):
        assert self.regime.award_challenge_holds_contract(
            raised_in_standstill=True, proceedings_issued=False
        )
        assert not self.regime.award_challenge_holds_contract(
            raised_in_standstill=False, proceedings_issued=False
        )

    def test_proceedings_issued_hold_the_contract(self):
        """The automatic suspension: PA 2023 s 101; PCR 2015 reg 95."""
        assert self.regime.award_challenge_holds_contract(
            raised_in_standstill=False, proceedings_issued=True
        )


class TestPcr2015Challenges(ChallengeContract):
    regime = Pcr2015Dps()

    def test_working_days_follow_the_authoritys_nation(self):
        # Monday 2 August 2027 is a bank holiday in Scotland only.
        raised = london(2027, 7, 30, 10)  # a Friday
        assert self.regime.challenge_acknowledge_due(raised, EW) == end_of(2027, 8, 3)
        assert self.regime.challenge_acknowledge_due(raised, SCOTLAND) == end_of(2027, 8, 4)


class TestPa2023Challenges(ChallengeContract):
    regime = Pa2023DynamicMarket()

    def test_working_days_skip_a_bank_holiday_in_any_part_of_the_uk(self):
        # s 123: Monday 2 August 2027 (Scotland's summer bank holiday) is not a working
        # day, even for an authority in England.
        raised = london(2027, 7, 30, 10)  # a Friday
        assert self.regime.challenge_acknowledge_due(raised, EW) == end_of(2027, 8, 4)
