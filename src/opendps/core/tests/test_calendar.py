"""The legal calendar against real UK bank holidays, substitute days and clock changes.

Pure tests: no database, fixed datetimes. Dates are checked by hand against the GOV.UK
bank holiday lists, and every day since 2012 against the official copy in ``core/data``.
"""

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from opendps.core.calendar import (
    LONDON,
    Nation,
    add_working_days,
    end_of_calendar_days_beginning_with,
    end_of_day_after_calendar_days,
    end_of_london_day,
    end_of_working_days_beginning_with,
    is_bank_holiday,
    is_working_day,
    london_date,
    london_text,
    working_days_between,
)

EW = Nation.ENGLAND_AND_WALES
SCT = Nation.SCOTLAND
NI = Nation.NORTHERN_IRELAND
ALL = (EW, SCT, NI)


def london(*args: int) -> datetime:
    return datetime(*args, tzinfo=LONDON)


def end_of(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=LONDON)


# -- bank holidays by nation ------------------------------------------------------------


@pytest.mark.parametrize("nation", ALL)
@pytest.mark.parametrize(
    "day",
    [
        date(2027, 12, 27),  # Christmas Day (Saturday) observed on Monday
        date(2027, 12, 28),  # Boxing Day (Sunday) observed on Tuesday
        date(2023, 5, 8),  # coronation of King Charles III
        date(2027, 3, 26),  # Good Friday
        date(2027, 1, 1),  # New Year's Day
    ],
)
def test_uk_wide_bank_holidays_are_not_working_days_in_any_nation(nation, day):
    assert not is_working_day(day, nation)


@pytest.mark.parametrize(
    ("day", "holiday_in"),
    [
        # Scotland: 2 January, and its substitute when 1 or 2 January is at a weekend.
        (date(2026, 1, 2), {SCT}),
        (date(2027, 1, 4), {SCT}),  # 2 Jan 2027 is a Saturday
        (date(2028, 1, 4), {SCT}),  # New Year holiday, second substitute day
        (date(2028, 1, 3), {EW, SCT, NI}),  # New Year's Day (Saturday) observed
        # St Andrew's Day: Monday 30 Nov 2026 itself; substitutes in 2024 and 2025.
        (date(2026, 11, 30), {SCT}),
        (date(2025, 12, 1), {SCT}),  # 30 Nov 2025 is a Sunday
        (date(2024, 12, 2), {SCT}),  # 30 Nov 2024 is a Saturday
        # Northern Ireland: St Patrick's Day and the Battle of the Boyne.
        (date(2026, 3, 17), {NI}),
        (date(2029, 3, 19), {NI}),  # 17 Mar 2029 is a Saturday
        (date(2027, 7, 12), {NI}),
        (date(2026, 7, 13), {NI}),  # 12 Jul 2026 is a Sunday
        (date(2025, 7, 14), {NI}),  # 12 Jul 2025 is a Saturday
        # Easter Monday is not a bank holiday in Scotland.
        (date(2027, 3, 29), {EW, NI}),
        # Summer: first Monday of August in Scotland, last Monday elsewhere.
        (date(2027, 8, 2), {SCT}),
        (date(2027, 8, 30), {EW, NI}),
    ],
)
def test_nation_specific_bank_holidays(day, holiday_in):
    for nation in ALL:
        assert is_working_day(day, nation) is (nation not in holiday_in), nation


# -- the official GOV.UK lists ---------------------------------------------------------

# Read here with plain json, not through the calendar, so the comparison is independent.
OFFICIAL_FILE = Path(__file__).resolve().parents[1] / "data" / "bank-holidays.json"
DIVISIONS = {EW: "england-and-wales", SCT: "scotland", NI: "northern-ireland"}


def _official() -> dict[Nation, set[date]]:
    data = json.loads(OFFICIAL_FILE.read_text(encoding="utf-8"))
    return {
        nation: {date.fromisoformat(event["date"]) for event in data[division]["events"]}
        for nation, division in DIVISIONS.items()
    }


