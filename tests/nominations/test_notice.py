"""Working days with a holiday calendar (调休 included), notice windows and objections."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nominations.rules.cycle.model import HolidayCalendar, NoticeWindowConfig
from nominations.rules.notice import (
    NoticeWindow,
    Objection,
    WorkingCalendar,
    add_working_days,
    check_objection,
    count_working_days,
    notice_window,
)
from xuehui.errors import Reason
from xuehui.idcard import make

# National Day 2026 (as an example): 1–7 October off, Saturday 10 October worked.
NATIONAL_DAY = WorkingCalendar(
    holidays=frozenset(dt.date(2026, 10, d) for d in range(1, 8)),
    adjusted_working_days=frozenset({dt.date(2026, 10, 10)}),
)
PLAIN = WorkingCalendar()


def test_is_working_day() -> None:
    assert PLAIN.is_working_day(dt.date(2026, 9, 30))  # Wednesday
    assert not PLAIN.is_working_day(dt.date(2026, 10, 3))  # Saturday
    assert not NATIONAL_DAY.is_working_day(dt.date(2026, 10, 5))  # holiday Monday
    assert NATIONAL_DAY.is_working_day(dt.date(2026, 10, 10))  # adjusted Saturday
    assert not NATIONAL_DAY.is_working_day(dt.date(2026, 10, 11))


def test_add_working_days_across_the_holiday() -> None:
    sept_30 = dt.date(2026, 9, 30)
    assert add_working_days(NATIONAL_DAY, sept_30, 0) == sept_30
    assert add_working_days(NATIONAL_DAY, sept_30, 1) == dt.date(2026, 10, 8)
    assert add_working_days(NATIONAL_DAY, sept_30, 3) == dt.date(2026, 10, 10)
    assert add_working_days(NATIONAL_DAY, sept_30, 4) == dt.date(2026, 10, 12)
    assert add_working_days(NATIONAL_DAY, dt.date(2026, 10, 8), -1) == sept_30
    assert add_working_days(PLAIN, dt.date(2026, 10, 2), 1) == dt.date(2026, 10, 5)  # Friday -> Monday


def test_count_working_days() -> None:
    assert count_working_days(NATIONAL_DAY, dt.date(2026, 9, 30), dt.date(2026, 10, 12)) == 4
    assert count_working_days(NATIONAL_DAY, dt.date(2026, 10, 12), dt.date(2026, 9, 30)) == -4
    assert count_working_days(PLAIN, dt.date(2026, 10, 5), dt.date(2026, 10, 5)) == 0
    assert count_working_days(PLAIN, dt.date(2026, 10, 2), dt.date(2026, 10, 4)) == 0


def test_calendar_from_cycle_config() -> None:
    config = HolidayCalendar(holidays=(dt.date(2026, 10, 1),), adjusted_working_days=(dt.date(2026, 10, 10),))
    calendar = WorkingCalendar.from_config(config)
    assert calendar == WorkingCalendar(frozenset({dt.date(2026, 10, 1)}), frozenset({dt.date(2026, 10, 10)}))


days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
calendars = st.builds(
    WorkingCalendar,
    st.frozensets(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)), max_size=30),
    st.frozensets(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)), max_size=10),
)


@given(calendars, days, st.integers(min_value=-60, max_value=60))
def test_add_then_count_round_trips(calendar: WorkingCalendar, start: dt.date, n: int) -> None:
    end = add_working_days(calendar, start, n)
    assert count_working_days(calendar, start, end) == n
    assert n == 0 or calendar.is_working_day(end)
    assert add_working_days(calendar, end, -n) == start or not calendar.is_working_day(start)


@given(calendars, days, days)
def test_count_is_additive(calendar: WorkingCalendar, a: dt.date, b: dt.date) -> None:
    middle = a + (b - a) / 2
    assert count_working_days(calendar, a, b) == count_working_days(calendar, a, middle) + count_working_days(
        calendar, middle, b
    )


def test_working_day_window_starting_on_a_holiday_moves_to_the_next_working_day() -> None:
    config = NoticeWindowConfig(key="accepted", zh="受理公示", en="accepted", starts=dt.date(2026, 10, 1), length=5)
    window = notice_window(NATIONAL_DAY, config)
    # 8, 9, 10 (adjusted Saturday), 12, 13 October; posted on the 1st, objections are taken from then
    assert window == NoticeWindow("accepted", dt.date(2026, 10, 8), dt.date(2026, 10, 13), dt.date(2026, 10, 1))
    assert not window.is_open(dt.date(2026, 9, 30))
    assert window.is_open(dt.date(2026, 10, 1))
    assert window.is_open(dt.date(2026, 10, 8))
    assert window.is_open(dt.date(2026, 10, 11))  # a Sunday inside the window: objections still accepted
    assert window.is_open(dt.date(2026, 10, 13))
    assert not window.is_open(dt.date(2026, 10, 14))


def test_one_working_day_window_and_calendar_day_window() -> None:
    one = NoticeWindowConfig(key="k", zh="z", en="e", starts=dt.date(2026, 9, 30), length=1)
    assert notice_window(NATIONAL_DAY, one) == NoticeWindow(
        "k", dt.date(2026, 9, 30), dt.date(2026, 9, 30), dt.date(2026, 9, 30)
    )
    ten = NoticeWindowConfig(key="k", zh="z", en="e", starts=dt.date(2026, 8, 20), length=10, unit="calendar_days")
    assert notice_window(NATIONAL_DAY, ten) == NoticeWindow("k", dt.date(2026, 8, 20), dt.date(2026, 8, 29))


@given(calendars, days, st.integers(min_value=1, max_value=40))
def test_window_spans_exactly_its_working_days(calendar: WorkingCalendar, start: dt.date, length: int) -> None:
    window = notice_window(calendar, NoticeWindowConfig(key="k", zh="z", en="e", starts=start, length=length))
    assert calendar.is_working_day(window.starts)
    assert calendar.is_working_day(window.ends)
    assert count_working_days(calendar, window.starts, window.ends) + 1 == length


WINDOW = NoticeWindow("proposed_awards", dt.date(2026, 9, 15), dt.date(2026, 10, 14))
VALID_ID = make("370102", dt.date(1980, 5, 17), 3, "female")


BASE_OBJECTION = Objection(
    name="王芳",
    id_number=VALID_ID,
    phone="138 0531 0000",
    reasons="代表性论文与另一项目重复",
    submitted_on=dt.date(2026, 10, 14),
)


def objection(**changes: Any) -> Objection:
    return replace(BASE_OBJECTION, **changes)


def test_objection_on_the_last_day_is_accepted() -> None:
    assert check_objection(objection(), WINDOW) == []
    assert check_objection(objection(submitted_on=WINDOW.starts, phone="0531-86000000"), WINDOW) == []


def test_late_and_early_objections() -> None:
    assert check_objection(objection(submitted_on=dt.date(2026, 10, 15)), WINDOW) == [
        Reason(
            "objection.late",
            "公示期已于2026-10-14结束，逾期异议不予受理",
            "the notice window closed on 2026-10-14; late objections are not accepted",
            "submitted_on",
        )
    ]
    early = check_objection(objection(submitted_on=dt.date(2026, 9, 14)), WINDOW)
    assert [r.code for r in early] == ["objection.not_open"]


def test_anonymous_objection_lists_every_missing_identity_field() -> None:
    reasons = check_objection(objection(name="", id_number=" ", phone="", reasons=""), WINDOW)
    assert [(r.code, r.field) for r in reasons] == [
        ("objection.anonymous", "name"),
        ("objection.anonymous", "id_number"),
        ("objection.anonymous", "phone"),
        ("objection.reasons_required", "reasons"),
    ]
    assert reasons[0] == Reason(
        "objection.anonymous",
        "异议须实名提出，请填写姓名",
        "objections must give a real identity: the name is missing",
        "name",
    )


def test_invalid_identity_card_and_phone() -> None:
    wrong_check = VALID_ID[:-1] + ("1" if VALID_ID[-1] != "1" else "2")
    reasons = check_objection(
        objection(id_number=wrong_check, phone="12-34", submitted_on=dt.date(2026, 11, 1)), WINDOW
    )
    assert [(r.code, r.field) for r in reasons] == [
        ("idcard.check_digit", "id_number"),
        ("objection.phone_invalid", "phone"),
        ("objection.late", "submitted_on"),
    ]
    assert [r.code for r in check_objection(objection(phone="call me"), WINDOW)] == ["objection.phone_invalid"]
    assert check_objection(objection(phone="+86 138-0531-0000"), WINDOW) == []


def test_an_objection_to_a_notice_posted_on_a_saturday_is_taken_before_its_count_starts() -> None:
    posted = dt.date(2026, 12, 5)  # a Saturday: the five working days count from Monday the 7th
    config = NoticeWindowConfig(key="accepted", zh="受理公示", en="accepted", starts=posted, length=5)
    window = notice_window(NATIONAL_DAY, config)
    assert (window.starts, window.ends, window.opens) == (dt.date(2026, 12, 7), dt.date(2026, 12, 11), posted)
    assert check_objection(objection(submitted_on=posted), window) == []
    early = check_objection(objection(submitted_on=dt.date(2026, 12, 4)), window)
    assert [(r.code, r.zh) for r in early] == [("objection.not_open", "公示期自2026-12-05开始")]
