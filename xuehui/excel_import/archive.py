"""Archive checks: everything that needs only the ZIP directory and a streamed pass over each part.

Uploads come from outside, so the archive is inspected *before* any XML is parsed (size, entry
count, declared uncompressed size, compression ratio, path names, macro parts, DOCTYPE, cell
references beyond the limits), because neither calamine nor openpyxl limits decompressed size:
a 204 KB bomb grew to 610 MiB in calamine (``shared/reference/exam_domain.md`` §3).
"""

from __future__ import annotations

import functools
import io
import re
import stat
import struct
import zipfile
import zlib

from xuehui.excel_import.cells import column_index, column_letter
from xuehui.excel_import.limits import CHUNK_OVERLAP, DEFAULT_LIMITS, SCAN_CHUNK, ZIP_READ_ERRORS, ExcelLimits, reject

_XLSX_MAIN_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml", "activex", "macrosheets")
_RATIO_MEMBER_FLOOR = 1 << 20  # per-part compression ratios are judged above 1 MiB, where they mean something
_ENCRYPTED_FLAG = 0x1  # ZIP general-purpose bit 0: the member is encrypted
_UTF8_NAME_FLAG = 0x800  # ZIP general-purpose bit 11: the name is UTF-8 (else code page 437)
_LOCAL_HEADER_SIZE = 30  # fixed part of a ZIP local file header, before its name and extra field
_NAME_LENGTHS_AT = 26  # where the header's name and extra-field lengths (two uint16) begin
_MAX_COLUMN_LETTERS = 3  # Excel's last column is XFD
_SHOWN_REFERENCE = 12  # characters of a forged cell reference quoted in the refusal


