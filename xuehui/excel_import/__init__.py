"""Safe reading of uploaded ``.xlsx`` files.

The rooms: `limits` (upload limits and the one refusal shape), `archive` (every check on the ZIP
directory and a streamed pass over each part, before any XML is parsed), `cells` (cells with their
kind, rows with their Excel number, header maps and tables), `formulas` (finding formula cells,
which are refused where values must be typed, and error cells, refused everywhere), `sheets` (the
workbook's sheets: hidden or not, the active one), `headers` (header variants folded, a header row
mapped to fields), `synonyms` (the one header-synonym table of every importer) and `reading`
(`read_rows`, `read_table` and `read_tables`, the entry points:
the sheet whose header matches is read, and the preview can say which).

Uploads come from outside, so the archive is inspected from its ZIP central directory *before*
any XML is parsed (size, entry count, declared uncompressed size, compression ratio, path names,
macro parts, DOCTYPE), because neither calamine nor openpyxl limits decompressed size. Cells are
then read with python-calamine, which never evaluates formulas but silently returns a formula's
*cached* value; so when the caller names columns that must hold typed-in values (scores), the
sheet XML is streamed once more to find formula cells. Every cell comes back with its kind, so a
caller can tell an identity number typed as text from one stored as a number.
"""

from __future__ import annotations

from xuehui.excel_import.archive import check_archive
from xuehui.excel_import.cells import (
    EMPTY_CELL,
    Cell,
    CellKind,
    CellValue,
    HeaderMap,
    SheetRow,
    Table,
    cell_values,
    column_index,
    column_letter,
    date_in_code_cell,
    visible,
)
from xuehui.excel_import.formulas import ERROR_VALUES, find_formula_cells, scan_cells
from xuehui.excel_import.headers import map_header, normalise_header
from xuehui.excel_import.limits import ExcelLimits, upload_limits
from xuehui.excel_import.reading import HEADER_SEARCH_ROWS, read_rows, read_table, read_tables
from xuehui.excel_import.sheets import SheetInfo, workbook_sheets
from xuehui.excel_import.synonyms import HEADER_SYNONYMS

__all__ = [
    "EMPTY_CELL",
    "ERROR_VALUES",
    "HEADER_SEARCH_ROWS",
    "HEADER_SYNONYMS",
    "Cell",
    "CellKind",
    "CellValue",
    "ExcelLimits",
    "HeaderMap",
    "SheetInfo",
    "SheetRow",
    "Table",
    "cell_values",
    "check_archive",
    "column_index",
    "column_letter",
    "date_in_code_cell",
    "find_formula_cells",
    "map_header",
    "normalise_header",
    "read_rows",
    "read_table",
    "read_tables",
    "scan_cells",
    "upload_limits",
    "visible",
    "workbook_sheets",
]
