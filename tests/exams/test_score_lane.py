"""The clean lane of score validation gives exactly what the full checks give for every row it
takes, and leaves to them every row it is not sure of (so their messages are never lost)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from exams.rules.score_import import _RowChecker, validate_score_tables
from exams.rules.score_lane import CleanLane
from exams.rules.score_model import KnownCandidate, ScoreImportContext, ScoreRecord, ScoreStatus
from exams.rules.subjects import Subject
from xuehui import idcard
from xuehui.excel_import import HeaderMap, SheetRow, Table

ID_A = idcard.make("320102", dt.date(1990, 5, 17), 3, "male")
ID_B = idcard.make("110105", dt.date(1988, 2, 29), 7, "female")
CONTEXT = ScoreImportContext.build(
    [
        KnownCandidate("1", "2026010010101", ID_A, "张 三", frozenset({"01", "02"})),
        KnownCandidate("2", "2026010010102", ID_B, "李四", frozenset({"01", "02", "03"})),
    ],
    [
        Subject("01", "基础", Decimal(100), Decimal(60), decimal_places=1),
        Subject("02", "实务", Decimal(120), Decimal(72), decimal_places=0),
        Subject("03", "法规", Decimal(75), Decimal(45), decimal_places=0),
    ],
)
FIELDS = ("ticket_no", "id_number", "name", "subject", "score", "status")
HEADER = HeaderMap(1, {field: i for i, field in enumerate(FIELDS)}, ())

tickets = st.sampled_from(["2026010010101", "2026010010102", " 2026010010101", "２０２６010010102", "2026X", ""])
id_numbers = st.sampled_from([ID_A, ID_B, ID_A.lower(), "", None, 3.2e17])
names = st.sampled_from(["张 三", "张三", "李四", "王五", "", None])
subjects = st.sampled_from(["01", "02", "03", "1", " 01", "04", 1, None, ""])
scores = st.one_of(
    st.sampled_from([None, "", "缺考", "abc", "88", float("nan"), True]),
    st.floats(-5, 130, allow_nan=False).map(lambda f: round(f, 2)),
    st.integers(-5, 130),
)
statuses = st.sampled_from(["正常", "缺考", "违纪", "Absent", " 正常", "#N/A", "", None])
rows = st.tuples(tickets, id_numbers, names, subjects, scores, statuses)


@settings(max_examples=600)
@given(rows)
def test_a_row_the_lane_takes_is_the_record_the_full_checks_make(values: tuple[object, ...]) -> None:
    row = SheetRow(7, values)  # type: ignore[arg-type]
    lane = CleanLane(CONTEXT, HEADER, "成绩", {}, {})
    checker = _RowChecker(CONTEXT, HEADER, "成绩")
    taken = lane.record(row)
    checked = checker.check(row)
    if taken is not None:
        assert (taken, checker.problems, checker.grouped(), checker.notes()) == (checked, [], [], [])


@settings(max_examples=200)
@given(st.lists(rows, min_size=1, max_size=12))
def test_a_sheet_validates_as_the_full_checks_alone_would(rows_values: list[tuple[object, ...]]) -> None:
    sheet_rows = tuple(SheetRow(n, values) for n, values in enumerate(rows_values, start=2))  # type: ignore[arg-type]
    result = validate_score_tables((Table("成绩", HEADER, sheet_rows),), CONTEXT)
    checker = _RowChecker(CONTEXT, HEADER, "成绩")
    records = [rec for row in sheet_rows if (rec := checker.check(row)) is not None]
    problems = [*checker.grouped(), *checker.problems]
    if problems:
        assert sorted(p.as_dict().items() for p in result.problems) == sorted(p.as_dict().items() for p in problems)
    elif records:
        assert list(result.records) == records


def test_a_clean_row_repeated_is_reported_by_the_full_checks_at_the_second_row() -> None:
    clean = ("2026010010101", ID_A, "张 三", "01", 72.5, "正常")
    result = validate_score_tables((Table("成绩", HEADER, (SheetRow(2, clean), SheetRow(3, clean))),), CONTEXT)
    assert [(p.code, p.row, p.zh) for p in result.problems] == [
        ("score_import.duplicate", 3, "与第2行重复（同一准考证号和科目）")
    ]


def test_the_lane_takes_a_clean_row_as_its_record() -> None:
    lane = CleanLane(CONTEXT, HEADER, "成绩", {}, {})
    row = SheetRow(5, ("2026010010102", ID_B, "李四", "03", 45, "违纪"))
    assert lane.record(row) == ScoreRecord(5, "2", "2026010010102", "03", ScoreStatus.VIOLATION, Decimal(45))
