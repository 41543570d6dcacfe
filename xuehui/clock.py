"""Time in one place: instants are UTC; calendar dates (deadlines, notices) are in China time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    return dt.datetime.now(CHINA).date()


def china_date(value: dt.datetime) -> dt.date:
    """The calendar date in China of an instant (a submission at 01:00 China time on the 11th is
    on the 11th, though it is still the 10th in UTC)."""
    return aware(value).astimezone(CHINA).date()


def aware(value: dt.datetime) -> dt.datetime:
    """Treat a naive datetime read back from SQLite as UTC, which is how it was written."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
