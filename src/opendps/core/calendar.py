"""The legal calendar: UK working days and day-based periods, on London days.

Every legal day is a day in Europe/London, whatever the server's time zone: a tender
received at 23:30 UTC on 1 July (00:30 BST on 2 July) was received on 2 July. All public
functions take and return timezone-aware datetimes and refuse naive ones.

Working days are Monday to Friday except the bank holidays of a UK nation, substitute
("observed") days included. A nation is the authority's, except where a law counts bank
holidays "in any part of the United Kingdom" (the Procurement Act 2023, s 123): pass
``uk_wide=True`` for that.

The bank holidays are GOV.UK's official lists (https://www.gov.uk/bank-holidays.json, kept in
``core/data/bank-holidays.json`` and refreshed with ``opendps bank_holidays refresh``) for
every year they cover, 2012 onwards, exactly: a one-off *public* holiday that is not a bank
holiday (Scotland, 15 June 2026) is a working day. Only for years outside the published data
do the recurring rules of the ``holidays`` library stand in, weekdays only, since GOV.UK
lists the substitute day rather than the weekend day it replaces.

Two ways of counting periods appear in the law, and each has its own function:

- "within N days after" an event (the Public Contracts Regulations 2015, read with
  Regulation (EEC, Euratom) No 1182/71): the day of the event is not counted and the
  period ends at the end of its last day — :func:`add_working_days`,
  :func:`end_of_day_after_calendar_days`;
- "a period of N days beginning with the day on which" an event happens (the Procurement
  Act 2023's drafting): the day of the event is day 1 —
  :func:`end_of_working_days_beginning_with`, :func:`end_of_calendar_days_beginning_with`.

"The end of a day" is 23:59:59.999999 London time, so a moment is within the period when
it is ``<=`` the returned datetime.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.db import models
from django.utils.translation import gettext_lazy as _

from opendps.core.bank_holidays import OfficialList, official_lists_load

LONDON = ZoneInfo("Europe/London")


class Nation(models.TextChoices):
    """The UK nation whose bank holidays an organisation keeps."""

    ENGLAND_AND_WALES = "england_wales", _("England and Wales")
    SCOTLAND = "scotland", _("Scotland")
    NORTHERN_IRELAND = "northern_ireland", _("Northern Ireland")


# England and Wales share one list of bank holidays (Banking and Financial Dealings Act
# 1971, Schedule 1): GOV.UK calls it "england-and-wales", the library "ENG".
_DIVISIONS = {
    Nation.ENGLAND_AND_WALES: "england-and-wales",
    Nation.SCOTLAND: "scotland",
    Nation.NORTHERN_IRELAND: "northern-ireland",
}
_SUBDIVISIONS = {
    Nation.ENGLAND_AND_WALES: "ENG",
    Nation.SCOTLAND: "SCT",
    Nation.NORTHERN_IRELAND: "NIR",
}


@cache
def _official(nation: Nation) -> OfficialList:
    """GOV.UK's list for ``nation``, read from disk once per process."""
    return official_lists_load()[_DIVISIONS[nation]]


@lru_cache(maxsize=256)
def _bank_holidays(nation: Nation, year: int) -> frozenset[date]:
    """The bank holidays (substitute days included) of ``nation`` in ``year``."""
    official = _official(nation)
    if official.covers(year):
        return frozenset(day for day in official.days if day.year == year)
    rules = holidays.country_holidays("GB", subdiv=_SUBDIVISIONS[nation], years=year)
    return frozenset(day for day in rules if day.weekday() < 5)


@lru_cache(maxsize=64)
def _uk_wide_bank_holidays(year: int) -> frozenset[date]:
    """The days that are a bank holiday in at least one part of the United Kingdom."""
    return frozenset().union(*(_bank_holidays(nation, year) for nation in Nation))


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"A timezone-aware datetime is required, got {moment!r}.")


def london_date(moment: datetime) -> date:
    """The London calendar day on which ``moment`` falls."""
    _require_aware(moment)
    return moment.astimezone(LONDON).date()


def end_of_london_day(day: date) -> datetime:
    """23:59:59.999999 London time on ``day``, with that day's UTC offset (GMT or BST)."""
    if isinstance(day, datetime):
        raise TypeError("end_of_london_day() takes a date, not a datetime.")
    return datetime.combine(day, time.max, tzinfo=LONDON)