OFFICIAL = _official()
LAST_PUBLISHED_YEAR = max(day.year for days in OFFICIAL.values() for day in days)


def test_official_copy_covers_2012_to_at_least_2028_for_every_nation():
    for nation, days in OFFICIAL.items():
        assert min(days).year == 2012, nation
        assert max(days).year == LAST_PUBLISHED_YEAR, nation
    assert LAST_PUBLISHED_YEAR >= 2028


def test_a_one_off_public_holiday_that_is_not_a_bank_holiday_is_a_working_day():
    """Mon 15 Jun 2026 is a Scottish public holiday in the ``holidays`` package (FIFA
    World Cup) but not on GOV.UK's list of bank holidays."""
    assert is_working_day(date(2026, 6, 15), SCT)
    assert not is_bank_holiday(date(2026, 6, 15), SCT)
    assert is_working_day(date(2026, 6, 15), EW, uk_wide=True)


@pytest.mark.parametrize("nation", ALL)
def test_bank_holidays_are_exactly_the_official_govuk_list(nation):
    """Every day from 2012 to the last published year, for each nation."""
    official = OFFICIAL[nation]
    day = date(2012, 1, 1)
    wrong = []
    while day.year <= LAST_PUBLISHED_YEAR:
        if is_bank_holiday(day, nation) is not (day in official):
            wrong.append(day)
        if day.weekday() < 5 and is_working_day(day, nation) is (day in official):
            wrong.append(day)
        day += timedelta(days=1)
    assert wrong == []


def test_uk_wide_bank_holidays_are_the_union_of_the_official_lists():
    union = set().union(*OFFICIAL.values())
    day = date(2012, 1, 1)
    while day.year <= LAST_PUBLISHED_YEAR:
        assert is_bank_holiday(day, EW, uk_wide=True) is (day in union), day
        day += timedelta(days=1)


def test_years_beyond_the_official_list_follow_the_recurring_rules():
    """Christmas Day 2044 is a Sunday: the bank holiday is the substitute, Tue 27 Dec."""
    assert LAST_PUBLISHED_YEAR < 2044
    for nation in ALL:
        assert not is_bank_holiday(date(2044, 12, 25), nation)
        assert is_bank_holiday(date(2044, 12, 26), nation)
        assert is_bank_holiday(date(2044, 12, 27), nation)
        assert is_working_day(date(2044, 12, 28), nation)
    assert is_bank_holiday(date(2044, 3, 17), NI)
    assert not is_bank_holiday(date(2044, 3, 17), SCT)


def test_uk_wide_counts_a_bank_holiday_in_any_nation():
    """PA 2023 s 123: a Scottish-only and a Northern Irish-only day stop the count in
    every nation."""
    for day in (date(2027, 1, 4), date(2026, 3, 17), date(2027, 8, 2), date(2027, 3, 29)):
        for nation in ALL:
            assert not is_working_day(day, nation, uk_wide=True), (day, nation)
    assert date(2026, 11, 30) in OFFICIAL[SCT] - OFFICIAL[EW] - OFFICIAL[NI]
    assert date(2026, 7, 13) in OFFICIAL[NI] - OFFICIAL[EW] - OFFICIAL[SCT]
    assert not is_working_day(date(2026, 11, 30), EW, uk_wide=True)
    assert not is_working_day(date(2026, 7, 13), SCT, uk_wide=True)
    assert is_working_day(date(2027, 1, 5), EW, uk_wide=True)


def test_weekends_are_not_working_days_and_weekdays_are():
    assert not is_working_day(date(2027, 6, 5), EW)  # Saturday
    assert not is_working_day(date(2027, 6, 6), EW)  # Sunday
    assert is_working_day(date(2027, 6, 7), EW)  # Monday


