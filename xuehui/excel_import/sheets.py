"""Which sheets a workbook holds: their names in workbook order, hidden or not, and the one the
user left active (Excel opens on it); and the ZIP part of each, for the formula and error scan."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass

from defusedxml import ElementTree as SafeET

from xuehui.excel_import.limits import ZIP_READ_ERRORS, reject

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_WORKSHEET_REL = "/worksheet"  # a chart sheet or a dialog sheet holds no cells to import


@dataclass(frozen=True, slots=True)
class SheetInfo:
    index: int  # position in workbook order (0-based), as calamine numbers the sheets
    name: str
    hidden: bool  # hidden or very hidden: the user does not see it in Excel
    active: bool  # the sheet Excel opens on
    part: str  # the ZIP member holding its cells ("" when it is not a worksheet)

    @property
    def is_worksheet(self) -> bool:
        return bool(self.part)


def workbook_sheets(data: bytes) -> list[SheetInfo]:
    """Every sheet of the workbook in workbook order. Call after `check_archive`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _sheets(archive)
    except (*ZIP_READ_ERRORS, SafeET.ParseError, KeyError) as exc:
        raise reject("unreadable", "无法读取工作簿内容", "the workbook cannot be read") from exc


def _sheets(archive: zipfile.ZipFile) -> list[SheetInfo]:
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
    view = workbook.find(f"{{{MAIN_NS}}}bookViews/{{{MAIN_NS}}}workbookView")
    active_tab = int(view.get("activeTab", "0")) if view is not None and view.get("activeTab", "0").isdigit() else 0
    targets: dict[str, str] = {}
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    names = set(archive.namelist())
    for rel in rels.findall(f"{{{_PKG_REL_NS}}}Relationship"):
        if not rel.get("Type", "").endswith(_WORKSHEET_REL):
            continue
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        if path in names:
            targets[rel.get("Id", "")] = path
    sheets = workbook.findall(f"{{{MAIN_NS}}}sheets/{{{MAIN_NS}}}sheet")
    return [
        SheetInfo(
            index=index,
            name=sheet.get("name", ""),
            hidden=sheet.get("state", "visible") != "visible",
            active=index == active_tab,
            part=targets.get(sheet.get(f"{{{_REL_NS}}}id", ""), ""),
        )
        for index, sheet in enumerate(sheets)
    ]


def sheet_part(data: bytes, sheet_index: int) -> str:
    """The ZIP member of the n-th sheet in workbook order."""
    sheets = workbook_sheets(data)
    if sheet_index >= len(sheets):
        raise reject("no_sheet", "工作簿中没有工作表", "the workbook has no worksheet")
    if not sheets[sheet_index].part:
        raise reject("unreadable", "无法定位工作表", "the worksheet part cannot be found")
    return sheets[sheet_index].part
