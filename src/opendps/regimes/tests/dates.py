"""Fixed moments for regime tests, all in London time."""

from datetime import datetime

from opendps.core.calendar import LONDON


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A London wall-clock moment."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def end_of(year: int, month: int, day: int) -> datetime:
    """The end of a London day: 23:59:59.999999 local time."""
    return datetime(year, month, day, 23, 59, 59, 999999, tzinfo=LONDON)