def test_nation_may_be_given_by_its_stored_value():
    assert not is_working_day(date(2027, 1, 4), "scotland")
    assert is_working_day(date(2027, 1, 4), "england_wales")


def test_unknown_nation_is_refused():
    with pytest.raises(ValueError):
        is_working_day(date(2027, 1, 4), "wales")


def test_is_working_day_refuses_a_datetime():
    with pytest.raises(TypeError):
        is_working_day(london(2027, 1, 4, 12), EW)


# -- adding working days ----------------------------------------------------------------


def test_day_of_receipt_is_not_counted():
    assert add_working_days(london(2027, 6, 10, 9), 1, EW) == end_of(2027, 6, 11)


def test_add_working_days_across_christmas_and_new_year():
    """Thu 23 Dec 2027: 24, 29, 30, 31 Dec, 4-7 and 10-11 Jan (27-28 Dec, 3 Jan off)."""
    received = london(2027, 12, 23, 15, 0)
    assert add_working_days(received, 10, EW) == end_of(2028, 1, 11)
    assert add_working_days(received, 10, NI) == end_of(2028, 1, 11)
    # Scotland also keeps Tue 4 Jan 2028 (New Year holiday substitute).
    assert add_working_days(received, 10, SCT) == end_of(2028, 1, 12)
    assert add_working_days(received, 10, EW, uk_wide=True) == end_of(2028, 1, 12)


def test_add_working_days_across_easter():
    """Thu 25 Mar 2027: Good Friday 26 Mar and Easter Monday 29 Mar are skipped."""
    requested = london(2027, 3, 25, 11, 0)
    assert add_working_days(requested, 5, EW) == end_of(2027, 4, 5)
    # No Easter Monday in Scotland: 29, 30, 31 Mar, 1, 2 Apr.
    assert add_working_days(requested, 5, SCT) == end_of(2027, 4, 2)


def test_result_is_the_end_of_the_london_day_across_the_autumn_clock_change():
    """Clocks go back on Sun 31 Oct 2027: the result is 23:59:59.999999 GMT (+00:00)."""
    result = add_working_days(london(2027, 10, 29, 12, 0), 1, EW)
    assert result == datetime(2027, 11, 1, 23, 59, 59, 999999, tzinfo=UTC)
    assert result.utcoffset() == timedelta(0)
    assert (result.hour, result.minute, result.second, result.microsecond) == (23, 59, 59, 999999)
    before = add_working_days(london(2027, 10, 27, 12, 0), 1, EW)
    assert before.utcoffset() == timedelta(hours=1)


def test_result_is_the_end_of_the_london_day_across_the_spring_clock_change():
    """Clocks go forward on Sun 26 Mar 2028: Mon 27 Mar ends at 22:59:59.999999 UTC."""
    result = add_working_days(london(2028, 3, 23, 12, 0), 2, EW)
    assert result == datetime(2028, 3, 27, 22, 59, 59, 999999, tzinfo=UTC)
    assert result.utcoffset() == timedelta(hours=1)


def test_a_moment_counts_from_its_london_date_not_its_utc_date():
    """23:30 UTC on Thu 1 Jul 2027 is 00:30 BST on Fri 2 Jul: the next working day is
    Monday 5 Jul, not Friday 2 Jul."""
    moment = datetime(2027, 7, 1, 23, 30, tzinfo=UTC)
    assert london_date(moment) == date(2027, 7, 2)
    assert add_working_days(moment, 1, EW) == end_of(2027, 7, 5)


def test_other_time_zones_are_converted_to_london():
    moment = datetime(2027, 7, 2, 8, 0, tzinfo=ZoneInfo("Asia/Tokyo"))  # 00:00 BST 2 Jul
    assert add_working_days(moment, 1, EW) == end_of(2027, 7, 5)


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        add_working_days(datetime(2027, 7, 1, 12), 1, EW)
    with pytest.raises(ValueError):
        end_of_day_after_calendar_days(datetime(2027, 7, 1, 12), 30)
    with pytest.raises(ValueError):
        working_days_between(datetime(2027, 7, 1), london(2027, 7, 9), EW)


