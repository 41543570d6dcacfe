"""Working days (工作日) on a yearly calendar: weekends are days off, public holidays are days off,
and some weekend days are working days (调休). The holidays and the adjusted days are data each
package configures (an award cycle's calendar, or none: weekdays only).

Conventions: `add_working_days(d, n)` is the n-th working day after d (n may be negative);
`count_working_days(a, b)` counts working days in (a, b] (minus those in [b, a) when b < a), so
that ``count_working_days(d, add_working_days(d, n)) == n`` for every n.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

_DAY = dt.timedelta(days=1)


class Holidays(Protocol):
    """A configured calendar: its public holidays and its 调休 working days."""

    @property
    def holidays(self) -> Iterable[dt.date]: ...

    @property
    def adjusted_working_days(self) -> Iterable[dt.date]: ...


@dataclass(frozen=True, slots=True)
class WorkingCalendar:
    holidays: frozenset[dt.date] = frozenset()
    adjusted_working_days: frozenset[dt.date] = frozenset()

    @classmethod
    def from_config(cls, config: Holidays) -> WorkingCalendar:
        return cls(frozenset(config.holidays), frozenset(config.adjusted_working_days))

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.adjusted_working_days:
            return True
        return day.weekday() < 5 and day not in self.holidays

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself if it is a working day, else the first working day after it."""
        while not self.is_working_day(day):
            day += _DAY
        return day


def add_working_days(calendar: WorkingCalendar, start: dt.date, days: int) -> dt.date:
    """The `days`-th working day after `start` (before it when negative); `start` itself for 0."""
    step = _DAY if days >= 0 else -_DAY
    remaining, day = abs(days), start
    while remaining:
        day += step
        if calendar.is_working_day(day):
            remaining -= 1
    return day


def count_working_days(calendar: WorkingCalendar, start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; when end is before start, minus the working days in [end, start).

    The two directions mirror `add_working_days`, so counting undoes adding either way."""
    if end < start:
        return -sum(1 for offset in range((start - end).days) if calendar.is_working_day(end + offset * _DAY))
    return sum(1 for offset in range(1, (end - start).days + 1) if calendar.is_working_day(start + offset * _DAY))
