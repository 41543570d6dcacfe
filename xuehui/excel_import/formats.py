"""Number formats: a ticket stored as the number 123 but shown as 0000123 by a fixed-width format
(`0000000`) is read as what the user sees. calamine gives values without their formats, so for
the few columns that need it, and only when such a column holds a number at all, the styles part
and the sheet are read once more for those cells' formats."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection, Mapping

from defusedxml import ElementTree as SafeET

from xuehui.excel_import.cells import column_index
from xuehui.excel_import.limits import ZIP_READ_ERRORS, reject
from xuehui.excel_import.sheets import MAIN_NS

_ZEROS = re.compile(r"0+")  # a fixed-width whole-number format: 0000000
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")


def _xf_formats(archive: zipfile.ZipFile) -> list[str]:
    """Each cell style's number format code, by style index (the `s` of a cell)."""
    try:
        styles = SafeET.fromstring(archive.read("xl/styles.xml"))
    except KeyError:
        return []
    codes = {
        fmt.get("numFmtId", ""): fmt.get("formatCode", "")
        for fmt in styles.iter(f"{{{MAIN_NS}}}numFmt")  # custom formats; built-in ones are never all zeros but "0"
    }
    xfs = styles.find(f"{{{MAIN_NS}}}cellXfs")
    return [codes.get(xf.get("numFmtId", "0"), "") for xf in (xfs if xfs is not None else [])]


def padded_widths(data: bytes, part: str, columns: Collection[int]) -> Mapping[tuple[int, int], int]:
    """(Excel row, 0-based column) -> width, for every cell of `columns` with a fixed-width
    whole-number format. Call after `check_archive`."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            formats = _xf_formats(archive)
            widths = {i: len(code) for i, code in enumerate(formats) if _ZEROS.fullmatch(code) and len(code) > 1}
            if not widths:
                return {}
            found: dict[tuple[int, int], int] = {}
            cell_tag = f"{{{MAIN_NS}}}c"
            with archive.open(part) as stream:
                for _event, element in SafeET.iterparse(stream, events=("end",)):
                    if element.tag != cell_tag:
                        continue
                    style = element.get("s")
                    if style and style.isdigit() and int(style) in widths:
                        match = _CELL_REF.fullmatch(element.get("r", ""))
                        if match and (col := column_index(match.group(1))) in columns:
                            found[(int(match.group(2)), col)] = widths[int(style)]
                    element.clear()
            return found
    except (*ZIP_READ_ERRORS, SafeET.ParseError) as exc:
        raise reject("unreadable", "无法读取工作簿内容", "the workbook cannot be read") from exc
