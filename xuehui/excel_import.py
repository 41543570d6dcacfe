"""Safe reading of uploaded ``.xlsx`` files.

Uploads come from outside, so the archive is inspected from its ZIP central directory
*before* any XML is parsed (size, entry count, declared uncompressed size, compression ratio,
path names, macro parts, DOCTYPE), because neither calamine nor openpyxl limits decompressed
size: a 204 KB bomb grew to 610 MiB in calamine (``shared/reference/exam_domain.md`` §3).

Cells are then read with python-calamine, which never evaluates formulas but silently returns a
formula's *cached* value (or drops the cell when there is none) and cannot tell formula cells
apart. So when the caller names columns that must hold typed-in values (scores), the sheet XML
is streamed once: a cheap byte scan for ``<f`` elements, and only when one is found a
``defusedxml`` iterparse that locates the exact cells. A forged cached value can disagree with
its formula, which is why formula cells are refused rather than read.

Every cell comes back with its kind, so a caller can tell an identity number typed as text from
one stored as a number, whose digits Excel already lost (it keeps 15 significant digits).
Every ``.xlsx`` number is an IEEE double; a number with an integral value is reported as ``INT``.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import IO

from defusedxml import ElementTree as SafeET
from python_calamine import CalamineError, CalamineWorkbook

from xuehui.errors import InvalidInput, Reason

CellValue = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
# A formula element, with or without a namespace prefix: <f>, <f t="shared" .../>, <x:f>. Two patterns
# with literal prefixes are 10x faster to search than one with an optional prefix group; a false
# hit (":f " elsewhere) only costs the exact iterparse pass.
_FORMULA_TAGS = (re.compile(rb"<f[\s/>]"), re.compile(rb":f[\s/>]"))
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]+)")
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "activex", "macrosheets")
_SCAN_CHUNK = 1 << 20
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True, slots=True)
class ExcelLimits:
    """Upload limits; the app passes its settings. Defaults fit a 100,000-row, 8-column score sheet."""

    max_file_bytes: int = 10_000_000
    max_entries: int = 100
    max_uncompressed_bytes: int = 100_000_000
    max_compression_ratio: float = 100.0
    max_rows: int = 200_000
    max_columns: int = 64


class CellKind(StrEnum):
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DATE = "date"  # a date or a date-time
    TIME = "time"  # a time of day or a duration
    BOOL = "bool"
    EMPTY = "empty"


@dataclass(frozen=True, slots=True)
class Cell:
    value: CellValue
    kind: CellKind

    @property
    def is_number(self) -> bool:
        return self.kind in (CellKind.INT, CellKind.FLOAT)


EMPTY_CELL = Cell(None, CellKind.EMPTY)


@dataclass(frozen=True, slots=True)
class SheetRow:
    """One non-empty row: its 1-based Excel row number and its raw values from column A.

    Cells are classified on access (`cell`, `kind`, `value`): building a `Cell` object for each of
    800,000 cells up front cost 1.6 s on the 100k-row benchmark.
    """

    number: int
    values: tuple[CellValue, ...]

    def cell(self, column_index: int) -> Cell:
        return _classify(self.values[column_index]) if column_index < len(self.values) else EMPTY_CELL

    def kind(self, column_index: int) -> CellKind:
        if column_index >= len(self.values):
            return CellKind.EMPTY
        value = self.values[column_index]
        kind = _KIND_BY_TYPE.get(type(value))
        if kind is None:
            return _classify(value).kind
        if kind is CellKind.FLOAT and value.is_integer():  # type: ignore[union-attr]
            return CellKind.INT
        if kind is CellKind.TEXT and value == "":
            return CellKind.EMPTY
        return kind

    def value(self, column_index: int) -> CellValue:
        """The value as `cell(i).value` would give it (None when empty, int for an integral number)."""
        return self.cell(column_index).value

    @property
    def cells(self) -> tuple[Cell, ...]:
        return tuple(map(_classify, self.values))


@dataclass(frozen=True, slots=True)
class HeaderMap:
    """Canonical field name -> 0-based column index, plus the header row's Excel number."""

    row: int
    columns: Mapping[str, int]
    ignored: tuple[str, ...]  # header texts that matched no field

    def letter(self, field: str) -> str:
        return column_letter(self.columns[field])


