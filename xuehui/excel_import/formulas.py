"""Formula detection: calamine returns a formula's *cached* value and cannot tell formula cells
apart, so the sheet XML is streamed once: a cheap byte scan for ``<f`` elements, and only when
one is found a ``defusedxml`` iterparse that locates the exact cells. A forged cached value can
disagree with its formula, which is why formula cells are refused rather than read.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Collection, Iterator
from typing import IO

from defusedxml import ElementTree as SafeET

from xuehui.excel_import.cells import column_index
from xuehui.excel_import.limits import CHUNK_OVERLAP, SCAN_CHUNK, ZIP_READ_ERRORS, reject

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
# A formula element, with or without a namespace prefix: <f>, <f t="shared" .../>, <x:f>. Two patterns
# with literal prefixes are 10x faster to search than one with an optional prefix group; a false
# hit (":f " elsewhere) only costs the exact iterparse pass.
_FORMULA_TAGS = (re.compile(rb"<f[\s/>]"), re.compile(rb":f[\s/>]"))
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def find_formula_cells(
    data: bytes,
    columns: Collection[int] | None = None,
    *,
    sheet_index: int = 0,
    min_row: int = 1,
) -> list[tuple[int, int]]:
    """(Excel row, 0-based column) of every formula cell of a sheet, limited to `columns` if given.

    Call after `check_archive` (or `read_rows`), which bounds what is decompressed here.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet_index)
            with archive.open(part) as stream:
                if not _has_formula_tag(stream):
                    return []
            with archive.open(part) as stream:
                return list(_formula_cells(stream, columns, min_row))
    except (*ZIP_READ_ERRORS, SafeET.ParseError, KeyError) as exc:
        # KeyError: a part the workbook needs (its relationships) is missing.
        raise reject("unreadable", "无法读取工作簿内容", "the workbook cannot be read") from exc


def _has_formula_tag(stream: IO[bytes]) -> bool:
    tail = b""
    while chunk := stream.read(SCAN_CHUNK):
        window = tail + chunk
        if any(tag.search(window) for tag in _FORMULA_TAGS):
            return True
        tail = window[-CHUNK_OVERLAP:]  # a tag split across two chunks is still seen
    return False


def _formula_cells(stream: IO[bytes], columns: Collection[int] | None, min_row: int) -> Iterator[tuple[int, int]]:
    cell_tag = f"{{{_MAIN_NS}}}c"
    formula_tag = f"{{{_MAIN_NS}}}f"
    for _event, element in SafeET.iterparse(stream, events=("end",)):
        if element.tag != cell_tag:
            continue
        if element.find(formula_tag) is not None:
            match = _CELL_REF.fullmatch(element.get("r", ""))
            if match:
                row, col = int(match.group(2)), column_index(match.group(1))
                if row >= min_row and (columns is None or col in columns):
                    yield row, col
        element.clear()


def _sheet_part(archive: zipfile.ZipFile, sheet_index: int) -> str:
    """The ZIP member of the n-th sheet in workbook order (as calamine numbers them)."""
    workbook = SafeET.fromstring(archive.read("xl/workbook.xml"))
    sheets = workbook.findall(f"{{{_MAIN_NS}}}sheets/{{{_MAIN_NS}}}sheet")
    if sheet_index >= len(sheets):
        raise reject("no_sheet", "工作簿中没有工作表", "the workbook has no worksheet")
    rel_id = sheets[sheet_index].get(f"{{{_REL_NS}}}id")
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.findall(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            if path in archive.namelist():
                return path
    raise reject("unreadable", "无法定位工作表", "the worksheet part cannot be found")
