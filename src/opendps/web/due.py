"""How long is left before a working-day time limit, or how late it is, in words.

One function for every page that says it: "3 working days left", "Due today",
"Overdue by 2 working days". Counting is the legal calendar's (``core.calendar``): London
days, the regime's bank holidays.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from opendps.core.calendar import Nation, london_date, working_days_between


@dataclass(frozen=True)
class Due:
    """Where a time limit stands: ``days`` working days left (≥ 0) or late (overdue)."""

    overdue: bool
    days: int
    text: str


def due_in_working_days(
    now: datetime, due: datetime, nation: Nation | str, *, uk_wide: bool = False
) -> Due:
    """The time limit ``due`` seen at ``now``, counted in working days."""
    if due >= now:
        days = working_days_between(now, due, nation, uk_wide=uk_wide)
        if days == 0:
            return Due(False, 0, _("Due today"))
        text = ngettext("%(num)d working day left", "%(num)d working days left", days)
        return Due(False, days, text % {"num": days})
    days = working_days_between(due, now, nation, uk_wide=uk_wide)
    if london_date(due) == london_date(now) or days == 0:
        return Due(True, 0, _("Overdue: it was due earlier today"))
    text = ngettext("Overdue by %(num)d working day", "Overdue by %(num)d working days", days)
    return Due(True, days, text % {"num": days})