@dataclass(frozen=True, slots=True)
class Table:
    """A sheet read as a header plus data rows (rows after the header, empty rows skipped)."""

    sheet_name: str
    header: HeaderMap
    rows: tuple[SheetRow, ...]


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 0, AA -> 26."""
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index - 1


def _reject(code: str, zh: str, en: str, *, row: int | None = None, column: str | None = None) -> InvalidInput:
    return InvalidInput(Reason(f"excel.{code}", zh, en, field="file", row=row, column=column))


# --------------------------------------------------------------------------- archive checks


_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)
# RuntimeError: an encrypted member; NotImplementedError: an unsupported compression method.


def check_archive(data: bytes, limits: ExcelLimits = ExcelLimits()) -> None:
    """Every check that needs only the ZIP directory and the first bytes of XML parts; raise `InvalidInput`."""
    if len(data) > limits.max_file_bytes:
        raise _reject(
            "too_large",
            f"文件过大（{len(data)}字节），上限为{limits.max_file_bytes}字节",
            f"the file is too large ({len(data)} bytes); the limit is {limits.max_file_bytes} bytes",
        )
    if not data.startswith(b"PK\x03\x04"):
        raise _reject(
            "not_xlsx",
            "文件不是Excel工作簿（.xlsx）或设有打开密码，请用Excel另存为不加密的.xlsx格式后上传",
            "the file is not an Excel workbook (.xlsx) or is password-protected; "
            "save it as an unencrypted .xlsx and upload again",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(archive, limits)
    except _ZIP_READ_ERRORS as exc:
        raise _reject(
            "not_xlsx", "文件已损坏或不是.xlsx工作簿", "the file is damaged or not an .xlsx workbook"
        ) from exc


def _check_members(archive: zipfile.ZipFile, limits: ExcelLimits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise _reject(
            "too_many_entries",
            f"工作簿内部文件过多（{len(infos)}个），上限为{limits.max_entries}个",
            f"the workbook holds too many parts ({len(infos)}); the limit is {limits.max_entries}",
        )
    for info in infos:
        _check_entry_name(info)
    if len({i.filename.casefold() for i in infos}) != len(infos):
        # Two members of one name: readers disagree on which one counts (Python takes the last,
        # another may take the first), so the formula scan and the cell reader could see two sheets.
        # Part names are compared without case (ECMA-376 Part 2), so `Sheet1.xml` and `sheet1.xml` clash.
        raise _reject(
            "duplicate_entry",
            "工作簿内部含有重名的部件，已拒绝",
            "the workbook holds two parts of the same name and is refused",
        )
    uncompressed = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if uncompressed > limits.max_uncompressed_bytes:
        raise _reject(
            "too_large_uncompressed",
            f"工作簿解压后过大（{uncompressed}字节），上限为{limits.max_uncompressed_bytes}字节",
            f"the workbook is too large once decompressed ({uncompressed} bytes); "
            f"the limit is {limits.max_uncompressed_bytes} bytes",
        )
    ratio = uncompressed / compressed
    # Per member too (above 1 MiB, where ratios mean something): a bomb padded with incompressible
    # parts would otherwise pass on the total alone.
    worst = max((i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > 1 << 20), default=0.0)
    ratio = max(ratio, worst)
    if ratio > limits.max_compression_ratio:
        raise _reject(
            "compression_ratio",
            f"工作簿压缩比异常（{ratio:.0f}:1），疑似压缩炸弹",
            f"the workbook's compression ratio is abnormal ({ratio:.0f}:1), a likely zip bomb",
        )
    names = {i.filename for i in infos}
    lowered = [n.lower() for n in names]
    if any(part in name for name in lowered for part in _MACRO_PARTS):
        raise _reject(
            "macros",
            "工作簿含有宏或ActiveX控件，请另存为不含宏的.xlsx文件",
            "the workbook contains macros or ActiveX controls; save it as a macro-free .xlsx",
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise _reject(
            "not_xlsx", "文件不是.xlsx工作簿（缺少必需部件）", "the file is not an .xlsx workbook (parts missing)"
        )
    content_types = archive.read("[Content_Types].xml")
    if _XLSX_MAIN_TYPE.encode() not in content_types:
        raise _reject(
            "not_xlsx",
            "文件不是普通.xlsx工作簿（可能是.xlsm或模板），请另存为.xlsx",
            "the file is not a plain .xlsx workbook (perhaps .xlsm or a template); save it as .xlsx",
        )
    for info in infos:
        _verify_member(archive, info, limits)


def _verify_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: ExcelLimits) -> None:
    """Decompress one member from its raw bytes and hold it to what the directory declares.

    The limits above trust declared sizes, and calamine (Rust) reads only as many bytes as
    declared: a part whose real data is longer, shorter or has another CRC than declared is a
    forged archive and is refused here, naming the part. Every XML part is scanned whole for a
    DTD (a billion-laughs or XXE payload can hide behind a long comment, past any prefix scan).
    The output is bounded by the declared size (already capped), never by the compressed data.
    Worksheets are also scanned for cell references beyond the row and column limits (see
    `_far_reference`).
    """
    name = info.filename
    far_reference = _far_reference_finder(limits) if name.startswith("xl/worksheets/") else None
    if info.flag_bits & 0x1:
        raise _reject(
            "encrypted", "工作簿内部文件已加密，请另存为不加密的.xlsx", "the workbook is encrypted; save it unencrypted"
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _reject(
            "corrupt",
            f"工作簿内部文件{name}使用了不支持的压缩方式",
            f"part {name} of the workbook uses an unsupported compression method",
        )
    raw = _raw_member(archive, info)
    is_xml = name.endswith((".xml", ".rels", ".vml"))
    crc = 0
    produced = 0
    tail = b""
    decompressor = zlib.decompressobj(-15) if info.compress_type == zipfile.ZIP_DEFLATED else None
    pending = raw
    while True:
        if decompressor is None:
            chunk, pending = pending[:_SCAN_CHUNK], pending[_SCAN_CHUNK:]
        else:
            # At most one byte more than declared is ever produced: enough to see the lie.
            room = min(_SCAN_CHUNK, info.file_size - produced + 1)
            chunk = decompressor.decompress(pending, room)
            pending = decompressor.unconsumed_tail
        if not chunk:
            break
        produced += len(chunk)
        if produced > info.file_size:
            break
        crc = zlib.crc32(chunk, crc)
        if is_xml:
            window = tail + chunk
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                raise _reject(
                    "doctype",
                    f"工作簿内部文件{name}含有DOCTYPE或实体声明，已拒绝",
                    f"part {name} of the workbook declares a DOCTYPE or entities and is refused",
                )
            if far_reference is not None:
                _refuse_far_reference(far_reference, window, limits)
            tail = window[-64:]  # a reference or tag split across two chunks is still seen whole
    finished = decompressor is None or (decompressor.eof and not decompressor.unused_data)
    if produced != info.file_size or not finished or crc != info.CRC:
        raise _reject(
            "corrupt",
            f"工作簿已损坏：内部文件{name}的实际数据与声明的大小或校验和不符",
            f"the workbook is damaged: part {name} does not match its declared size or checksum",
        )


@functools.lru_cache(maxsize=8)
def _far_reference_finder(limits: ExcelLimits) -> re.Pattern[bytes]:
    """A pattern for the cell and row references (`r="B12"`, `r="12"`) that may lie beyond the limits.

    calamine sizes a sheet by its farthest cell and allocates the whole rectangle before anything
    can be checked: one cell forged at `B1111…` asked for 641 GB and aborted the process (found
    by bench/fuzz_importer.py). Only references with at least as many digits as the row limit, or
    as many letters as the last allowed column, can be too far; the pattern picks out just those,
    so an ordinary sheet costs one C-speed scan. No closing quote is required: a reference cut by
    a chunk boundary is seen in either chunk.
    """
    digits = len(str(limits.max_rows))
    letters = len(column_letter(limits.max_columns - 1))
    # It starts with a literal so the scan can skip ahead; the match must follow a space (`r=` is
    # an attribute of its own, not the tail of `header=`), checked per match.
    return re.compile(rb'r="([A-Za-z]{%d,}[0-9]*|[A-Za-z]*[0-9]{%d,})' % (letters, digits))


def _refuse_far_reference(pattern: re.Pattern[bytes], window: bytes, limits: ExcelLimits) -> None:
    for found in pattern.finditer(window):
        if found.start() == 0 or window[found.start() - 1] not in b" \t\r\n":
            continue
        ref = found.group(1).decode("ascii")
        letters = ref.rstrip("0123456789")
        digits = ref[len(letters) :]
        shown = ref if len(ref) <= 12 else ref[:12] + "…"
        # Length first: int() refuses very long digit strings, and a long number is too far anyway.
        if len(digits) > len(str(limits.max_rows)) or int(digits or 0) > limits.max_rows:
            raise _reject(
                "too_many_rows",
                f"工作表行数超过上限{limits.max_rows}行（单元格{shown}）",
                f"the sheet has more than {limits.max_rows} rows (cell {shown})",
            )
        if letters and (len(letters) > 3 or column_index(letters.upper()) >= limits.max_columns):
            raise _reject(
                "too_many_columns",
                f"工作表列数过多（单元格{shown}），上限为{limits.max_columns}列",
                f"the sheet has too many columns (cell {shown}); the limit is {limits.max_columns}",
            )


def _raw_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of a member, located through its local header."""
    fp = archive.fp
    if fp is None:  # pragma: no cover - the archive is open
        raise zipfile.BadZipFile("archive closed")
    fp.seek(info.header_offset)
    header = fp.read(30)
    if len(header) != 30 or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    local_name = fp.read(name_length)
    encoding = "utf-8" if info.flag_bits & 0x800 else "cp437"
    if local_name != info.orig_filename.encode(encoding, errors="replace"):
        # The directory and the part's own header name different files: readers that go by one or
        # the other would see different workbooks (the fuzzer's `xL/_rels/…` against `xl/_rels/…`).
        name = info.filename
        raise _reject(
            "corrupt",
            f"工作簿已损坏：内部文件{name}的名称与其文件头中的名称不一致",
            f"the workbook is damaged: part {name} is named differently in its own header",
        )
    fp.seek(info.header_offset + 30 + name_length + extra_length)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile("truncated member")
    return raw


