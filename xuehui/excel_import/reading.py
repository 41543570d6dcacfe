"""Reading a sheet: check the archive, read the cells with python-calamine (which never evaluates
formulas), find the header row the user means, and refuse formula cells where values must be typed."""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Mapping

from python_calamine import CalamineError, CalamineWorkbook

from xuehui.errors import InvalidInput, Reason
from xuehui.excel_import.archive import check_archive
from xuehui.excel_import.cells import SheetRow, Table, column_letter
from xuehui.excel_import.formulas import find_formula_cells
from xuehui.excel_import.headers import map_header
from xuehui.excel_import.limits import DEFAULT_LIMITS, ExcelLimits, reject

HEADER_SEARCH_ROWS = 10  # a header sits below at most a few title rows; further down is data


def read_rows(
    data: bytes,
    limits: ExcelLimits = DEFAULT_LIMITS,
    *,
    sheet_index: int = 0,
) -> tuple[str, list[SheetRow]]:
    """Check the archive, then read one sheet's non-empty rows with 1-based Excel row numbers (cells from column A)."""
    check_archive(data, limits)
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            if sheet_index >= len(workbook.sheet_names):
                raise reject("no_sheet", "工作簿中没有工作表", "the workbook has no worksheet")
            sheet = workbook.get_sheet_by_index(sheet_index)
            if sheet.total_width > limits.max_columns:
                raise reject(
                    "too_many_columns",
                    f"工作表列数过多（{sheet.total_width}列），上限为{limits.max_columns}列",
                    f"the sheet has too many columns ({sheet.total_width}); the limit is {limits.max_columns}",
                )
            # skip_empty_area=False keeps absolute positions, so list index + 1 is the Excel row.
            grid = sheet.to_python(skip_empty_area=False, nrows=limits.max_rows + 1)
            name = sheet.name
    except (CalamineError, ValueError) as exc:
        raise reject("unreadable", "无法读取工作簿内容", f"the workbook cannot be read ({type(exc).__name__})") from exc
    if len(grid) > limits.max_rows:
        raise reject(
            "too_many_rows",
            f"工作表行数超过上限{limits.max_rows}行",
            f"the sheet has more than {limits.max_rows} rows",
        )
    rows: list[SheetRow] = []
    for index, raw in enumerate(grid):
        if raw.count("") != len(raw):  # C-speed test for a non-empty row
            rows.append(SheetRow(index + 1, tuple(raw)))
    return name, rows


def read_table(
    data: bytes,
    aliases: Mapping[str, Iterable[str]],
    *,
    required: Collection[str] = (),
    no_formula_fields: Collection[str] = (),
    limits: ExcelLimits = DEFAULT_LIMITS,
    sheet_index: int = 0,
) -> Table:
    """Read a sheet as header plus data rows (empty rows skipped).

    The header is the first of the first `HEADER_SEARCH_ROWS` non-empty rows that has every
    required column, so a title row above the header ("2026年成绩表") does no harm; if none has,
    the first row's problems are raised. Formula cells in `no_formula_fields` columns raise
    `InvalidInput` listing each cell.
    """
    name, rows = read_rows(data, limits, sheet_index=sheet_index)
    if not rows:
        raise reject("empty", "工作表为空", "the sheet is empty")
    header_at = 0
    for index, candidate in enumerate(rows[:HEADER_SEARCH_ROWS]):
        try:
            map_header(candidate, aliases, required)
        except InvalidInput:
            continue
        header_at = index
        break
    header = map_header(rows[header_at], aliases, required)
    watched = {header.columns[f] for f in no_formula_fields if f in header.columns}
    if watched:
        found = find_formula_cells(data, watched, sheet_index=sheet_index, min_row=header.row + 1)
        if found:
            field_of = {index: field for field, index in header.columns.items()}
            raise InvalidInput(
                Reason(
                    "excel.formula",
                    "该单元格是公式，请粘贴为数值后重新上传",
                    "this cell holds a formula; paste it as a value and upload again",
                    field=field_of[col],
                    row=row,
                    column=column_letter(col),
                )
                for row, col in found
            )
    return Table(sheet_name=name, header=header, rows=tuple(rows[header_at + 1 :]))