def check_archive(data: bytes, limits: ExcelLimits = DEFAULT_LIMITS) -> None:
    """Every check that needs only the ZIP directory and the first bytes of XML parts; raise `InvalidInput`."""
    if len(data) > limits.max_file_bytes:
        raise reject(
            "too_large",
            f"文件过大（{len(data)}字节），上限为{limits.max_file_bytes}字节",
            f"the file is too large ({len(data)} bytes); the limit is {limits.max_file_bytes} bytes",
        )
    if not data.startswith(b"PK\x03\x04"):
        raise reject(
            "not_xlsx",
            "文件不是Excel工作簿（.xlsx）或设有打开密码，请用Excel另存为不加密的.xlsx格式后上传",
            "the file is not an Excel workbook (.xlsx) or is password-protected; "
            "save it as an unencrypted .xlsx and upload again",
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_members(archive, limits)
    except ZIP_READ_ERRORS as exc:
        raise reject("not_xlsx", "文件已损坏或不是.xlsx工作簿", "the file is damaged or not an .xlsx workbook") from exc


def _check_members(archive: zipfile.ZipFile, limits: ExcelLimits) -> None:
    infos = archive.infolist()
    if len(infos) > limits.max_entries:
        raise reject(
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
        raise reject(
            "duplicate_entry",
            "工作簿内部含有重名的部件，已拒绝",
            "the workbook holds two parts of the same name and is refused",
        )
    uncompressed = sum(i.file_size for i in infos)
    compressed = sum(i.compress_size for i in infos) or 1
    if uncompressed > limits.max_uncompressed_bytes:
        raise reject(
            "too_large_uncompressed",
            f"工作簿解压后过大（{uncompressed}字节），上限为{limits.max_uncompressed_bytes}字节",
            f"the workbook is too large once decompressed ({uncompressed} bytes); "
            f"the limit is {limits.max_uncompressed_bytes} bytes",
        )
    ratio = uncompressed / compressed
    # Per member too (above 1 MiB, where ratios mean something): a bomb padded with incompressible
    # parts would otherwise pass on the total alone.
    worst = max(
        (i.file_size / max(i.compress_size, 1) for i in infos if i.file_size > _RATIO_MEMBER_FLOOR), default=0.0
    )
    ratio = max(ratio, worst)
    if ratio > limits.max_compression_ratio:
        raise reject(
            "compression_ratio",
            f"工作簿压缩比异常（{ratio:.0f}:1），疑似压缩炸弹",
            f"the workbook's compression ratio is abnormal ({ratio:.0f}:1), a likely zip bomb",
        )
    names = {i.filename for i in infos}
    lowered = [n.lower() for n in names]
    if any(part in name for name in lowered for part in _MACRO_PARTS):
        raise reject(
            "macros",
            "工作簿含有宏或ActiveX控件，请另存为不含宏的.xlsx文件",
            "the workbook contains macros or ActiveX controls; save it as a macro-free .xlsx",
        )
    if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
        raise reject(
            "not_xlsx", "文件不是.xlsx工作簿（缺少必需部件）", "the file is not an .xlsx workbook (parts missing)"
        )
    content_types = archive.read("[Content_Types].xml")
    if _XLSX_MAIN_TYPE.encode() not in content_types:
        raise reject(
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
    if info.flag_bits & _ENCRYPTED_FLAG:
        raise reject(
            "encrypted", "工作簿内部文件已加密，请另存为不加密的.xlsx", "the workbook is encrypted; save it unencrypted"
        )
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise reject(
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
            chunk, pending = pending[:SCAN_CHUNK], pending[SCAN_CHUNK:]
        else:
            # At most one byte more than declared is ever produced: enough to see the lie.
            room = min(SCAN_CHUNK, info.file_size - produced + 1)
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
                raise reject(
                    "doctype",
                    f"工作簿内部文件{name}含有DOCTYPE或实体声明，已拒绝",
                    f"part {name} of the workbook declares a DOCTYPE or entities and is refused",
                )
            if far_reference is not None:
                _refuse_far_reference(far_reference, window, limits)
            tail = window[-CHUNK_OVERLAP:]  # a reference or tag split across two chunks is still seen whole
    finished = decompressor is None or (decompressor.eof and not decompressor.unused_data)
    if produced != info.file_size or not finished or crc != info.CRC:
        raise reject(
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
        shown = ref if len(ref) <= _SHOWN_REFERENCE else ref[:_SHOWN_REFERENCE] + "…"
        # Length first: int() refuses very long digit strings, and a long number is too far anyway.
        if len(digits) > len(str(limits.max_rows)) or int(digits or 0) > limits.max_rows:
            raise reject(
                "too_many_rows",
                f"工作表行数超过上限{limits.max_rows}行（单元格{shown}）",
                f"the sheet has more than {limits.max_rows} rows (cell {shown})",
            )
        if letters and (len(letters) > _MAX_COLUMN_LETTERS or column_index(letters.upper()) >= limits.max_columns):
            if digits and _formatting_only(window, found.start(), found.end()):
                continue
            raise reject(
                "too_many_columns",
                f"工作表列数过多（单元格{shown}），上限为{limits.max_columns}列",
                f"the sheet has too many columns (cell {shown}); the limit is {limits.max_columns}",
            )


def _formatting_only(window: bytes, start: int, after: int) -> bool:
    """Whether the cell whose reference spans `start:after` closes itself (`<c r="XFD2" s="3"/>`): a
    styled cell with no value, which tools leave far to the right of a formatted row and which
    calamine does not size the sheet by. A tag cut by the window's end is judged in the next
    window, which repeats the overlap; one cut before the overlap is refused."""
    end = window.find(b">", after)
    if end < 0:
        return start >= len(window) - CHUNK_OVERLAP
    return window[end - 1 : end] == b"/" and b"<" not in window[after:end]


def _raw_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of a member, located through its local header."""
    fp = archive.fp
    if fp is None:  # pragma: no cover - the archive is open
        raise zipfile.BadZipFile("archive closed")
    fp.seek(info.header_offset)
    header = fp.read(_LOCAL_HEADER_SIZE)
    if len(header) != _LOCAL_HEADER_SIZE or header[:4] != b"PK\x03\x04":
        raise zipfile.BadZipFile("bad local header")
    name_length, extra_length = struct.unpack("<HH", header[_NAME_LENGTHS_AT:_LOCAL_HEADER_SIZE])
    local_name = fp.read(name_length)
    encoding = "utf-8" if info.flag_bits & _UTF8_NAME_FLAG else "cp437"
    if local_name != info.orig_filename.encode(encoding, errors="replace"):
        # The directory and the part's own header name different files: readers that go by one or
        # the other would see different workbooks (the fuzzer's `xL/_rels/…` against `xl/_rels/…`).
        name = info.filename
        raise reject(
            "corrupt",
            f"工作簿已损坏：内部文件{name}的名称与其文件头中的名称不一致",
            f"the workbook is damaged: part {name} is named differently in its own header",
        )
    fp.seek(info.header_offset + _LOCAL_HEADER_SIZE + name_length + extra_length)
    raw = fp.read(info.compress_size)
    if len(raw) != info.compress_size:
        raise zipfile.BadZipFile("truncated member")
    return raw


def _check_entry_name(info: zipfile.ZipInfo) -> None:
    name = info.filename
    parts = name.replace("\\", "/").split("/")
    unsafe = name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")
    is_symlink = stat.S_ISLNK(info.external_attr >> 16)
    if unsafe or is_symlink or "\x00" in name:
        raise reject(
            "unsafe_entry",
            "工作簿内部含有不安全的路径，已拒绝",
            f"the workbook contains an unsafe part name ({name!r}) and is refused",
        )
