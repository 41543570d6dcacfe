"""The file store: every upload's bytes once, content-addressed by SHA-256, in the database so
that every app instance sees them (DESIGN.md "The file store").

What a file is comes from its content, never its name or the declared type: `sniff()` reads the
magic bytes, and `store()` refuses a file whose content is not one of the kinds its purpose
allows. The record that owns the file keeps the original name (for display only) and decides who
may open it; this module only keeps and returns bytes.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from io import BytesIO

from xuehui.clock import now
from xuehui.db import is_sqlite
from xuehui.errors import InvalidInput, Reason
from xuehui.tables import StoredFile

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

KIND_NAMES: dict[str, tuple[str, str]] = {
    PDF: ("PDF", "PDF"),
    JPEG: ("JPEG图片", "JPEG image"),
    PNG: ("PNG图片", "PNG image"),
    DOCX: ("Word文档（.docx）", "Word document (.docx)"),
    XLSX: ("Excel工作簿（.xlsx）", "Excel workbook (.xlsx)"),
}


@dataclass(frozen=True, slots=True)
class Purpose:
    """What an upload is for: the kinds of content it accepts and how large it may be."""

    code: str
    kinds: frozenset[str]
    max_bytes: int


def sniff(data: bytes) -> str | None:
    """The media type the content itself declares, or None for anything not on the allow-lists."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04"):
        return _office_type(data)
    return None


def _office_type(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if "word/document.xml" in names:
        return DOCX
    if "xl/workbook.xml" in names:
        return XLSX
    return None


def check(data: bytes, purpose: Purpose, field: str = "file") -> str:
    """The content's media type when `purpose` accepts it; otherwise a refusal naming the field."""
    if not data:
        raise InvalidInput(Reason("file.empty", "文件为空", "the file is empty", field))
    if len(data) > purpose.max_bytes:
        limit = f"{purpose.max_bytes / 1_000_000:g} MB"
        raise InvalidInput(
            Reason("file.too_large", f"文件超过{limit}的上限", f"the file is larger than the {limit} limit", field)
        )
    kind = sniff(data)
    if kind is None or kind not in purpose.kinds:
        allowed_zh = "、".join(KIND_NAMES[k][0] for k in sorted(purpose.kinds))
        allowed_en = ", ".join(KIND_NAMES[k][1] for k in sorted(purpose.kinds))
        raise InvalidInput(
            Reason(
                "file.kind",
                f"文件内容不是允许的类型（只接受{allowed_zh}）",
                f"the file's content is not an accepted kind (only {allowed_en})",
                field,
            )
        )
    return kind


async def store(data: bytes, media_type: str) -> str:
    """Keep the bytes once (by content) and return their SHA-256; call inside a write transaction."""
    sha = hashlib.sha256(data).hexdigest()
    if not await StoredFile.exists().where(StoredFile.sha256 == sha):
        query = StoredFile.insert(
            StoredFile(sha256=sha, media_type=media_type, size=len(data), content=data, created_at=now())
        )
        if not is_sqlite():
            # Two requests storing the same bytes at once both see no row on PostgreSQL; the second
            # insert must not fail the request (SQLite's write lock already serialises them).
            query = query.on_conflict(target=StoredFile.sha256, action="DO NOTHING")
        await query
    return sha


async def load(sha: str) -> tuple[bytes, str] | None:
    """The bytes and media type stored under `sha`, or None."""
    row = await StoredFile.select(StoredFile.content, StoredFile.media_type).where(StoredFile.sha256 == sha).first()
    return (bytes(row["content"]), row["media_type"]) if row else None


async def facts(shas: list[str]) -> dict[str, tuple[int, str]]:
    """The size and media type of each stored file in `shas` (a record's file list shows them)."""
    wanted = sorted({sha for sha in shas if sha})
    if not wanted:
        return {}
    rows = await StoredFile.select(StoredFile.sha256, StoredFile.size, StoredFile.media_type).where(
        StoredFile.sha256.is_in(wanted)
    )
    return {row["sha256"]: (int(row["size"]), row["media_type"]) for row in rows}
