"""The file store decides a file's kind from its content and keeps each content once."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import Workbook

from xuehui import files
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput
from xuehui.tables import StoredFile

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
DOCUMENTS = files.Purpose("test.document", frozenset({files.PDF, files.PNG}), 1_000)


def _xlsx() -> bytes:
    out = io.BytesIO()
    Workbook().save(out)
    return out.getvalue()


def _zip(names: list[str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return out.getvalue()


@pytest.mark.pure
def test_sniff_reads_the_content_not_the_name() -> None:
    assert files.sniff(PDF_BYTES) == files.PDF
    assert files.sniff(PNG_BYTES) == files.PNG
    assert files.sniff(b"\xff\xd8\xff\xe0rest") == files.JPEG
    assert files.sniff(_xlsx()) == files.XLSX
    assert files.sniff(_zip(["[Content_Types].xml", "word/document.xml"])) == files.DOCX
    assert files.sniff(b"MZ\x90\x00 an exe") is None
    assert files.sniff(_zip(["evil.exe"])) is None
    assert files.sniff(b"PK\x03\x04 not really a zip") is None


@pytest.mark.pure
def test_check_refuses_other_kinds_empty_and_oversized_files_naming_the_field() -> None:
    assert files.check(PDF_BYTES, DOCUMENTS) == files.PDF
    with pytest.raises(InvalidInput) as caught:
        files.check(b"MZ\x90\x00", DOCUMENTS, field="proof")
    (reason,) = caught.value.reasons
    assert (reason.code, reason.field) == ("file.kind", "proof")
    assert reason.zh == "文件内容不是允许的类型（只接受PDF、PNG图片）"
    with pytest.raises(InvalidInput) as caught:
        files.check(b"", DOCUMENTS)
    assert caught.value.reasons[0].code == "file.empty"
    with pytest.raises(InvalidInput) as caught:
        files.check(PDF_BYTES + b"x" * 1_000, DOCUMENTS)
    assert caught.value.reasons[0].en == "the file is larger than the 0.001 MB limit"


async def test_store_keeps_each_content_once_and_loads_it_back() -> None:
    async with write_transaction():
        first = await files.store(PDF_BYTES, files.PDF)
        again = await files.store(PDF_BYTES, files.PDF)
        other = await files.store(PNG_BYTES, files.PNG)
    assert first == again != other
    assert await StoredFile.count() == 2
    assert await files.load(first) == (PDF_BYTES, files.PDF)
    assert await files.load("0" * 64) is None
