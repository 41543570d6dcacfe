"""Reading a workbook: check the archive, find the sheet the user means (the one whose header
matches, else the active one), read its cells with python-calamine (which never evaluates
formulas), find the header row, and refuse error cells, and formula cells where values must be typed.

Which sheet: every visible worksheet whose first `HEADER_SEARCH_ROWS` rows hold a row with every
required column is a match. One match is read; several are read together when the importer takes
them (one sheet per subject) and refused naming them otherwise; none falls back to the active
sheet, whose header problems are reported. A hidden sheet is never read: one that matches is
refused by name (it may be the outdated copy, or the real one), others are named in the preview.
"""

from __future__ import annotations

import io
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from xuehui.errors import InvalidInput, Reason
from xuehui.excel_import.archive import check_archive
from xuehui.excel_import.cells import HeaderMap, SheetRow, Table, column_letter
from xuehui.excel_import.formats import padded_widths
from xuehui.excel_import.formulas import scan_cells
from xuehui.excel_import.headers import map_header
from xuehui.excel_import.limits import DEFAULT_LIMITS, ExcelLimits, reject
from xuehui.excel_import.sheets import SheetInfo, workbook_sheets

HEADER_SEARCH_ROWS = 20  # a header sits below at most a few title and instruction rows; further down is data


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
            return sheet.name, _all_rows(sheet, limits)
    except (CalamineError, ValueError) as exc:
        raise reject("unreadable", "无法读取工作簿内容", f"the workbook cannot be read ({type(exc).__name__})") from exc


def _all_rows(sheet: Any, limits: ExcelLimits) -> list[SheetRow]:
    if sheet.total_width > limits.max_columns:
        raise reject(
            "too_many_columns",
            f"工作表“{sheet.name}”列数过多（{sheet.total_width}列），上限为{limits.max_columns}列",
            f"sheet {sheet.name!r} has too many columns ({sheet.total_width}); the limit is {limits.max_columns}",
        )
    # skip_empty_area=False keeps absolute positions, so list index + 1 is the Excel row.
    grid = sheet.to_python(skip_empty_area=False, nrows=limits.max_rows + 1)
    if len(grid) > limits.max_rows:
        raise reject(
            "too_many_rows",
            f"工作表“{sheet.name}”行数超过上限{limits.max_rows}行",
            f"sheet {sheet.name!r} has more than {limits.max_rows} rows",
        )
    return _non_empty(grid)


def _non_empty(grid: list[list[Any]]) -> list[SheetRow]:
    return [
        SheetRow(index + 1, tuple(raw))
        for index, raw in enumerate(grid)
        if raw.count("") != len(raw)  # C-speed test for a non-empty row
    ]


def _find_header(
    rows: Sequence[SheetRow], aliases: Mapping[str, Iterable[str]], required: Collection[str]
) -> HeaderMap | InvalidInput:
    """The first row within `HEADER_SEARCH_ROWS` with every required column, or the problems of the
    row that came closest (most columns recognised), so they are reported at the real header row."""
    best: tuple[int, InvalidInput] | None = None
    for row in rows:
        if row.number > HEADER_SEARCH_ROWS:
            break
        try:
            found = map_header(row, aliases, required)
            if found.columns:
                return found
        except InvalidInput as refused:
            recognised = len(map_header(row, aliases).columns) if _maps(row, aliases) else 0
            if best is None or recognised > best[0]:
                best = (recognised, refused)
    if best is None:
        return reject("empty", "工作表为空", "the sheet is empty")
    return best[1]


def _maps(row: SheetRow, aliases: Mapping[str, Iterable[str]]) -> bool:
    try:
        map_header(row, aliases)
    except InvalidInput:  # a repeated header
        return False
    return True


