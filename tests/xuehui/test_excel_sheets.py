"""Which sheet is read: the one whose header matches, else the active one; several matching sheets
are read together or refused by name; hidden sheets are never read; error cells are never blank."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from xuehui.errors import InvalidInput
from xuehui.excel_import import read_table, read_tables, workbook_sheets

ALIASES = {"ticket_no": ("准考证号",), "score": ("成绩",), "status": ("状态",)}
REQUIRED = ("ticket_no", "score")
Rows = Sequence[Sequence[object]]


def workbook(sheets: dict[str, Rows], *, active: int = 0, hidden: Sequence[str] = ()) -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.active = active
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def patched(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == member:
                assert old in body
                body = body.replace(old, new)
            dst.writestr(info.filename, body)
    return out.getvalue()


def refusal(data: bytes, **kwargs: object) -> list[tuple[str, str, int | None, str | None]]:
    with pytest.raises(InvalidInput) as caught:
        read_tables(data, ALIASES, required=REQUIRED, **kwargs)  # type: ignore[arg-type]
    return [(r.code, r.zh, r.row, r.column) for r in caught.value.reasons]


def test_the_sheet_whose_header_matches_is_read_and_the_others_are_named() -> None:
    data = workbook(
        {"填表说明": [["请在“成绩”表中填写"], ["准考证号为文本"]], "成绩": [["准考证号", "成绩"], ["T1", 60]]}
    )
    table = read_table(data, ALIASES, required=REQUIRED)
    assert (table.sheet_name, table.other_sheets, [r.values for r in table.rows]) == (
        "成绩",
        ("填表说明",),
        [("T1", 60)],
    )


def test_without_a_matching_sheet_the_active_sheets_header_problems_are_reported() -> None:
    data = workbook({"旧表": [["序号", "结果"]], "成绩": [["标题"], ["准考证号", "等级"]]}, active=1)
    assert refusal(data) == [("excel.missing_header", "缺少必填列：成绩", 2, None)]


def test_several_matching_sheets_are_refused_by_name_unless_the_importer_takes_them_all() -> None:
    data = workbook({"科目01": [["准考证号", "成绩"], ["T1", 60]], "科目02": [["准考证号", "成绩"], ["T1", 70]]})
    assert refusal(data) == [
        (
            "excel.several_sheets",
            "工作簿中有2个工作表都含有导入所需的表头（“科目01”、“科目02”），无法确定读取哪一个；请只保留一个后重新上传",
            None,
            None,
        )
    ]
    tables = read_tables(data, ALIASES, required=REQUIRED, several=True)
    assert [(t.sheet_name, [r.values for r in t.rows], t.other_sheets) for t in tables] == [
        ("科目01", [("T1", 60)], ()),
        ("科目02", [("T1", 70)], ()),
    ]


def test_a_hidden_sheet_with_the_header_is_refused_and_other_hidden_sheets_are_named() -> None:
    outdated = workbook(
        {"成绩(旧)": [["准考证号", "成绩"], ["T1", 10]], "成绩": [["准考证号", "成绩"], ["T1", 60]]},
        active=1,
        hidden=["成绩(旧)"],
    )
    assert [code for code, *_ in refusal(outdated, several=True)] == ["excel.hidden_sheet"]
    assert "“成绩(旧)”" in refusal(outdated)[0][1]
    lists = workbook(
        {"代码表": [["01", "基础"]], "成绩": [["准考证号", "成绩"], ["T1", 60]]}, active=1, hidden=["代码表"]
    )
    table = read_table(lists, ALIASES, required=REQUIRED)
    assert (table.sheet_name, table.other_sheets, table.hidden_sheets) == ("成绩", ("代码表",), ("代码表",))


def test_the_active_sheet_and_hidden_state_are_read_from_the_workbook() -> None:
    data = workbook({"a": [["x"]], "b": [["y"]], "c": [["z"]]}, active=2, hidden=["b"])
    assert [(s.name, s.hidden, s.active) for s in workbook_sheets(data)] == [
        ("a", False, False),
        ("b", True, False),
        ("c", False, True),
    ]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!"])
def test_an_error_cell_in_any_column_is_refused_with_sheet_row_and_column(error: str) -> None:
    data = workbook({"成绩": [["准考证号", "成绩", "状态", "备注"], ["T1", 60, error, None], ["T2", 70, None, error]]})
    assert refusal(data) == [
        (
            "excel.error_cell",
            f"工作表“成绩”第2行C列（状态）是错误值 {error}，不能当作空白读取；请改正后重新上传",
            2,
            "C",
        ),
        (
            "excel.error_cell",
            f"工作表“成绩”第3行D列（备注）是错误值 {error}，不能当作空白读取；请改正后重新上传",
            3,
            "D",
        ),
    ]


def test_a_formula_error_is_kept_beside_the_table_when_the_importer_reports_its_own_problems() -> None:
    data = workbook({"成绩": [["准考证号", "成绩"], ["T1", "=1/0"], ["T2", 70]]})
    # openpyxl writes no cached value; give the formula cell an error result as Excel would.
    data = patched(
        data,
        "xl/worksheets/sheet1.xml",
        b'<c r="B2"><f>1/0</f><v /></c>',
        b'<c r="B2" t="e"><f>1/0</f><v>#DIV/0!</v></c>',
    )
    (table,) = read_tables(data, ALIASES, required=REQUIRED, no_formula_fields=["score"], keep_cell_problems=True)
    assert [(p.code, p.row, p.column, p.field) for p in table.problems] == [("excel.error_cell", 2, "B", "score")]
    assert [r.number for r in table.rows] == [2, 3]
