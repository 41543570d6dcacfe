"""Safe .xlsx reading: hostile archives are refused before parsing; cells keep their kind and row number."""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

from tests.xuehui.forged_zip import rename_in_directory
from xuehui.errors import InvalidInput, Reason
from xuehui.excel_import import (
    CellKind,
    ExcelLimits,
    SheetRow,
    check_archive,
    column_index,
    column_letter,
    find_formula_cells,
    map_header,
    normalise_header,
    read_rows,
    read_table,
)

# Excel has no time zones: a date-time cell is naive by nature.
NAIVE_MORNING = dt.datetime(2026, 10, 18, 9, 30)  # noqa: DTZ001
ALIASES = {
    "ticket_no": ("准考证号", "ticket number"),
    "score": ("成绩", "score"),
    "name": ("姓名", "name"),
}


def xlsx(rows: Sequence[Sequence[object]], *, start_row: int = 1) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r, values in enumerate(rows, start=start_row):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def rewrite(data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    """Copy a workbook's archive, replacing or adding members."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = (replace or {}).get(info.filename, src.read(info))
            dst.writestr(info.filename, body)
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def refusal(data: bytes, limits: ExcelLimits | None = None) -> list[str]:
    with pytest.raises(InvalidInput) as caught:
        read_rows(data, limits or ExcelLimits())
    return [r.code for r in caught.value.reasons]


# --------------------------------------------------------------------------- hostile files


def test_a_plain_workbook_passes_the_archive_checks() -> None:
    check_archive(xlsx([["准考证号"], ["2026000001"]]))


def test_a_non_zip_file_named_xlsx_is_refused() -> None:
    assert refusal(b"\xd0\xcf\x11\xe0 an old .xls or anything else") == ["excel.not_xlsx"]
    assert refusal(b"ticket,score\n1,2\n") == ["excel.not_xlsx"]


def test_a_truncated_zip_is_refused() -> None:
    assert refusal(xlsx([["a"]])[:300]) == ["excel.not_xlsx"]


def test_a_zip_that_is_not_a_workbook_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("readme.txt", "hello")
    assert refusal(out.getvalue()) == ["excel.not_xlsx"]


def test_a_zip_bomb_is_refused_by_its_compression_ratio_before_parsing() -> None:
    # 20 MB of one repeated character inside the sheet deflates to about 20 KB (ratio ~1000:1).
    bomb_sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        + b"A" * 20_000_000
        + b"</t></is></c></row></sheetData></worksheet>"
    )
    data = rewrite(xlsx([["x"]]), replace={"xl/worksheets/sheet1.xml": bomb_sheet})
    assert len(data) < 100_000
    assert refusal(data) == ["excel.compression_ratio"]


def test_a_bomb_padded_with_incompressible_parts_is_refused_by_its_own_ratio() -> None:
    padding = random.Random(1).randbytes(400_000)
    data = rewrite(xlsx([["x"]]), add={"xl/media/image1.png": padding, "xl/media/notes.xml": b" " * 30_000_000})
    assert refusal(data) == ["excel.compression_ratio"]


def test_the_uncompressed_total_is_capped() -> None:
    data = xlsx([[f"row {i}" for i in range(20)] for _ in range(200)])
    assert refusal(data, ExcelLimits(max_uncompressed_bytes=20_000)) == ["excel.too_large_uncompressed"]


def test_the_file_size_is_capped() -> None:
    data = xlsx([["a"]])
    assert refusal(data, ExcelLimits(max_file_bytes=len(data) - 1)) == ["excel.too_large"]


def test_too_many_entries_are_refused() -> None:
    data = rewrite(xlsx([["a"]]), add={f"xl/media/image{i}.png": b"x" for i in range(120)})
    assert refusal(data) == ["excel.too_many_entries"]


def test_a_workbook_with_a_vba_project_is_refused() -> None:
    data = rewrite(xlsx([["a"]]), add={"xl/vbaProject.bin": b"\x00" * 64})
    assert refusal(data) == ["excel.macros"]


def test_a_macro_enabled_content_type_is_refused() -> None:
    data = xlsx([["a"]])
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        types = z.read("[Content_Types].xml")
    xlsm = types.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    assert refusal(rewrite(data, replace={"[Content_Types].xml": xlsm})) == ["excel.not_xlsx"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/abs/path.xml", "xl/../../evil.xml", "C:/win.xml"])
def test_path_traversal_names_are_refused(name: str) -> None:
    assert refusal(rewrite(xlsx([["a"]]), add={name: b"x"})) == ["excel.unsafe_entry"]


def test_a_symlink_entry_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx([["a"]]))) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        link = zipfile.ZipInfo("xl/link")
        link.external_attr = (0o120777 << 16) | 0x20
        dst.writestr(link, "/etc/passwd")
    assert refusal(out.getvalue()) == ["excel.unsafe_entry"]


def test_a_part_named_differently_in_its_own_header_is_refused() -> None:
    # Found by the fuzzer: the directory said `xL/_rels/...`, the part's header `xl/_rels/...`;
    # calamine read the sheet while the formula scan found no relationships and crashed.
    data = rename_in_directory(xlsx([["a"]]), "xl/_rels/workbook.xml.rels", "xL/_rels/workbook.xml.rels")
    assert refusal(data) == ["excel.corrupt"]


def test_two_parts_whose_names_differ_only_in_case_are_refused() -> None:
    data = rewrite(xlsx([["a"]]), add={"xl/worksheets/Sheet1.xml": b"<worksheet/>"})
    assert refusal(data) == ["excel.duplicate_entry"]


def test_a_workbook_without_its_relationships_is_refused_by_the_formula_scan() -> None:
    data = xlsx([["a", "=1+1"]])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "xl/_rels/workbook.xml.rels":
                dst.writestr(info.filename, src.read(info))
    with pytest.raises(InvalidInput) as caught:
        find_formula_cells(out.getvalue())
    assert [r.code for r in caught.value.reasons] == ["excel.unreadable"]


def test_a_doctype_in_any_xml_part_is_refused() -> None:
    laughs = b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><worksheet/>'
    data = rewrite(xlsx([["a"]]), replace={"xl/worksheets/sheet1.xml": laughs})
    assert refusal(data) == ["excel.doctype"]


def test_too_many_rows_are_refused() -> None:
    data = xlsx([[i] for i in range(30)])
    assert refusal(data, ExcelLimits(max_rows=20)) == ["excel.too_many_rows"]


def test_too_many_columns_are_refused() -> None:
    data = xlsx([list(range(70))])
    assert refusal(data) == ["excel.too_many_columns"]


def _with_cell_reference(reference: str) -> bytes:
    """A small valid workbook whose second header cell claims to sit at `reference`."""
    data = xlsx([["准考证号", "成绩"], ["T1", 80]])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b'r="B1"' in sheet
    return rewrite(data, replace={"xl/worksheets/sheet1.xml": sheet.replace(b'r="B1"', f'r="{reference}"'.encode())})


@pytest.mark.parametrize(
    ("reference", "code"),
    [
        ("B" + "1" * 128, "excel.too_many_rows"),  # found by the fuzzer: calamine asked for 641 GB and aborted
        ("B1048576", "excel.too_many_rows"),
        ("B200001", "excel.too_many_rows"),
        ("XFD1", "excel.too_many_columns"),
        ("BM1", "excel.too_many_columns"),
        ("ZZZZZZZZ1", "excel.too_many_columns"),
        ("bm1", "excel.too_many_columns"),
    ],
)
def test_a_cell_forged_far_away_is_refused_before_the_reader_sizes_the_sheet(reference: str, code: str) -> None:
    assert refusal(_with_cell_reference(reference)) == [code]


def test_cells_at_the_last_allowed_row_and_column_are_read() -> None:
    _sheet, rows = read_rows(_with_cell_reference("BL200000"))
    assert (rows[0].number, rows[-1].number, len(rows[-1].cells)) == (1, 200_000, 64)


def test_whole_file_reasons_are_bilingual() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_rows(b"nope")
    reason = caught.value.reasons[0]
    assert reason.zh.startswith("文件不是Excel工作簿（.xlsx）或设有打开密码")
    assert "not an Excel workbook" in reason.en
    assert caught.value.status == 422


# --------------------------------------------------------------------------- cells and rows


def test_rows_keep_their_excel_numbers_and_skip_empty_rows() -> None:
    data = xlsx([["准考证号", "成绩"], ["A1", 60], None or [], ["A2", 70]], start_row=3)
    name, rows = read_rows(data)
    assert name == "Sheet"
    assert [r.number for r in rows] == [3, 4, 6]
    assert rows[2].value(0) == "A2"


def test_each_cell_reports_its_kind() -> None:
    data = xlsx([["text", 60, 72.5, True, dt.date(2026, 10, 18), NAIVE_MORNING, None, "x"]])
    (row,) = read_rows(data)[1]
    kinds = [row.kind(i) for i in range(9)]
    assert kinds == [
        CellKind.TEXT,
        CellKind.INT,
        CellKind.FLOAT,
        CellKind.BOOL,
        CellKind.DATE,
        CellKind.DATE,
        CellKind.EMPTY,
        CellKind.TEXT,
        CellKind.EMPTY,  # past the last column
    ]
    assert [row.cell(i).value for i in range(6)] == [
        "text",
        60,
        72.5,
        True,
        dt.date(2026, 10, 18),
        NAIVE_MORNING,
    ]
    assert [c.kind for c in row.cells] == kinds[:8]


def test_an_identity_number_stored_as_a_number_is_a_number_cell_and_text_stays_text() -> None:
    (row,) = read_rows(xlsx([[320102198001011234, "320102198001011234", "0123"]]))[1]
    assert row.kind(0) is CellKind.INT
    assert row.cell(0).is_number
    assert row.value(1) == "320102198001011234"
    assert row.value(2) == "0123"


def test_column_letters_round_trip() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
    assert [column_index(column_letter(i)) for i in range(800)] == list(range(800))


# --------------------------------------------------------------------------- formulas


def test_formula_cells_are_found_only_in_the_watched_columns() -> None:
    data = xlsx([["准考证号", "成绩", "姓名"], ["A1", "=50+10", "=CONCAT(1,2)"], ["A2", 70, "b"]])
    assert find_formula_cells(data, {1}) == [(2, 1)]
    assert find_formula_cells(data) == [(2, 1), (2, 2)]
    assert find_formula_cells(xlsx([["a", 1]])) == []


def test_read_table_refuses_formula_cells_in_the_score_column_with_row_and_column() -> None:
    data = xlsx([["准考证号", "成绩"], ["A1", 60], ["A2", "=SUM(1,2)"], ["A3", "=B2"]])
    with pytest.raises(InvalidInput) as caught:
        read_table(data, ALIASES, required=["ticket_no", "score"], no_formula_fields=["score"])
    assert [(r.code, r.row, r.column, r.field) for r in caught.value.reasons] == [
        ("excel.formula", 3, "B", "score"),
        ("excel.formula", 4, "B", "score"),
    ]


def test_a_formula_outside_the_watched_columns_is_allowed() -> None:
    data = xlsx([["准考证号", "成绩", "备注"], ["A1", 60, "=1+1"]])
    table = read_table(data, ALIASES, required=["ticket_no", "score"], no_formula_fields=["score"])
    assert [r.value(0) for r in table.rows] == ["A1"]


def test_formulas_are_found_in_a_workbook_whose_sheet_xml_uses_a_namespace_prefix() -> None:
    sheet = (
        b'<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        b'<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c><x:c r="B1"><x:f>A1*2</x:f><x:v>2</x:v></x:c></x:row>'
        b"</x:sheetData></x:worksheet>"
    )
    data = rewrite(xlsx([["x"]]), replace={"xl/worksheets/sheet1.xml": sheet})
    assert find_formula_cells(data) == [(1, 1)]


# --------------------------------------------------------------------------- headers


def header_row(*texts: object) -> SheetRow:
    return SheetRow(1, tuple("" if t is None else t for t in texts))  # type: ignore[misc]


def test_chinese_and_english_headers_map_to_the_same_fields() -> None:
    zh = map_header(header_row("准考证号", "姓名", "成绩"), ALIASES, ["ticket_no", "score"])
    en = map_header(header_row("Ticket Number", "NAME", " score "), ALIASES, ["ticket_no", "score"])
    snake = map_header(header_row("ticket_no", None, "Score*"), ALIASES, ["ticket_no", "score"])
    assert dict(zh.columns) == dict(en.columns) == {"ticket_no": 0, "name": 1, "score": 2}
    assert dict(snake.columns) == {"ticket_no": 0, "score": 2}


def test_unknown_headers_are_ignored_and_listed() -> None:
    header = map_header(header_row("准考证号", "备注", "成绩"), ALIASES, ["ticket_no"])
    assert header.ignored == ("备注",)
    assert header.letter("score") == "C"


def test_missing_and_duplicate_headers_are_all_reported() -> None:
    with pytest.raises(InvalidInput) as caught:
        map_header(header_row("成绩", "score"), ALIASES, ["ticket_no", "score"])
    assert [(r.code, r.column, r.field) for r in caught.value.reasons] == [
        ("excel.duplicate_header", "B", "score"),
        ("excel.missing_header", None, "ticket_no"),
    ]


def test_header_normalisation_folds_width_case_and_markers() -> None:
    assert normalise_header("ＴＩＣＫＥＴ　ＮＯ") == normalise_header("ticket_no") == "ticketno"
    assert normalise_header("成绩(必填)") == "成绩"
    assert normalise_header("成绩：") == "成绩"


def test_a_title_row_above_the_header_is_skipped() -> None:
    data = xlsx([["2026年监理工程师考试成绩"], ["准考证号", "成绩"], ["A1", 60]])
    table = read_table(data, ALIASES, required=["ticket_no", "score"])
    assert (table.header.row, [r.number for r in table.rows]) == (2, [3])


def test_an_empty_sheet_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        read_table(xlsx([]), ALIASES)
    assert caught.value.reasons == [
        Reason("excel.empty", "工作表为空", "the sheet is empty", field="file"),
    ]