def test_add_working_days_needs_at_least_one_day():
    with pytest.raises(ValueError):
        add_working_days(london(2027, 7, 1, 12), 0, EW)


# -- periods beginning with the day of the event ---------------------------------------


def test_working_days_beginning_with_a_working_day_count_that_day():
    # Wed 22 Dec 2027 is day 1: 22, 23, 24, 29, 30, 31 Dec, 4, 5 Jan (England).
    assert end_of_working_days_beginning_with(london(2027, 12, 22, 14), 8, EW) == end_of(2028, 1, 5)
    assert end_of_working_days_beginning_with(london(2027, 12, 22, 14), 1, EW) == end_of(
        2027, 12, 22
    )


def test_working_days_beginning_with_a_holiday_start_on_the_next_working_day():
    # Sat 25 Dec 2027: day 1 is Wed 29 Dec.
    assert end_of_working_days_beginning_with(london(2027, 12, 25, 9), 1, EW) == end_of(
        2027, 12, 29
    )


def test_calendar_days_beginning_with_count_the_day_of_the_event():
    assert end_of_calendar_days_beginning_with(london(2027, 7, 1, 9), 30) == end_of(2027, 7, 30)


# -- calendar days ----------------------------------------------------------------------


def test_end_of_day_after_calendar_days_ignores_weekends_and_holidays():
    assert end_of_day_after_calendar_days(london(2027, 7, 1, 10), 30) == end_of(2027, 7, 31)
    assert end_of_day_after_calendar_days(london(2027, 12, 22, 10), 10) == end_of(2028, 1, 1)


def test_end_of_day_after_calendar_days_across_the_clock_change():
    result = end_of_day_after_calendar_days(london(2027, 10, 25, 10), 10)
    assert result == datetime(2027, 11, 4, 23, 59, 59, 999999, tzinfo=UTC)


def test_end_of_day_after_calendar_days_counts_from_the_london_date():
    moment = datetime(2027, 6, 30, 23, 30, tzinfo=UTC)  # 1 Jul 00:30 BST
    assert end_of_day_after_calendar_days(moment, 30) == end_of(2027, 7, 31)


def test_end_of_london_day_keys_and_offset():
    result = end_of_london_day(date(2029, 2, 23))
    assert result.tzinfo == LONDON
    assert result == datetime(2029, 2, 23, 23, 59, 59, 999999, tzinfo=UTC)


# -- counting working days ---------------------------------------------------------------


def test_working_days_between_is_the_inverse_of_add_working_days():
    start = london(2027, 12, 23, 15)
    for nation in ALL:
        for days in (1, 5, 10, 15):
            assert (
                working_days_between(start, add_working_days(start, days, nation), nation) == days
            )


def test_working_days_between_counts_after_start_up_to_and_including_end():
    assert working_days_between(london(2027, 12, 23, 15), london(2028, 1, 11, 9), EW) == 10
    assert working_days_between(london(2027, 12, 23, 15), london(2028, 1, 11, 9), SCT) == 9


def test_working_days_between_is_zero_on_or_before_the_start_day():
    assert working_days_between(london(2027, 7, 1, 9), london(2027, 7, 1, 18), EW) == 0
    assert working_days_between(london(2027, 7, 5, 9), london(2027, 7, 1, 18), EW) == 0


# -- text for messages ------------------------------------------------------------------


def test_london_text_rounds_the_end_of_a_day_up_to_the_next_midnight():
    assert london_text(end_of(2027, 11, 4)) == "2027-11-05 00:00 GMT"
    assert london_text(london(2027, 7, 1, 10, 0)) == "2027-07-01 10:00 BST"
    # The clocks go back at 02:00 on 31 Oct, so that midnight is still BST.
    assert london_text(end_of(2027, 10, 30)) == "2027-10-31 00:00 BST"
