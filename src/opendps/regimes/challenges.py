"""Challenges to the authority's decisions: the time limits and the contract hold.

A supplier may ask the contracting authority to review a decision that affects it (an
application rejected, a membership suspended or removed, an award). The review by the
authority itself has no statutory timetable, so the acknowledgement and decision periods
below are platform defaults that each authority may change; the period for raising a
challenge and the hold on the contract follow the remedies provisions of each regime.
:class:`~opendps.regimes.base.Regime` inherits these rules; a regime overrides the numbers.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from opendps.core import calendar
from opendps.core.calendar import Nation
from opendps.core.errors import RuleViolation

CHALLENGE_TOO_LATE = _(
    "A challenge to this decision had to be raised by %(by_text)s: the time for raising it "
    "has passed."
)
CHALLENGE_PERIOD_TOO_SHORT = _(
    "Each period for a step of a challenge must be at least one working day."
)
CHALLENGE_PERIOD_TOO_LONG = _(
    "Each period for a step of a challenge can be at most %(maximum)s working days."
)


class ChallengeRules:
    """Time limits and the contract hold for challenges; mixed into every regime."""

    working_days_uk_wide: ClassVar[bool]

    # A supplier has 30 days beginning with the day it learnt of the decision to bring
    # proceedings (PCR 2015 reg 92(2); PA 2023 s 106(1)): the platform accepts a
    # challenge for the same period from the decision.
    CHALLENGE_RAISE_DAYS: ClassVar[int] = 30
    # Platform defaults, configurable per authority: the law sets no period for the
    # authority's own review, so these are the service's promise to suppliers.
    CHALLENGE_ACKNOWLEDGE_WORKING_DAYS: ClassVar[int] = 2
    CHALLENGE_DECISION_WORKING_DAYS: ClassVar[int] = 10
    # The longest period an authority may set for a step (about three months).
    CHALLENGE_MAX_WORKING_DAYS: ClassVar[int] = 60
    # A challenge to an award raised while the standstill runs stops the contract being
    # entered into until the authority has decided it: the standstill exists so that a
    # challenge can be heard before the contract is made (PCR 2015 reg 87; PA 2023 s 51).
    challenge_in_standstill_holds_contract: ClassVar[bool] = True
    # Whether the authority must refrain from entering into the contract once it knows
    # proceedings have been issued about the award (the automatic suspension).
    proceedings_suspend_contract: ClassVar[bool] = False

    def challenge_raise_by(self, decided_at: datetime) -> datetime:
        """The end of the last day on which a decision made at ``decided_at`` can be challenged."""
        return calendar.end_of_calendar_days_beginning_with(decided_at, self.CHALLENGE_RAISE_DAYS)

    def check_challenge_in_time(self, *, decided_at: datetime, raised_at: datetime) -> None:
        """Refuse a challenge raised after :meth:`challenge_raise_by`."""
        by = self.challenge_raise_by(decided_at)
        if raised_at > by:
            raise RuleViolation(
                CHALLENGE_TOO_LATE,
                code="challenge_too_late",
                by=by,
                by_text=calendar.london_text(by),
            )

    def challenge_working_days(self, configured: int | None, default: int) -> int:
        """The working days for one step: the authority's own period, or the default."""
        if configured is None:
            return default
        if configured < 1:
            raise RuleViolation(CHALLENGE_PERIOD_TOO_SHORT, code="challenge_period_too_short")
        if configured > self.CHALLENGE_MAX_WORKING_DAYS:
            raise RuleViolation(
                CHALLENGE_PERIOD_TOO_LONG,
                code="challenge_period_too_long",
                maximum=self.CHALLENGE_MAX_WORKING_DAYS,
            )
        return configured

    def challenge_acknowledge_due(
        self, raised_at: datetime, nation: Nation | str, *, working_days: int | None = None
    ) -> datetime:
        """The end of the last working day for acknowledging a challenge."""
        days = self.challenge_working_days(working_days, self.CHALLENGE_ACKNOWLEDGE_WORKING_DAYS)
        return calendar.add_working_days(raised_at, days, nation, uk_wide=self.working_days_uk_wide)

    def challenge_decision_due(
        self, raised_at: datetime, nation: Nation | str, *, working_days: int | None = None
    ) -> datetime:
        """The end of the last working day for deciding a challenge."""
        days = self.challenge_working_days(working_days, self.CHALLENGE_DECISION_WORKING_DAYS)
        return calendar.add_working_days(raised_at, days, nation, uk_wide=self.working_days_uk_wide)

    def award_challenge_holds_contract(
        self, *, raised_in_standstill: bool, proceedings_issued: bool
    ) -> bool:
        """Whether an undecided challenge to an award stops the contract being entered into."""
        if raised_in_standstill and self.challenge_in_standstill_holds_contract:
            return True
        return proceedings_issued and self.proceedings_suspend_contract
