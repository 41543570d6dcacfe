"""What the list imports of this package share (official results, other channels' candidates):
the upload's kind, the rows read in the process pool, an empty list refused, and the previewed
file found again by its hash for the import."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from nominations.rules.list_rows import RawRow
from xuehui import files, jobs
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, NotFound, Reason
from xuehui.excel_import import CellKind, ExcelLimits, column_letter, date_in_code_cell, read_table, upload_limits
from xuehui.settings import get_settings

SHA_LENGTH = 64  # a stored file's SHA-256 in hex
T = TypeVar("T")


def workbook_upload(name: str) -> files.Purpose:
    return files.Purpose(name, frozenset({files.XLSX}), get_settings().max_upload_bytes)


def read_raw_rows(
    data: bytes, headers: Mapping[str, tuple[str, ...]], required: tuple[str, ...], limits: ExcelLimits
) -> tuple[str, list[RawRow], list[Reason]] | list[Reason]:
    """In the process pool: the sheet read, its rows as text and the problems of its cells (error
    cells, dates where text belongs), to be reported beside the rows' own; or the reasons the file
    is refused (returned, not raised: a refusal's reasons do not survive pickling as an exception)."""
    try:
        table = read_table(data, headers, required=required, limits=limits, keep_cell_problems=True)
    except InvalidInput as refused:
        return refused.reasons
    raws = []
    problems = list(table.problems)
    for row in table.rows:
        cells = {}
        for field, index in table.header.columns.items():
            kind = row.kind(index)
            value = "" if kind is CellKind.EMPTY else str(row.value(index))
            if kind is CellKind.DATE:  # every field of these lists is text: a date is Excel's doing
                header = table.header.texts.get(index, field)
                zh, en = date_in_code_cell(row.value(index), header, header)
                problems.append(Reason("excel.date_cell", zh, en, field, row.number, column_letter(index)))
            cells[field] = (value, column_letter(index))
        raws.append(RawRow(row.number, cells))
    return table.sheet_name, raws, problems


@dataclass(frozen=True)  # no slots: a generic dataclass with slots breaks Generic's own super() calls
class WorkbookList(Generic[T]):
    """One kind of list: its headers (with their variants), the ones it needs, the refusal of a
    file without rows, and the parse of its rows."""

    headers: Mapping[str, tuple[str, ...]]
    required: tuple[str, ...]
    empty: Reason
    parse: Callable[[list[RawRow]], tuple[list[T], list[Reason]]]


async def read_list(data: bytes, kind: WorkbookList[T]) -> tuple[str, list[T]]:
    """The sheet read and its rows parsed, or every problem of the file, nothing written."""
    read = await jobs.run_in_process(read_raw_rows, data, kind.headers, kind.required, upload_limits())
    if isinstance(read, list):
        raise InvalidInput(read)
    sheet, raws, cell_problems = read
    if not raws:
        raise InvalidInput(kind.empty)
    rows, problems = kind.parse(raws)
    flagged = {(p.row, p.column) for p in cell_problems}  # a bad cell is reported once, beside the rest
    problems = [*cell_problems, *(p for p in problems if (p.row, p.column) not in flagged)]
    if problems:
        raise InvalidInput(sorted(problems, key=lambda p: (p.row or 0, p.column or "")))
    return sheet, rows


async def keep_for_import(
    data: bytes, upload: str, preview: Callable[[bytes, str], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """A new upload's preview, after which the file is kept (by `sha`) for its import: a file
    that is refused is never stored."""
    kind = files.check(data, workbook_upload(upload))
    previewed = await preview(data, "")
    async with write_transaction():
        sha = await files.store(data, kind)
    return {**previewed, "sha": sha}


async def previewed_file(sha: str, code: str) -> bytes:
    """The file a preview kept, for its import; gone or never uploaded: upload it again."""
    stored = await files.load(sha) if len(sha) == SHA_LENGTH else None
    if stored is None:
        raise NotFound(Reason(code, "请重新上传文件后预览", "upload the file again and preview it", "file"))
    return stored[0]
