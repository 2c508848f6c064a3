"""The official GOV.UK bank-holiday lists: the copy kept in the repository and its refresh.

``data/bank-holidays.json`` is GOV.UK's own file (https://www.gov.uk/bank-holidays.json,
Open Government Licence v3.0), one list of events per division: ``england-and-wales``,
``scotland``, ``northern-ireland``. :mod:`opendps.core.calendar` reads it once per process.

GOV.UK publishes only a few past years and a year or two ahead, so a refresh
(``opendps bank_holidays refresh``) replaces the years the download covers and keeps the
years before and after it from the current copy: the history back to 2012 is never lost.
"""

from __future__ import annotations

import json
import urllib.request
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

SOURCE_URL = "https://www.gov.uk/bank-holidays.json"
DATA_PATH = Path(__file__).resolve().parent / "data" / "bank-holidays.json"
DIVISIONS = ("england-and-wales", "scotland", "northern-ireland")

INVALID_DATA = _("The bank-holiday data is not in GOV.UK's format: %(problem)s")
MISSING_DIVISION = _("the division %(division)s is missing.")
NO_EVENTS = _("the division %(division)s has no events.")
INVALID_EVENT = _("an event of %(division)s has no valid date.")


class BankHolidayDataError(ValueError):
    """The file or download is not a GOV.UK bank-holidays document."""


@dataclass(frozen=True)
class OfficialList:
    """One division's published bank holidays and the calendar years the list covers."""

    days: frozenset[date]
    first_year: int
    last_year: int

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year


def _invalid(problem: StrOrPromise, division: str) -> BankHolidayDataError:
    return BankHolidayDataError(INVALID_DATA % {"problem": problem % {"division": division}})


def _events(data: Any, division: str) -> list[dict[str, Any]]:
    """The events of ``division``, each checked to have an ISO date."""
    if not isinstance(data, dict) or not isinstance(data.get(division), dict):
        raise _invalid(MISSING_DIVISION, division)
    events = data[division].get("events")
    if not isinstance(events, list) or not events:
        raise _invalid(NO_EVENTS, division)
    for event in events:
        try:
            date.fromisoformat(event["date"])
        except (TypeError, KeyError, ValueError):
            raise _invalid(INVALID_EVENT, division) from None
    return events


def official_lists_parse(data: Any) -> dict[str, OfficialList]:
    """Each division's :class:`OfficialList` from a parsed GOV.UK document."""
    lists = {}
    for division in DIVISIONS:
        days = frozenset(date.fromisoformat(event["date"]) for event in _events(data, division))
        lists[division] = OfficialList(
            days=days, first_year=min(days).year, last_year=max(days).year
        )
    return lists


def official_lists_load(path: Path = DATA_PATH) -> dict[str, OfficialList]:
    """Each division's :class:`OfficialList` from the copy at ``path``."""
    return official_lists_parse(json.loads(path.read_text(encoding="utf-8")))


def bank_holidays_merge(current: Any, downloaded: Any) -> dict[str, Any]:
    """``downloaded`` for the years it covers, ``current`` for the years outside them.

    Within the downloaded years GOV.UK's new list wins outright, so a day it has withdrawn
    disappears; outside them the current copy is kept, since GOV.UK drops old years.
    """
    merged: dict[str, Any] = {}
    for division in DIVISIONS:
        new = _events(downloaded, division)
        years = {date.fromisoformat(event["date"]).year for event in new}
        first, last = min(years), max(years)
        kept = [
            event
            for event in _events(current, division)
            if not first <= date.fromisoformat(event["date"]).year <= last
        ]
        merged[division] = {
            **downloaded[division],
            "events": sorted(kept + new, key=lambda event: event["date"]),
        }
    return merged


def _read_source(source: str, timeout: float) -> Any:
    if source.startswith("https://"):
        # Only https sources reach urlopen, so file: and other schemes cannot sneak in.
        with urllib.request.urlopen(source, timeout=timeout) as response:  # noqa: S310
            return json.load(response)
    return json.loads(Path(source).read_text(encoding="utf-8"))


def bank_holidays_refresh(
    *, source: str = SOURCE_URL, path: Path = DATA_PATH, timeout: float = 30
) -> dict[str, OfficialList]:
    """Merge GOV.UK's current list (or a downloaded copy at ``source``) into ``path``.

    Writes in the file's own layout (two-space indent, UTF-8), so an unchanged list leaves
    the file byte for byte the same. Running processes keep the list they loaded until
    they restart.
    """
    merged = bank_holidays_merge(
        json.loads(path.read_text(encoding="utf-8")), _read_source(source, timeout)
    )
    lists = official_lists_parse(merged)
    path.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return lists
