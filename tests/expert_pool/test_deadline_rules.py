"""The deadline rules, over every day around a deadline."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from expert_pool.rules.deadlines import Lateness, lateness, reminder_due

DEADLINE = dt.date(2026, 12, 10)


def test_lateness_on_each_side_of_the_deadline() -> None:
    day = dt.timedelta(days=1)
    assert lateness(DEADLINE, None, DEADLINE) == Lateness.OPEN
    assert lateness(DEADLINE, None, DEADLINE + day) == Lateness.OVERDUE
    assert lateness(DEADLINE, DEADLINE, DEADLINE + 5 * day) == Lateness.ON_TIME
    assert lateness(DEADLINE, DEADLINE + day, DEADLINE + day) == Lateness.SUBMITTED_LATE
    assert lateness(None, None, DEADLINE + 100 * day) == Lateness.OPEN
    assert lateness(None, DEADLINE, DEADLINE) == Lateness.ON_TIME


def test_the_reminder_window_is_the_last_days_up_to_the_deadline() -> None:
    due = [d for d in range(-6, 3) if reminder_due(DEADLINE, DEADLINE + dt.timedelta(days=d), 3)]
    assert due == [-2, -1, 0]
    assert not reminder_due(None, DEADLINE)
    assert not reminder_due(DEADLINE, DEADLINE, 0)


@given(st.integers(-400, 400), st.integers(1, 30))
def test_a_reminder_is_due_exactly_inside_its_window(offset: int, days_before: int) -> None:
    today = DEADLINE + dt.timedelta(days=offset)
    assert reminder_due(DEADLINE, today, days_before) == (-days_before < offset <= 0)