def read_tables(
    data: bytes,
    aliases: Mapping[str, Iterable[str]],
    *,
    required: Collection[str] = (),
    no_formula_fields: Collection[str] = (),
    limits: ExcelLimits = DEFAULT_LIMITS,
    several: bool = False,
    keep_cell_problems: bool = False,
    fill_merged: Collection[str] = (),
    as_shown: Collection[str] = (),
) -> tuple[Table, ...]:
    """Read the sheet (or, with `several`, every sheet) whose header matches; see the module docstring.

    Error cells (any column) and formula cells in `no_formula_fields` columns are refused with
    sheet, row and column: raised as `InvalidInput`, or kept on each `Table.problems` with
    `keep_cell_problems` so that the importer reports them beside its own. A cell merged down
    several rows of a `fill_merged` column (a candidate's ticket over their subject rows) is read
    in each of those rows. A whole number in an `as_shown` column with a fixed-width format
    (`0000000`) is read as the text the user sees (0000123), never as the bare number.
    """
    check_archive(data, limits)
    infos = [s for s in workbook_sheets(data) if s.is_worksheet]
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            if not infos:
                raise reject("no_sheet", "工作簿中没有工作表", "the workbook has no worksheet")
            loaded = {s.index: workbook.get_sheet_by_name(s.name) for s in infos}
            heads = {
                s.index: _find_header(
                    _non_empty(loaded[s.index].to_python(skip_empty_area=False, nrows=HEADER_SEARCH_ROWS)),
                    aliases,
                    required,
                )
                for s in infos
            }
            chosen = _choose(infos, heads, several)
            read = [
                (s, heads[s.index], _all_rows(loaded[s.index], limits), loaded[s.index].merged_cell_ranges or ())
                for s in chosen
            ]
    except (CalamineError, ValueError) as exc:
        raise reject("unreadable", "无法读取工作簿内容", f"the workbook cannot be read ({type(exc).__name__})") from exc
    names = {s.name for s in chosen}
    others = tuple(s.name for s in infos if s.name not in names)
    hidden = tuple(s.name for s in infos if s.hidden)
    tables = []
    for info, header, rows, merged in read:
        assert isinstance(header, HeaderMap)
        problems = _cell_problems(data, info, header, no_formula_fields)
        body = _fill_merged([r for r in rows if r.number > header.row], header, merged, fill_merged)
        body = _as_shown(data, info, header, body, as_shown)
        tables.append(Table(info.name, header, body, tuple(problems), others, hidden))
    every = [p for t in tables for p in t.problems]
    if every and not keep_cell_problems:
        raise InvalidInput(every)
    return tuple(tables)


def _fill_merged(
    rows: list[SheetRow], header: HeaderMap, merged: Iterable[Any], fields: Collection[str]
) -> tuple[SheetRow, ...]:
    """Each empty cell under a vertically merged cell of the `fields` columns takes the merged value
    (calamine gives it to the top cell only)."""
    columns = {header.columns[f] for f in fields if f in header.columns}
    spans = [
        (top, bottom, col)
        for (top, col), (bottom, last) in merged
        if col == last and col in columns and bottom > top and top + 1 > header.row
    ]
    if not spans:
        return tuple(rows)
    at = {row.number: i for i, row in enumerate(rows)}
    for top, bottom, col in spans:  # 0-based grid rows: Excel row = grid row + 1
        first = at.get(top + 1)
        if first is None or col >= len(rows[first].values):
            continue
        value = rows[first].values[col]
        for number in range(top + 2, bottom + 2):
            i = at.get(number)
            if i is not None and col < len(rows[i].values) and rows[i].values[col] == "":
                values = list(rows[i].values)
                values[col] = value
                rows[i] = SheetRow(number, tuple(values))
    return tuple(rows)


def _as_shown(
    data: bytes, info: SheetInfo, header: HeaderMap, rows: tuple[SheetRow, ...], fields: Collection[str]
) -> tuple[SheetRow, ...]:
    columns = {header.columns[f] for f in fields if f in header.columns}
    numbers = {c for c in columns for r in rows if c < len(r.values) and type(r.values[c]) in (int, float)}
    if not numbers:  # the usual case: text cells, nothing more to read
        return rows
    widths = padded_widths(data, info.part, numbers)
    if not widths:
        return rows
    out = []
    for row in rows:
        values = list(row.values)
        for col in numbers:
            width = widths.get((row.number, col))
            value = values[col] if col < len(values) else None
            number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
            if width and number is not None and float(number).is_integer() and number >= 0:
                values[col] = f"{int(number):0{width}d}"
        out.append(SheetRow(row.number, tuple(values)))
    return tuple(out)


