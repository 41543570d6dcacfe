"""Score import validation: every problem with row, column and reason, or the clean records."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

import pytest
from openpyxl import Workbook

from exams.rules.score_import import SCORE_HEADER_ALIASES, validate_score_rows
from exams.rules.score_model import (
    SCORE_NO_FORMULA_FIELDS,
    SCORE_REQUIRED_FIELDS,
    KnownCandidate,
    ScoreImportContext,
    ScoreImportResult,
    ScoreRecord,
    ScoreStatus,
    SubjectTotals,
)
from exams.rules.subjects import Subject
from xuehui import idcard
from xuehui.errors import InvalidInput
from xuehui.excel_import import read_table

ID_A = idcard.make("320102", dt.date(1990, 5, 17), 3, "male")
ID_B = idcard.make("110105", dt.date(1988, 2, 29), 7, "female")
SUBJECTS = [
    Subject("01", "基础", Decimal(100), Decimal(60), decimal_places=1),
    Subject("02", "实务", Decimal(120), Decimal(72), decimal_places=0),
    Subject("03", "法规", Decimal(75), Decimal(45), decimal_places=0),
]
CONTEXT = ScoreImportContext.build(
    [
        KnownCandidate("cand-a", "2026010010101", ID_A, "张 三", frozenset({"01", "02"})),
        KnownCandidate("cand-b", "2026010010102", ID_B, "李四", frozenset({"01", "02", "03"})),
    ],
    SUBJECTS,
)
HEADER = ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"]


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def validate(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> ScoreImportResult:
    table = read_table(
        xlsx([header, *rows]),
        SCORE_HEADER_ALIASES,
        required=SCORE_REQUIRED_FIELDS,
        no_formula_fields=SCORE_NO_FORMULA_FIELDS,
    )
    return validate_score_rows(table, CONTEXT)


def problems(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> list[tuple[str, int, str]]:
    result = validate(rows, header)
    assert result.records == ()
    return [(r.code.removeprefix("score_import."), r.row or 0, r.column or "") for r in result.problems]


def test_a_clean_sheet_gives_records_and_control_totals() -> None:
    result = validate(
        [
            ["2026010010101", ID_A, "张三", "01", 72.5, "正常"],
            ["2026010010101", ID_A, "张三", "02", 90, None],
            ["2026010010102", ID_B, "李四", "01", None, "缺考"],
            ["2026010010102", ID_B.lower(), "李四", "03", 30, "违纪"],
            ["2026010010102", ID_B, "李四", "02", "100", "present"],
        ]
    )
    assert result.ok
    assert result.records == (
        ScoreRecord(2, "cand-a", "2026010010101", "01", ScoreStatus.PRESENT, Decimal("72.5")),
        ScoreRecord(3, "cand-a", "2026010010101", "02", ScoreStatus.PRESENT, Decimal(90)),
        ScoreRecord(4, "cand-b", "2026010010102", "01", ScoreStatus.ABSENT, None),
        ScoreRecord(5, "cand-b", "2026010010102", "03", ScoreStatus.VIOLATION, Decimal(30)),
        ScoreRecord(6, "cand-b", "2026010010102", "02", ScoreStatus.PRESENT, Decimal(100)),
    )
    assert result.totals == (
        SubjectTotals("01", 2, 1, 0, Decimal("72.5")),
        SubjectTotals("02", 2, 0, 0, Decimal(190)),
        SubjectTotals("03", 1, 0, 1, Decimal(30)),
    )
    assert result.not_in_file == ()


def test_registered_pairs_missing_from_the_file_are_listed() -> None:
    result = validate([["2026010010101", ID_A, "张三", "01", 60, "正常"]])
    assert result.ok
    assert result.not_in_file == (("2026010010102", "01"),)


def test_english_headers_and_only_a_name_column_are_enough() -> None:
    result = validate(
        [["2026010010101", "张三", "01", 60]],
        header=["Ticket Number", "Name", "Subject Code", "Score"],
    )
    assert [(r.ticket_no, r.score) for r in result.records] == [("2026010010101", Decimal(60))]


def test_a_sheet_without_identity_or_name_column_is_refused() -> None:
    result = validate([["2026010010101", "01", 60]], header=["准考证号", "科目", "成绩"])
    assert [r.code for r in result.problems] == ["score_import.no_identity_column"]


def test_unknown_ticket_and_mismatched_identity_and_name() -> None:
    assert problems(
        [
            ["2026019999999", ID_A, "张三", "01", 60, "正常"],
            ["2026010010101", ID_B, "张三", "01", 60, "正常"],
            ["2026010010101", ID_A, "王五", "02", 60, "正常"],
        ]
    ) == [
        ("unknown_ticket", 2, "A"),
        ("id_mismatch", 3, "B"),
        ("name_mismatch", 4, "C"),
    ]


def test_identity_and_ticket_numbers_stored_as_numbers_are_refused() -> None:
    result = validate([[2026010010101, int(ID_A), "张三", "01", 60, "正常"]])
    assert [(r.code, r.row, r.column) for r in result.problems] == [
        ("score_import.stored_as_number", 2, "A"),
        ("score_import.stored_as_number", 2, "B"),
    ]
    result = validate([["2026010010101", int(ID_A), "张三", "01", 60, "正常"]])
    assert [(r.code, r.row, r.column) for r in result.problems] == [
        ("score_import.stored_as_number", 2, "B"),
    ]
    assert "文本格式" in result.problems[0].zh
    assert "format the column as text" in result.problems[0].en


def test_subject_problems() -> None:
    assert problems(
        [
            ["2026010010101", ID_A, "张三", "03", 60, "正常"],
            ["2026010010101", ID_A, "张三", "09", 60, "正常"],
            ["2026010010101", ID_A, "张三", None, 60, "正常"],
            ["2026010010101", ID_A, "张三", 1, 60, "正常"],
        ]
    ) == [
        ("subject_not_registered", 2, "D"),
        ("unknown_subject", 3, "D"),
        ("missing_subject", 4, "D"),
        ("unknown_subject", 5, "D"),  # 1 typed as a number is not subject "01"
    ]


def test_score_range_and_decimal_places_per_subject() -> None:
    assert problems(
        [
            ["2026010010102", ID_B, "李四", "01", 100.5, "正常"],
            ["2026010010102", ID_B, "李四", "02", -1, "正常"],
            ["2026010010102", ID_B, "李四", "03", 44.5, "正常"],
            ["2026010010101", ID_A, "张三", "01", 72.25, "正常"],
            ["2026010010101", ID_A, "张三", "02", "八十", "正常"],
        ]
    ) == [
        ("out_of_range", 2, "E"),
        ("out_of_range", 3, "E"),
        ("decimals", 4, "E"),
        ("decimals", 5, "E"),
        ("bad_score", 6, "E"),
    ]


def test_status_problems() -> None:
    assert problems(
        [
            ["2026010010101", ID_A, "张三", "01", 60, "缺考"],
            ["2026010010101", ID_A, "张三", "02", None, "正常"],
            ["2026010010102", ID_B, "李四", "01", 60, "迟到"],
            ["2026010010102", ID_B, "李四", "02", 60, 1],
        ]
    ) == [
        ("score_when_absent", 2, "E"),
        ("missing_score", 3, "E"),
        ("bad_status", 4, "F"),
        ("bad_status", 5, "F"),
    ]


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("正常", ScoreStatus.PRESENT),
        ("缺考", ScoreStatus.ABSENT),
        ("违纪", ScoreStatus.VIOLATION),
        ("Absent", ScoreStatus.ABSENT),
        (" violation ", ScoreStatus.VIOLATION),
        ("PRESENT", ScoreStatus.PRESENT),
    ],
)
def test_status_words_in_both_languages(word: str, status: ScoreStatus) -> None:
    score = None if status is ScoreStatus.ABSENT else 60
    result = validate([["2026010010101", ID_A, "张三", "01", score, word]])
    assert [r.status for r in result.records] == [status]


def test_duplicate_rows_name_the_first_row() -> None:
    result = validate(
        [
            ["2026010010101", ID_A, "张三", "01", 60, "正常"],
            ["2026010010101", ID_A, "张三", "02", 61, "正常"],
            ["2026010010101", ID_A, "张三", "01", 62, "正常"],
        ]
    )
    assert [(r.code, r.row, r.en) for r in result.problems] == [
        ("score_import.duplicate", 4, "duplicates row 2 (same ticket and subject)"),
    ]


def test_every_problem_is_reported_not_only_the_first() -> None:
    result = validate(
        [
            [2026010010101, ID_A, "张三", "01", 60, "正常"],
            ["2026010010101", ID_A, "张三", "01", 160, "正常"],
            ["2026010010102", ID_B, "李四", "04", 60, "迟到"],
            ["2026010010102", ID_B, "李四", "02", 61, "正常"],
        ]
    )
    assert [(r.code, r.row) for r in result.problems] == [
        ("score_import.stored_as_number", 2),
        ("score_import.out_of_range", 3),
        ("score_import.unknown_subject", 4),
        ("score_import.bad_status", 4),
    ]
    assert all(r.zh and r.en for r in result.problems)


def test_a_formula_in_the_score_column_stops_the_import() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate([["2026010010101", ID_A, "张三", "01", "=50+10", "正常"]])
    assert [(r.code, r.row, r.column) for r in caught.value.reasons] == [("excel.formula", 2, "E")]


def test_a_missing_required_column_stops_the_import() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate([["2026010010101", ID_A, "01"]], header=["准考证号", "身份证号", "科目"])
    assert [(r.code, r.field) for r in caught.value.reasons] == [("excel.missing_header", "score")]


def test_a_column_of_numbers_stored_as_numbers_is_one_message_with_its_first_rows() -> None:
    rows = [[2026010010101, ID_A, "张三", "01", 60, "正常"]] * 7
    result = validate([[t, i, n, s, v, st] for t, i, n, s, v, st in rows])
    assert [(r.code, r.row, r.column, r.zh) for r in result.problems][:1] == [
        (
            "score_import.stored_as_number",
            2,
            "A",
            "A列（准考证号）：7个值存为数字，位数或前导零可能已丢失（如2026010010101）；"
            "请把该列设为文本格式后重新填写（第2、3、4、5、6等行）",
        )
    ]


def test_invisible_characters_are_shown_escaped_and_a_lost_leading_zero_is_hinted() -> None:
    result = validate(
        [
            ["2026010010101\u200b", ID_A, "张三", "01", 60, "正常"],
            ["2026010010101", ID_A, "张三", 1, 60, "正常"],
        ]
    )
    assert [(r.code, r.row, r.zh) for r in result.problems] == [
        ("score_import.unknown_ticket", 2, "准考证号2026010010101\\u200b不存在"),
        ("score_import.unknown_subject", 3, "科目1不存在（前导零可能已丢失，是否应为01？请把该列设为文本）"),
    ]