def is_bank_holiday(day: date, nation: Nation | str, *, uk_wide: bool = False) -> bool:
    """Whether ``day`` is a bank holiday of ``nation`` (with ``uk_wide``, of any part of
    the United Kingdom). Weekend days never are: a substitute weekday takes their place.
    """
    if isinstance(day, datetime):
        raise TypeError("is_bank_holiday() takes a date; convert with london_date().")
    if uk_wide:
        return day in _uk_wide_bank_holidays(day.year)
    return day in _bank_holidays(Nation(nation), day.year)


def is_working_day(day: date, nation: Nation | str, *, uk_wide: bool = False) -> bool:
    """Whether ``day`` is Monday to Friday and not a bank holiday.

    The bank holidays are those of ``nation``, or, with ``uk_wide``, those of any part of
    the United Kingdom. ``day`` must be a calendar date (use :func:`london_date` first).
    """
    if isinstance(day, datetime):
        raise TypeError("is_working_day() takes a date; convert with london_date().")
    if day.weekday() >= 5:
        return False
    if uk_wide:
        return day not in _uk_wide_bank_holidays(day.year)
    return day not in _bank_holidays(Nation(nation), day.year)


def _nth_working_day(first: date, n: int, nation: Nation | str, uk_wide: bool) -> date:
    """The ``n``-th working day counting ``first`` itself as a candidate (n >= 1)."""
    day, found = first, 0
    while True:
        if is_working_day(day, nation, uk_wide=uk_wide):
            found += 1
            if found == n:
                return day
        day += timedelta(days=1)


def _require_positive(days: int) -> None:
    if days < 1:
        raise ValueError(f"A period must be at least one day, got {days}.")


def add_working_days(
    moment: datetime, days: int, nation: Nation | str, *, uk_wide: bool = False
) -> datetime:
    """The end of the ``days``-th working day after the London day of ``moment``.

    The day of ``moment`` itself is not counted, even if it is a working day: an
    application received on a Thursday has its first working day on the Friday.
    """
    _require_positive(days)
    start = london_date(moment) + timedelta(days=1)
    return end_of_london_day(_nth_working_day(start, days, nation, uk_wide))


def end_of_working_days_beginning_with(
    moment: datetime, days: int, nation: Nation | str, *, uk_wide: bool = False
) -> datetime:
    """The end of a period of ``days`` working days beginning with the day of ``moment``.

    The London day of ``moment`` is day 1 if it is a working day; if it is not, the period
    begins on the next working day.
    """
    _require_positive(days)
    return end_of_london_day(_nth_working_day(london_date(moment), days, nation, uk_wide))


def end_of_day_after_calendar_days(moment: datetime, days: int) -> datetime:
    """The end of the London day that is ``days`` calendar days after ``moment``'s day.

    For "at least / within N days of" rules: the day of ``moment`` is not counted, so a
    notice sent on 1 July opens a 30-day period that ends at the end of 31 July.
    Weekends and bank holidays count like any other day.
    """
    if days < 0:
        raise ValueError(f"A period cannot be negative, got {days}.")
    return end_of_london_day(london_date(moment) + timedelta(days=days))


def end_of_calendar_days_beginning_with(moment: datetime, days: int) -> datetime:
    """The end of a period of ``days`` calendar days beginning with ``moment``'s day.

    The London day of ``moment`` is day 1: 30 days beginning with 1 July end at the end
    of 30 July.
    """
    _require_positive(days)
    return end_of_london_day(london_date(moment) + timedelta(days=days - 1))


def working_days_between(
    start: datetime, end: datetime, nation: Nation | str, *, uk_wide: bool = False
) -> int:
    """How many working days fall after ``start``'s London day, up to and including
    ``end``'s London day; 0 if ``end`` is on or before ``start``'s day.

    It is the inverse of :func:`add_working_days`: if ``due = add_working_days(t, n)``
    then ``working_days_between(t, due) == n``.
    """
    first = london_date(start) + timedelta(days=1)
    last = london_date(end)
    count, day = 0, first
    while day <= last:
        if is_working_day(day, nation, uk_wide=uk_wide):
            count += 1
        day += timedelta(days=1)
    return count


def london_text(moment: datetime) -> str:
    """``moment`` in London time for messages, rounded up to the minute: "2027-11-05 00:00
    GMT". Rounding up means that the end of a day reads as the midnight that follows it,
    which is a moment a person can type and that satisfies an "at least" rule.
    """
    _require_aware(moment)
    local = moment.astimezone(LONDON)
    if local.second or local.microsecond:
        utc = moment.astimezone(ZoneInfo("UTC"))
        rounded = utc.replace(second=0, microsecond=0) + timedelta(minutes=1)
        local = rounded.astimezone(LONDON)
    return local.strftime("%Y-%m-%d %H:%M %Z")