def _check_entry_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    unsafe = name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")
    is_symlink = (info.external_attr >> 16) & 0o170000 == 0o120000
    if unsafe or is_symlink or "\x00" in name:
        raise _reject(
            "unsafe_entry",
            "工作簿内部含有不安全的路径，已拒绝",
            f"the workbook contains an unsafe part name ({name!r}) and is refused",
        )


# --------------------------------------------------------------------------- reading cells


_KIND_BY_TYPE: dict[type, CellKind] = {
    str: CellKind.TEXT,
    float: CellKind.FLOAT,
    int: CellKind.INT,
    bool: CellKind.BOOL,
    dt.date: CellKind.DATE,
    dt.datetime: CellKind.DATE,
}


def _classify(value: object) -> Cell:
    # Order matters: bool is an int subclass, datetime is a date subclass.
    if value is None or value == "":
        return EMPTY_CELL
    if isinstance(value, str):
        return Cell(value, CellKind.TEXT)
    if isinstance(value, bool):
        return Cell(value, CellKind.BOOL)
    if isinstance(value, int):
        return Cell(value, CellKind.INT)
    if isinstance(value, float):
        if value.is_integer():
            return Cell(int(value), CellKind.INT)
        return Cell(value, CellKind.FLOAT)
    if isinstance(value, dt.date):
        return Cell(value, CellKind.DATE)
    if isinstance(value, dt.time | dt.timedelta):
        return Cell(value, CellKind.TIME)
    return Cell(str(value), CellKind.TEXT)


