"""Every list a user can see can be downloaded as .xlsx.

Cells that a spreadsheet would treat as a formula (starting with =, +, -, @, tab or CR) are
written as text with a leading apostrophe, so an exported name like "=HYPERLINK(...)" can
never run (ASVS 1.2.10, F7). Instants are written in Beijing time, as the pages show them (a cell
holds no time zone; a naive value read back from SQLite is UTC, as written). Large exports use
openpyxl's write-only mode.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from litestar import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from xuehui.clock import CHINA, aware
from xuehui.downloads import content_disposition

XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\ufffd")


def neutralise(value: str) -> str:
    """Text as it may go into a cell: a formula-like start gets an apostrophe, and characters
    that XML cannot hold (NUL, ESC and the other C0 controls but tab, CR and LF) become U+FFFD,
    so text that entered before the input rules cannot make an export fail."""
    value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return "'" + value if value.startswith(DANGEROUS_PREFIXES) else value


def _cell_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):  # an instant, shown in Beijing time as the pages show it
        return aware(value).astimezone(CHINA).replace(tzinfo=None)
    if isinstance(value, int | float | Decimal | dt.date):
        return value
    return neutralise(str(value))


def workbook_bytes(sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_title[:31] or "Sheet1")
    bold = Font(bold=True)
    header_cells = []
    for title in headers:
        cell = WriteOnlyCell(sheet, value=neutralise(str(title)))
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=_cell_value(value))
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never let openpyxl infer a formula
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def xlsx_response(
    filename: str, sheet_title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> Response[bytes]:
    content = workbook_bytes(sheet_title, headers, rows)
    return Response(
        content,
        media_type=XLSX_MEDIA_TYPE,
        headers={"content-disposition": content_disposition(filename, fallback="export")},
    )