def _choose(infos: list[SheetInfo], heads: Mapping[int, HeaderMap | InvalidInput], several: bool) -> list[SheetInfo]:
    matching = [s for s in infos if isinstance(heads[s.index], HeaderMap)]
    hidden = [s.name for s in matching if s.hidden]
    if hidden:
        shown = "、".join(f"“{n}”" for n in hidden)
        raise reject(
            "hidden_sheet",
            f"隐藏的工作表{shown}含有导入所需的表头；隐藏的工作表不会被读取，请取消隐藏或删除后重新上传",
            f"the hidden sheet(s) {', '.join(hidden)} hold the columns this import needs; hidden sheets are "
            "never read: unhide or delete them and upload again",
        )
    if len(matching) > 1 and not several:
        shown = "、".join(f"“{s.name}”" for s in matching)
        raise reject(
            "several_sheets",
            f"工作簿中有{len(matching)}个工作表都含有导入所需的表头（{shown}），无法确定读取哪一个；请只保留一个后重新上传",
            f"{len(matching)} sheets hold the columns this import needs ({', '.join(s.name for s in matching)}); "
            "keep only one and upload again",
        )
    if matching:
        return matching
    visible = [s for s in infos if not s.hidden]
    fallback = next((s for s in visible if s.active), visible[0] if visible else infos[0])
    refusal = heads[fallback.index]
    assert isinstance(refusal, InvalidInput)
    raise refusal


def _cell_problems(data: bytes, info: SheetInfo, header: HeaderMap, no_formula_fields: Collection[str]) -> list[Reason]:
    watched = {header.columns[f] for f in no_formula_fields if f in header.columns}
    scan = scan_cells(data, info.part, watched, min_row=header.row + 1)
    field_of = {index: field for field, index in header.columns.items()}
    problems = [
        Reason(
            "excel.error_cell",
            f"工作表“{info.name}”第{row}行{column_letter(col)}列{_header_zh(header, col)}是错误值 {shown}，"
            "不能当作空白读取；请改正后重新上传",
            f"sheet {info.name!r}, row {row}, column {column_letter(col)}{_header_en(header, col)} holds the error "
            f"value {shown}, which is never read as blank; correct it and upload again",
            field=field_of.get(col, "file"),
            row=row,
            column=column_letter(col),
        )
        for row, col, shown in scan.errors
    ]
    problems += [
        Reason(
            "excel.formula",
            "该单元格是公式，请粘贴为数值后重新上传",
            "this cell holds a formula; paste it as a value and upload again",
            field=field_of[col],
            row=row,
            column=column_letter(col),
        )
        for row, col in scan.formulas
    ]
    return sorted(problems, key=lambda p: (p.row or 0, p.column or ""))


def _header_zh(header: HeaderMap, col: int) -> str:
    text = header.texts.get(col)
    return f"（{text}）" if text else ""


def _header_en(header: HeaderMap, col: int) -> str:
    text = header.texts.get(col)
    return f" ({text})" if text else ""


def read_table(
    data: bytes,
    aliases: Mapping[str, Iterable[str]],
    *,
    required: Collection[str] = (),
    no_formula_fields: Collection[str] = (),
    limits: ExcelLimits = DEFAULT_LIMITS,
    keep_cell_problems: bool = False,
    fill_merged: Collection[str] = (),
    as_shown: Collection[str] = (),
) -> Table:
    """Read the one sheet whose header matches (else the active sheet's header problems are raised)."""
    (table,) = read_tables(
        data,
        aliases,
        required=required,
        no_formula_fields=no_formula_fields,
        limits=limits,
        keep_cell_problems=keep_cell_problems,
        fill_merged=fill_merged,
        as_shown=as_shown,
    )
    return table