def read_rows(
    data: bytes,
    limits: ExcelLimits = ExcelLimits(),
    *,
    sheet_index: int = 0,
) -> tuple[str, list[SheetRow]]:
    """Check the archive, then read one sheet's non-empty rows with 1-based Excel row numbers (cells from column A)."""
    check_archive(data, limits)
    try:
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            if sheet_index >= len(workbook.sheet_names):
                raise _reject("no_sheet", "工作簿中没有工作表", "the workbook has no worksheet")
            sheet = workbook.get_sheet_by_index(sheet_index)
            if sheet.total_width > limits.max_columns:
                raise _reject(
                    "too_many_columns",
                    f"工作表列数过多（{sheet.total_width}列），上限为{limits.max_columns}列",
                    f"the sheet has too many columns ({sheet.total_width}); the limit is {limits.max_columns}",
                )
            # skip_empty_area=False keeps absolute positions, so list index + 1 is the Excel row.
            grid = sheet.to_python(skip_empty_area=False, nrows=limits.max_rows + 1)
            name = sheet.name
    except (CalamineError, ValueError) as exc:
        raise _reject(
            "unreadable", "无法读取工作簿内容", f"the workbook cannot be read ({type(exc).__name__})"
        ) from exc
    if len(grid) > limits.max_rows:
        raise _reject(
            "too_many_rows",
            f"工作表行数超过上限{limits.max_rows}行",
            f"the sheet has more than {limits.max_rows} rows",
        )
    rows: list[SheetRow] = []
    for index, raw in enumerate(grid):
        if raw.count("") != len(raw):  # C-speed test for a non-empty row
            rows.append(SheetRow(index + 1, tuple(raw)))
    return name, rows


