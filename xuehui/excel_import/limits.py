"""Upload limits, the one refusal shape of the Excel reader, and the read-error set of a ZIP archive."""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass

from xuehui.errors import InvalidInput, Reason
from xuehui.settings import get_settings

SCAN_CHUNK = 1 << 20  # stream parts in 1 MiB pieces: bounded memory, few Python-level iterations
CHUNK_OVERLAP = 64  # bytes kept from the previous piece, so a tag or reference split across two is seen whole


@dataclass(frozen=True, slots=True)
class ExcelLimits:
    """Upload limits; the app passes its settings. Defaults fit a 100,000-row, 8-column score sheet
    with room to spare; an upload beyond any of them is refused before its XML is parsed."""

    max_file_bytes: int = 10_000_000
    max_entries: int = 100
    max_uncompressed_bytes: int = 100_000_000
    max_compression_ratio: float = 100.0
    max_rows: int = 200_000
    max_columns: int = 64


def upload_limits() -> ExcelLimits:
    """The limits the app's settings give an uploaded workbook (every importer uses these)."""
    settings = get_settings()
    return ExcelLimits(
        max_file_bytes=settings.max_upload_bytes, max_uncompressed_bytes=settings.max_upload_uncompressed_bytes
    )


def reject(code: str, zh: str, en: str, *, row: int | None = None, column: str | None = None) -> InvalidInput:
    return InvalidInput(Reason(f"excel.{code}", zh, en, field="file", row=row, column=column))


ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError, ValueError)
# RuntimeError: an encrypted member; NotImplementedError: an unsupported compression method.


DEFAULT_LIMITS = ExcelLimits()  # frozen: one shared instance serves as every function's default
