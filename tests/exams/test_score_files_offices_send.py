"""Score files as real offices send them, read through the importer's own path (the file, the
plan's candidates and subjects in, every problem or the records out): full-width digits, merged
candidate cells, styled empty cells far to the right, 缺考 in the score column, float noise."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import PatternFill

from exams.score_work import validate_score_file
from tests.exams.test_score_replacement import current, scored_plan, settled
from tests.support import csrf, login
from xuehui import idcard
from xuehui.excel_import import ExcelLimits

ID_A = idcard.make("320102", dt.date(1990, 5, 17), 3, "male")
ID_B = idcard.make("110105", dt.date(1988, 2, 29), 7, "female")
CANDIDATES = [
    (1, "2026010010101", ID_A, "张三", ("01", "02")),
    (2, "2026010010102", ID_B, "李四", ("01", "02")),
]
SUBJECTS = [("01", "基础", "100", "60", 1, False), ("02", "实务", "120", "72", 0, False)]
HEADER = ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"]


def book(rows: list[list[Any]], merge: tuple[str, ...] = (), styled_far: bool = False) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    for cells in merge:
        ws.merge_cells(cells)
    if styled_far:  # a row formatted across to column XFD: styled cells, no values
        for column in (200, 5000, 16384):
            ws.cell(row=2, column=column).fill = PatternFill("solid", fgColor="FFFF00")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def outcome(data: bytes) -> dict[str, Any]:
    return validate_score_file(data, CANDIDATES, SUBJECTS, ExcelLimits())


def test_full_width_digits_in_ticket_numbers_and_subject_codes_are_read_as_digits() -> None:
    result = outcome(book([["２０２６０１００１０１０１", ID_A, "张三", "０１", 72.5, "正常"]]))
    assert result["problems"] == []
    assert result["records"] == [(1, "01", "present", "72.5")]


def test_a_candidates_cells_merged_over_their_subject_rows_count_for_each_row() -> None:
    rows = [
        ["2026010010101", ID_A, "张三", "01", 70, None],
        [None, None, None, "02", 90, None],
        ["2026010010102", ID_B, "李四", "01", 65, None],
        [None, None, None, "02", 80, None],
    ]
    result = outcome(book(rows, merge=("A2:A3", "B2:B3", "C2:C3", "A4:A5", "B4:B5", "C4:C5")))
    assert result["problems"] == []
    assert result["records"] == [
        (1, "01", "present", "70"),
        (1, "02", "present", "90"),
        (2, "01", "present", "65"),
        (2, "02", "present", "80"),
    ]


def test_a_merged_score_cell_is_not_copied_to_the_rows_below() -> None:
    rows = [["2026010010101", ID_A, "张三", "01", 70, None], ["2026010010101", ID_A, "张三", "02", None, None]]
    result = outcome(book(rows, merge=("E2:E3",)))
    assert [(p["code"], p["row"], p["column"]) for p in result["problems"]] == [("score_import.missing_score", 3, "E")]


def test_styled_empty_cells_far_to_the_right_are_ignored() -> None:
    result = outcome(book([["2026010010101", ID_A, "张三", "01", 70, "正常"]], styled_far=True))
    assert result["problems"] == []
    assert result["records"] == [(1, "01", "present", "70")]


def test_a_value_far_to_the_right_is_still_refused() -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    ws.append(["2026010010101", ID_A, "张三", "01", 70, "正常"])
    ws.cell(row=2, column=5000, value="x")
    out = io.BytesIO()
    wb.save(out)
    assert [p["code"] for p in outcome(out.getvalue())["problems"]] == ["excel.too_many_columns"]


def test_absent_written_in_the_score_column_is_read_as_absent_with_a_note() -> None:
    rows = [
        ["2026010010101", ID_A, "张三", "01", "缺考", None],
        ["2026010010102", ID_B, "李四", "01", " 缺考 ", "缺考"],
        ["2026010010101", ID_A, "张三", "02", 88, None],
    ]
    result = outcome(book(rows))
    assert result["problems"] == []
    assert result["records"] == [(1, "01", "absent", None), (2, "01", "absent", None), (1, "02", "present", "88")]
    assert [(n["code"], n["zh"]) for n in result["notes"]] == [
        ("score_import.absent_in_score", "E列（成绩）：2行写有“缺考”，按缺考导入（第2、3行）")
    ]
    assert result["totals"][0]["absent"] == 2


def test_absent_in_the_score_column_against_another_status_is_refused() -> None:
    rows = [
        ["2026010010101", ID_A, "张三", "01", "缺考", "正常"],
        ["2026010010102", ID_B, "李四", "01", "缺考", "违纪"],
    ]
    result = outcome(book(rows))
    assert result["records"] == []
    assert [(p["code"], p["row"], p["column"], p["zh"]) for p in result["problems"]] == [
        (
            "score_import.absent_word_conflict",
            2,
            "E",
            "成绩写为“缺考”，但状态为“正常”；请在状态列填写缺考，成绩留空",
        ),
        (
            "score_import.absent_word_conflict",
            3,
            "E",
            "成绩写为“缺考”，但状态为“违纪”；请在状态列填写缺考，成绩留空",
        ),
    ]


def fixed_width(tickets: list[int], number_format: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    for n, ticket in enumerate(tickets, start=2):
        ws.append([ticket, ID_A if n == 2 else ID_B, "张三" if n == 2 else "李四", "01", 70, None])
        ws.cell(row=n, column=1).number_format = number_format
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_ticket_stored_as_a_number_with_a_fixed_width_format_is_read_as_shown() -> None:
    candidates = [(1, "0000123", ID_A, "张三", ("01",)), (2, "0000124", ID_B, "李四", ("01",))]
    result = validate_score_file(fixed_width([123, 124], "0000000"), candidates, SUBJECTS, ExcelLimits())
    assert result["problems"] == []
    assert result["records"] == [(1, "01", "present", "70"), (2, "01", "present", "70")]


def test_a_padded_ticket_is_never_matched_to_a_different_ticket() -> None:
    # shown as 00123 (five wide): not the plan's 0000123, and not 123 either
    candidates = [(1, "0000123", ID_A, "张三", ("01",)), (2, "123", ID_B, "李四", ("01",))]
    result = validate_score_file(fixed_width([123], "00000"), candidates, SUBJECTS, ExcelLimits())
    assert [(p["code"], p["row"], p["zh"]) for p in result["problems"]] == [
        ("score_import.unknown_ticket", 2, "准考证号00123不存在")
    ]


def test_a_ticket_number_without_a_fixed_width_format_is_still_refused_as_a_number() -> None:
    candidates = [(1, "0000123", ID_A, "张三", ("01",))]
    result = validate_score_file(fixed_width([123], "General"), candidates, SUBJECTS, ExcelLimits())
    assert [p["code"] for p in result["problems"]] == ["score_import.stored_as_number"]


def test_float_noise_is_rounded_to_the_subjects_decimals_and_real_extra_decimals_are_refused() -> None:
    rows = [
        ["2026010010101", ID_A, "张三", "01", 49.900000000000006, None],
        ["2026010010101", ID_A, "张三", "02", 89.99999999999999, None],
    ]
    result = outcome(book(rows))
    assert result["problems"] == []
    assert result["records"] == [(1, "01", "present", "49.9"), (1, "02", "present", "90")]
    refused = outcome(book([["2026010010101", ID_A, "张三", "01", 49.91, None]]))
    assert [(p["code"], p["row"]) for p in refused["problems"]] == [("score_import.decimals", 2)]


async def test_the_import_page_notes_absent_in_the_score_column_and_commits_it_as_absent(client) -> None:
    plan_id, examadmin, (a, b, _c) = await scored_plan()
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["准考证号", "身份证号", "姓名", "科目代码", "成绩"])
    ws.append([a["ticket_no"], a["id_number"], a["name"], "０１", "缺考"])
    ws.append([b["ticket_no"], b["id_number"], b["name"], "01", 49.900000000000006])
    out = io.BytesIO()
    wb.save(out)
    await login(client, examadmin.username)
    token = await csrf(client, f"/exams/{plan_id}")
    uploaded = await client.post(
        f"/exams/{plan_id}/scores",
        data={"_csrf_token": token},
        files={"file": ("scores.xlsx", out.getvalue(), "application/octet-stream")},
        follow_redirects=False,
    )
    import_id = int(uploaded.headers["location"].rsplit("/", 1)[1])
    page = await settled(client, f"/exams/imports/{import_id}")
    assert "<li>E列（成绩）：1行写有“缺考”，按缺考导入（第2行）</li>" in page.text
    assert "<li>共2行，全部通过校验</li>" in page.text
    token = await csrf(client, f"/exams/imports/{import_id}")
    done = await client.post(f"/exams/imports/{import_id}/commit", data={"_csrf_token": token}, follow_redirects=False)
    assert done.status_code == 303
    assert 'id="committed"' in (await settled(client, f"/exams/imports/{import_id}")).text
    assert await current(plan_id) == [("考生0", "01", None, 1), ("考生1", "01", "49.9", 1)]
