"""Review deadlines: whether a review is late, when a reminder is due, and which assignments may
be withdrawn as overdue. Dates are Beijing calendar dates; the deadline day itself is on time."""

from __future__ import annotations

import datetime as dt

from xuehui.vocabulary import Labelled

# How many days before the deadline the automatic reminder goes out (the deadline day included).
REMINDER_DAYS_BEFORE = 3


class Lateness(Labelled, vocabulary="expert_pool.lateness"):
    OPEN = "open", "未到截止日期", "Before the deadline"
    ON_TIME = "on_time", "按时提交", "Submitted on time"
    SUBMITTED_LATE = "submitted_late", "逾期提交", "Submitted late"
    OVERDUE = "overdue", "已逾期未提交", "Overdue"


def lateness(deadline: dt.date | None, submitted_on: dt.date | None, today: dt.date) -> Lateness:
    """Where a review stands against its batch's deadline (no deadline: never late)."""
    if submitted_on is not None:
        if deadline is not None and submitted_on > deadline:
            return Lateness.SUBMITTED_LATE
        return Lateness.ON_TIME
    if deadline is not None and today > deadline:
        return Lateness.OVERDUE
    return Lateness.OPEN


def reminder_due(deadline: dt.date | None, today: dt.date, days_before: int = REMINDER_DAYS_BEFORE) -> bool:
    """True in the last `days_before` days up to and including the deadline."""
    if deadline is None or days_before < 1:
        return False
    return deadline - dt.timedelta(days=days_before - 1) <= today <= deadline
