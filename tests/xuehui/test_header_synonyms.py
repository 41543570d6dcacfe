"""One header-synonym table for every importer: bracketed notes, bilingual headers, spaces, line
breaks and full-width brackets fold together; a header below title rows is found within the first
20 rows, and its problems are reported at its real row."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from exams.rules.score_import import SCORE_HEADER_ALIASES
from exams.rules.score_model import SCORE_REQUIRED_FIELDS
from expert_pool.excel import ALIASES as EXPERT_ALIASES
from xuehui.errors import InvalidInput
from xuehui.excel_import import SheetRow, map_header, read_table


def header(*texts: str) -> SheetRow:
    return SheetRow(1, texts)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("成绩(分)", "score"),
        ("成绩（分）", "score"),
        ("考试成绩", "score"),
        ("分数", "score"),
        ("准考证号(Ticket No.)", "ticket_no"),
        ("准考证号\n（Ticket No.）", "ticket_no"),
        (" 准考证 号 ", "ticket_no"),
        ("科目\n代码", "subject"),
        ("身份证件号码", "id_number"),
    ],
)
def test_score_headers_as_offices_write_them(text: str, field: str) -> None:
    mapped = map_header(header(text), SCORE_HEADER_ALIASES)
    assert dict(mapped.columns) == {field: 0}


def test_expert_headers_come_from_the_same_table() -> None:
    mapped = map_header(header("单位名称", "联系电话", "电子邮件", "研究方向", "职称级别", "备注"), EXPERT_ALIASES)
    assert (dict(mapped.columns), mapped.ignored) == (
        {"unit": 0, "phone": 1, "email": 2, "keywords": 3, "rank": 4},
        ("备注",),
    )


def sheet(rows: Sequence[Sequence[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_a_header_below_title_and_instruction_rows_is_found() -> None:
    rows: list[list[object]] = [
        ["2026年度化工工程师考试成绩"],
        *[[f"说明{n}：准考证号须为文本"] for n in range(12)],
        [],
    ]
    rows += [["准考证号(Ticket No.)", "考生姓名", "科目代码", "成绩(分)"], ["T1", "张三", "01", 60]]
    table = read_table(sheet(rows), SCORE_HEADER_ALIASES, required=SCORE_REQUIRED_FIELDS)
    assert (table.header.row, dict(table.header.columns), [r.number for r in table.rows]) == (
        15,
        {"ticket_no": 0, "name": 1, "subject": 2, "score": 3},
        [16],
    )


def test_the_problems_of_a_header_below_titles_are_reported_at_its_row() -> None:
    rows = [["成绩表"], ["填表人：李老师"], ["准考证号", "姓名", "科目代码", "考分"], ["T1", "张三", "01", 60]]
    with pytest.raises(InvalidInput) as refused:
        read_table(sheet(rows), SCORE_HEADER_ALIASES, required=SCORE_REQUIRED_FIELDS)
    assert [(r.code, r.row, r.field) for r in refused.value.reasons] == [("excel.missing_header", 3, "score")]