# --------------------------------------------------------------------------- formula detection


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
    except (*_ZIP_READ_ERRORS, SafeET.ParseError, KeyError) as exc:
        # KeyError: a part the workbook needs (its relationships) is missing.
        raise _reject("unreadable", "无法读取工作簿内容", "the workbook cannot be read") from exc


def _has_formula_tag(stream: IO[bytes]) -> bool:
    tail = b""
    while chunk := stream.read(_SCAN_CHUNK):
        window = tail + chunk
        if any(tag.search(window) for tag in _FORMULA_TAGS):
            return True
        tail = window[-64:]  # a tag split across two chunks is still seen
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
        raise _reject("no_sheet", "工作簿中没有工作表", "the workbook has no worksheet")
    rel_id = sheets[sheet_index].get(f"{{{_REL_NS}}}id")
    rels = SafeET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.findall(f"{{{_PKG_REL_NS}}}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            if path in archive.namelist():
                return path
    raise _reject("unreadable", "无法定位工作表", "the worksheet part cannot be found")


# --------------------------------------------------------------------------- headers


def normalise_header(text: str) -> str:
    """Fold the usual header variants together: full-width forms, case, spaces, _ and -, a trailing * or (必填)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"\((必填|选填|required|optional)\)$", "", folded.strip())
    return re.sub(r"[\s_\-*:：]+", "", folded)


def map_header(
    header: SheetRow,
    aliases: Mapping[str, Iterable[str]],
    required: Collection[str] = (),
) -> HeaderMap:
    """Map a header row to canonical field names by their aliases; raise `InvalidInput` listing every problem."""
    lookup: dict[str, str] = {}
    for field, names in aliases.items():
        for name in (field, *names):
            lookup[normalise_header(name)] = field
    columns: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[Reason] = []
    for index, cell in enumerate(header.cells):
        if cell.kind is CellKind.EMPTY:
            continue
        text = str(cell.value)
        found = lookup.get(normalise_header(text))
        if found is None:
            ignored.append(text)
        elif found in columns:
            problems.append(
                Reason(
                    "excel.duplicate_header",
                    f"表头“{text}”与第{column_letter(columns[found])}列重复",
                    f"header {text!r} repeats column {column_letter(columns[found])}",
                    field=found,
                    row=header.number,
                    column=column_letter(index),
                )
            )
        else:
            columns[found] = index
    for field in required:
        if field not in columns:
            names = "、".join(list(aliases.get(field, ()))[:3]) or field
            problems.append(
                Reason(
                    "excel.missing_header",
                    f"缺少必填列：{names}",
                    f"required column missing: {field} (accepted headers: {names})",
                    field=field,
                    row=header.number,
                )
            )
    if problems:
        raise InvalidInput(problems)
    return HeaderMap(row=header.number, columns=columns, ignored=tuple(ignored))


def read_table(
    data: bytes,
    aliases: Mapping[str, Iterable[str]],
    *,
    required: Collection[str] = (),
    no_formula_fields: Collection[str] = (),
    limits: ExcelLimits = ExcelLimits(),
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
        raise _reject("empty", "工作表为空", "the sheet is empty")
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


def cell_values(rows: Sequence[SheetRow], column: int) -> list[CellValue]:
    """The raw values of one column (handy in tests and previews)."""
    return [r.cell(column).value for r in rows]
