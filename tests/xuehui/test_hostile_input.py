"""Hostile input through the real routes: forged and dangerous uploads, oversized bodies, exports
that must not run formulas, malformed JSON and forms, overlong fields, control characters and bad
identity numbers. Every refusal names what and where (Chinese by default, English with the
language cookie), and nothing is written: the row count of every table is the same afterwards.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import io
import re
import struct
import warnings
import zipfile
from typing import Any

from litestar import Litestar
from litestar.testing import AsyncTestClient
from openpyxl import Workbook, load_workbook
from piccolo.querystring import QueryString

from exams import services as exams
from exams.tables import Registration, Score
from nominations import services as nominations
from tests.exams.exam_support import PNG, exam_society, person, plan_in, registered, score_sheet
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import api, csrf, login, make_user
from tests.xuehui.forged_zip import directory_entry, rename_in_directory
from xuehui import idcard
from xuehui.clock import today
from xuehui.db import engine, is_sqlite
from xuehui.settings import get_settings
from xuehui.web import LANG_COOKIE

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"


# --------------------------------------------------------------------------- helpers


async def row_counts() -> dict[str, int]:
    """The number of rows of every table: equal before and after means nothing was written."""
    if is_sqlite():
        names = await engine().run_querystring(
            QueryString("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        )
        tables = [r["name"] for r in names]
    else:
        names = await engine().run_querystring(
            QueryString("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        )
        tables = [r["tablename"] for r in names]
    counts = {}
    for table in sorted(tables):
        rows = await engine().run_querystring(QueryString(f'SELECT COUNT(*) AS n FROM "{table}"'))  # noqa: S608
        counts[table] = int(rows[0]["n"])
    return counts


def listed_errors(page: str, field: str = "file") -> list[str]:
    """The texts of a page's error summary for one field."""
    found = re.findall(rf'<li data-field="{re.escape(field)}">(.*?)</li>', page, re.S)
    return [html.unescape(t).strip() for t in found]


def error_codes(page: str) -> list[str]:
    return re.findall(r'<li data-code="([^"]+)">', page)


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewrite(data: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info)))
        for name, body in (add or {}).items():
            dst.writestr(name, body)
    return out.getvalue()


def patch_member(data: bytes, name: str, *, file_size: int | None = None, crc: int | None = None) -> bytes:
    """Make the ZIP lie: change a member's declared size or CRC in its local header and the directory."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        local = archive.getinfo(name).header_offset
    for offset, size_at, crc_at in ((local, 22, 14), (directory_entry(buf, name), 24, 16)):
        if file_size is not None:
            struct.pack_into("<I", buf, offset + size_at, file_size)
        if crc is not None:
            struct.pack_into("<I", buf, offset + crc_at, crc)
    return bytes(buf)


def duplicate_member(data: bytes, name: str, body: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": the point of this file
            dst.writestr(name, body)
    return out.getvalue()


def member(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def _sheet_xml(body: bytes, prolog: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        + prolog
        + f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
        + b'<row r="1"><c r="A1" t="inlineStr"><is><t>'
        + body
        + b"</t></is></c></row></sheetData></worksheet>"
    )


LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i else "&lol;" * 10}">'.encode() for i in range(9)
    )
    + b"]>"
)
XXE = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'


def base_sheet() -> bytes:
    return score_sheet([["T0001", "", "考生1", "01", 80, "正常"] for _ in range(200)])


def hostile_files() -> dict[str, tuple[bytes, str, str, str]]:
    """name -> (bytes, code, Chinese text, English text) of every hostile upload."""
    good = base_sheet()
    sheet = member(good, SHEET)
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        real_size = archive.getinfo(SHEET).file_size
    damaged = (
        "工作簿已损坏：内部文件xl/worksheets/sheet1.xml的实际数据与声明的大小或校验和不符",
        "the workbook is damaged: part xl/worksheets/sheet1.xml does not match its declared size or checksum",
    )
    doctype = (
        "工作簿内部文件xl/worksheets/sheet1.xml含有DOCTYPE或实体声明，已拒绝",
        "part xl/worksheets/sheet1.xml of the workbook declares a DOCTYPE or entities and is refused",
    )
    not_xlsx = (
        "文件不是Excel工作簿（.xlsx）或设有打开密码，请用Excel另存为不加密的.xlsx格式后上传",
        "the file is not an Excel workbook (.xlsx) or is password-protected; "
        "save it as an unencrypted .xlsx and upload again",
    )
    xlsm_types = member(good, "[Content_Types].xml").replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
    return {
        # 20 MB of one letter deflates to about 20 KB.
        "zip bomb": (
            rewrite(good, replace={SHEET: _sheet_xml(b"A" * 20_000_000)}),
            "excel.compression_ratio",
            "工作簿压缩比异常（1019:1），疑似压缩炸弹",
            "the workbook's compression ratio is abnormal (1019:1), a likely zip bomb",
        ),
        "billion laughs": (rewrite(good, replace={SHEET: _sheet_xml(b"&lol8;", LAUGHS)}), "excel.doctype", *doctype),
        # A prefix scan of the first few KB would miss a DTD behind a long comment.
        "billion laughs behind a comment": (
            rewrite(good, replace={SHEET: _sheet_xml(b"&lol8;", b"<!--" + b" " * 9000 + b"-->" + LAUGHS)}),
            "excel.doctype",
            *doctype,
        ),
        "external entity": (rewrite(good, replace={SHEET: _sheet_xml(b"&xxe;", XXE)}), "excel.doctype", *doctype),
        "declared size smaller than the data": (
            patch_member(good, SHEET, file_size=real_size - 500),
            "excel.corrupt",
            *damaged,
        ),
        "declared size larger than the data": (
            patch_member(good, SHEET, file_size=real_size + 500),
            "excel.corrupt",
            *damaged,
        ),
        "CRC mismatch": (patch_member(good, SHEET, crc=0x1234_5678), "excel.corrupt", *damaged),
        "vbaProject.bin": (
            rewrite(good, add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 512}),
            "excel.macros",
            "工作簿含有宏或ActiveX控件，请另存为不含宏的.xlsx文件",
            "the workbook contains macros or ActiveX controls; save it as a macro-free .xlsx",
        ),
        ".xlsm content type": (
            rewrite(good, replace={"[Content_Types].xml": xlsm_types}),
            "excel.not_xlsx",
            "文件不是普通.xlsx工作簿（可能是.xlsm或模板），请另存为.xlsx",
            "the file is not a plain .xlsx workbook (perhaps .xlsm or a template); save it as .xlsx",
        ),
        "PNG": (PNG, "excel.not_xlsx", *not_xlsx),
        "CSV": ("准考证号,成绩\nT0001,80\n".encode(), "excel.not_xlsx", *not_xlsx),
        "empty": (b"", "excel.not_xlsx", *not_xlsx),
        "truncated": (
            good[: len(good) // 2],
            "excel.not_xlsx",
            "文件已损坏或不是.xlsx工作簿",
            "the file is damaged or not an .xlsx workbook",
        ),
        "unsafe part name": (
            rewrite(good, add={"../../evil.xml": b"<x/>"}),
            "excel.unsafe_entry",
            "工作簿内部含有不安全的路径，已拒绝",
            "the workbook contains an unsafe part name ('../../evil.xml') and is refused",
        ),
        "untouched sheet XML of the good file": (sheet, "excel.not_xlsx", *not_xlsx),
        # Found by the fuzzer: calamine read the sheet, the formula scan found no relationships.
        "a part named differently in its own header": (
            rename_in_directory(good, "xl/_rels/workbook.xml.rels", "xL/_rels/workbook.xml.rels"),
            "excel.corrupt",
            "工作簿已损坏：内部文件xL/_rels/workbook.xml.rels的名称与其文件头中的名称不一致",
            "the workbook is damaged: part xL/_rels/workbook.xml.rels is named differently in its own header",
        ),
        # One reader could take the first of two sheet1.xml, another the last (a formula-free decoy).
        "two parts of one name": (
            duplicate_member(good, SHEET, _sheet_xml(b"decoy")),
            "excel.duplicate_entry",
            "工作簿内部含有重名的部件，已拒绝",
            "the workbook holds two parts of the same name and is refused",
        ),
    }


HOSTILE = hostile_files()


async def exam_staff(client: AsyncTestClient[Any]) -> tuple[int, Any]:
    _society, examadmin = await exam_society()
    plan_id = await exams.create_plan(examadmin, plan_in())
    await login(client, examadmin.username)
    return plan_id, examadmin


async def upload(client: AsyncTestClient[Any], path: str, page: str, data: bytes, name: str = "scores.xlsx") -> Any:
    token = await csrf(client, page)
    return await client.post(
        path,
        data={"_csrf_token": token},
        files={"file": (name, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
        follow_redirects=False,
    )


# --------------------------------------------------------------------------- hostile uploads


async def test_every_hostile_score_upload_is_refused_at_once_naming_the_problem_and_nothing_is_stored(
    client: AsyncTestClient[Any],
) -> None:
    plan_id, _ = await exam_staff(client)
    before = await row_counts()
    page = f"/exams/{plan_id}"
    outcomes = {}
    for kind, (data, _code, _zh, _en) in HOSTILE.items():
        client.cookies.delete(LANG_COOKIE)
        zh = await upload(client, f"/exams/{plan_id}/scores", page, data)
        client.cookies.set(LANG_COOKIE, "en")
        en = await upload(client, f"/exams/{plan_id}/scores", page, data)
        assert "root:" not in zh.text + en.text
        outcomes[kind] = (zh.status_code, listed_errors(zh.text), en.status_code, listed_errors(en.text))
    assert outcomes == {kind: (422, [zh], 422, [en]) for kind, (_d, _c, zh, en) in HOSTILE.items()}
    assert await row_counts() == before


FEW = ["zip bomb", "billion laughs behind a comment", "declared size smaller than the data", "CRC mismatch"]
FEW += ["vbaProject.bin", "PNG", "CSV", "truncated"]


async def test_hostile_fee_lists_are_refused_and_nobody_is_marked_paid(client: AsyncTestClient[Any]) -> None:
    plan_id, examadmin = await exam_staff(client)
    await registered(plan_id, examadmin, 1, pay=False)
    before = await row_counts()
    outcomes = {}
    for kind in FEW:
        response = await upload(client, f"/exams/{plan_id}/fees", f"/exams/{plan_id}", HOSTILE[kind][0], "fees.xlsx")
        outcomes[kind] = (response.status_code, listed_errors(response.text))
    assert outcomes == {kind: (422, [HOSTILE[kind][2]]) for kind in FEW}
    assert await row_counts() == before
    assert [r["paid"] for r in await Registration.select(Registration.paid)] == [False]


async def test_hostile_expert_registries_are_refused_and_no_expert_is_added(client: AsyncTestClient[Any]) -> None:
    await make_user("root", "admin")
    await login(client, "root")
    before = await row_counts()
    outcomes = {}
    for kind in FEW:
        client.cookies.delete(LANG_COOKIE)
        zh = await upload(client, "/admin/experts/import", "/admin/experts", HOSTILE[kind][0], "experts.xlsx")
        client.cookies.set(LANG_COOKIE, "en")
        en = await upload(client, "/admin/experts/import", "/admin/experts", HOSTILE[kind][0], "experts.xlsx")
        outcomes[kind] = (zh.status_code, listed_errors(zh.text), en.status_code, listed_errors(en.text))
    assert outcomes == {kind: (422, [HOSTILE[kind][2]], 422, [HOSTILE[kind][3]]) for kind in FEW}
    assert await row_counts() == before


async def test_a_formula_in_the_score_column_is_named_by_row_and_column_and_no_score_is_stored(
    client: AsyncTestClient[Any],
) -> None:
    plan_id, examadmin = await exam_staff(client)
    _c, reg_id = await registered(plan_id, examadmin, 1)
    await exams.allocate_seats(examadmin, plan_id)
    reg = await exams.get_registration(examadmin, reg_id)
    # A forged cached value (100) behind a formula that computes 0: the formula is refused, not read.
    data = score_sheet(
        [
            [reg["ticket_no"], reg["id_number"], "考生1", "01", "=A2*0", "正常"],
            [reg["ticket_no"], reg["id_number"], "考生1", "02", '=HYPERLINK("http://x","y")', "正常"],
        ]
    )
    cached = member(data, SHEET).replace(b"<f>A2*0</f><v></v>", b"<f>A2*0</f><v>100</v>")
    data = rewrite(data, replace={SHEET: cached})
    response = await upload(client, f"/exams/{plan_id}/scores", f"/exams/{plan_id}", data)
    assert response.status_code == 303
    page = await client.get(response.headers["location"])
    for _ in range(400):  # the preview page reloads itself until the validation job is done
        if "refresh" not in page.headers:
            break
        await asyncio.sleep(0.05)
        page = await client.get(response.headers["location"])
    assert 'data-state="invalid"' in page.text
    assert re.findall(r"<td>(\d+)</td><td>([A-Z]+)</td><td>([^<]*)</td>", page.text) == [
        ("2", "E", "该单元格是公式，请粘贴为数值后重新上传"),
        ("3", "E", "该单元格是公式，请粘贴为数值后重新上传"),
    ]
    assert await Score.count() == 0


# --------------------------------------------------------------------------- oversized bodies


async def test_an_upload_over_the_limit_with_a_content_length_is_refused_with_413(client: AsyncTestClient[Any]) -> None:
    plan_id, _ = await exam_staff(client)
    before = await row_counts()
    limit = get_settings().max_upload_bytes
    response = await upload(client, f"/exams/{plan_id}/scores", f"/exams/{plan_id}", b"PK\x03\x04" + b"\0" * limit)
    assert (response.status_code, error_codes(response.text)) == (413, ["too_large"])
    assert "上传内容过大" in response.text
    assert await row_counts() == before


async def test_a_form_over_the_request_limit_is_refused_with_413_in_english_too(client: AsyncTestClient[Any]) -> None:
    """R-AU4: a 1 MB password is refused before anything hashes it."""
    await make_user("alice", "admin")
    token = await csrf(client, "/login")
    client.cookies.set(LANG_COOKIE, "en")
    response = await client.post(
        "/login",
        data={"username": "alice", "password": "x" * 1_100_000, "_csrf_token": token},
        follow_redirects=False,
    )
    assert (response.status_code, error_codes(response.text)) == (413, ["too_large"])
    assert "the upload is too large" in response.text


async def _raw_asgi_post(
    app: Litestar, path: str, headers: list[tuple[bytes, bytes]], chunks: int, chunk_size: int
) -> tuple[int, bytes, int]:
    """POST a chunked body (no Content-Length) straight to the ASGI app; return status, body and
    how many chunks the app pulled before answering."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks:
            return {"type": "http.disconnect"}
        pulled += 1
        body = b'--b\r\nContent-Disposition: form-data; name="file"; filename="a.xlsx"\r\n\r\n' if pulled == 1 else b""
        return {"type": "http.request", "body": body + b"A" * chunk_size, "more_body": pulled < chunks}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), (b"transfer-encoding", b"chunked"), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, pulled


async def test_a_chunked_upload_without_content_length_is_cut_off_at_the_limit(
    app: Litestar, client: AsyncTestClient[Any]
) -> None:
    plan_id, _ = await exam_staff(client)
    token = await csrf(client, f"/exams/{plan_id}")
    cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    before = await row_counts()
    chunk = 1_000_000
    total_chunks = get_settings().max_upload_bytes // chunk * 3
    status, body, pulled = await _raw_asgi_post(
        app,
        f"/exams/{plan_id}/scores",
        [
            (b"cookie", cookie.encode()),
            (b"x-csrf-token", token.encode()),
            (b"content-type", b"multipart/form-data; boundary=b"),
        ],
        total_chunks,
        chunk,
    )
    assert (status, error_codes(body.decode())) == (413, ["too_large"])
    # The app stopped reading at the chunk that crossed the limit (the first one also carries the
    # part header), not at the end of the 60 MB stream.
    assert pulled == get_settings().max_upload_bytes // chunk
    assert await row_counts() == before


# --------------------------------------------------------------------------- exports


DANGEROUS = ['=HYPERLINK("http://x","y")', "+8613800000000", "-1+2", "@SUM(1,2)"]


def reopened(content: bytes) -> list[list[Any]]:
    """Every cell of the first sheet as (value, data_type), after checking the XML holds no formula."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert all(b"<f>" not in archive.read(n) and b"<f " not in archive.read(n) for n in sheets)
    sheet = load_workbook(io.BytesIO(content)).active
    assert sheet is not None
    return [[(c.value, c.data_type) for c in row] for row in sheet.iter_rows()]


async def test_registration_export_keeps_formula_like_names_and_employers_as_text(client: AsyncTestClient[Any]) -> None:
    plan_id, _examadmin = await exam_staff(client)
    for n, text in enumerate(DANGEROUS):
        candidate = await make_user(f"cand{n}", "candidate")
        data = person(n).model_copy(update={"name": text[:50], "employer": text})
        await exams.register(candidate, plan_id, data, PNG)
    # Values that came in before the input rules existed (a tab or CR in front) are neutralised too.
    await Registration.update({Registration.employer: "\t=1+1"}).where(Registration.name == DANGEROUS[0][:50])
    await Registration.update({Registration.employer: "\r=1+1"}).where(Registration.name == DANGEROUS[1])
    response = await client.get(f"/exams/{plan_id}/registrations.xlsx")
    assert response.status_code == 200
    cells = reopened(response.content)
    names = [row[0] for row in cells[1:]]
    employers = [row[2] for row in cells[1:]]
    assert names == [("'" + t[:50], "s") for t in DANGEROUS]
    # (An XML parser reads a CR in text back as LF: the apostrophe is what matters.)
    assert employers == [("'\t=1+1", "s"), ("'\n=1+1", "s"), ("'-1+2", "s"), ("'@SUM(1,2)", "s")]


async def test_nomination_and_society_exports_keep_formula_like_titles_as_text(client: AsyncTestClient[Any]) -> None:
    cycle_id, admin, nominator, _society_id = await nominating_society()
    for n, text in enumerate(DANGEROUS):
        await nominations.create_nomination(nominator, cycle_id, demo_nomination(text, 2, start=n * 3))
    await login(client, nominator.username)
    response = await client.get("/nominations.xlsx")
    titles = sorted(row[1] for row in reopened(response.content)[1:])
    assert titles == sorted(("'" + t, "s") for t in DANGEROUS)
    await login(other := client, admin.username)
    created = await api(other, "POST", "/api/societies", {"code": "EVIL", "name_zh": "=1+1", "name_en": "@cmd"})
    assert created.status_code == 201, created.text
    cells = reopened((await other.get("/admin/societies.xlsx")).content)
    assert [row[1:3] for row in cells if row[0][0] == "EVIL"] == [[("'=1+1", "s"), ("'@cmd", "s")]]


async def test_an_export_of_legacy_text_with_control_characters_does_not_fail(client: AsyncTestClient[Any]) -> None:
    plan_id, _examadmin = await exam_staff(client)
    candidate = await make_user("cand", "candidate")
    await exams.register(candidate, plan_id, person(1), PNG)
    await Registration.update({Registration.employer: "A\x01B\x1b[31mC\x07"}, force=True)
    response = await client.get(f"/exams/{plan_id}/registrations.xlsx")
    assert response.status_code == 200
    assert reopened(response.content)[1][2] == ("A\ufffdB\ufffd[31mC\ufffd", "s")


# --------------------------------------------------------------------------- text fields

# text -> (code, Chinese reason) for a one-line field
BAD_LINES = {
    "张\x01三": ("text.control_character", "含有不允许的控制字符（U+0001）（此处只能填写一行），请删除后重试"),
    "张\x1b[31m三": ("text.control_character", "含有不允许的控制字符（U+001B）（此处只能填写一行），请删除后重试"),
    "张三\u202egpj.exe": ("text.bidi_control", "含有不允许的文字方向控制字符（U+202E），请删除后重试"),
    "张\u2066三": ("text.bidi_control", "含有不允许的文字方向控制字符（U+2066），请删除后重试"),
    "张\n三": ("text.control_character", "含有不允许的控制字符（U+000A）（此处只能填写一行），请删除后重试"),
    "张\t三": ("text.control_character", "含有不允许的控制字符（U+0009）（此处只能填写一行），请删除后重试"),
    "张\u2028三": ("text.control_character", "含有换行符（U+2028）（此处只能填写一行），请删除后重试"),
    "张\x85三": ("text.control_character", "含有不允许的控制字符（U+0085）（此处只能填写一行），请删除后重试"),
}
# text -> code for a multi-line field: newline, CR and tab are fine, other controls are not
BAD_FREE_TEXT = {
    "第一行\x07": "text.control_character",
    "第一行\n\x1b[2J": "text.control_character",
    "第一行\u202e": "text.bidi_control",
    "\x7f": "text.control_character",
    "第一行\x9b31m": "text.control_character",
}
GOOD_FREE_TEXT = "第一行\r\n\t第二行\n第三行"


def api_errors(response: Any) -> list[tuple[str, str | None, str]]:
    return [(e["code"], e.get("field"), e["message"]) for e in response.json()["errors"]]


async def send_json(client: AsyncTestClient[Any], method: str, path: str, body: bytes) -> Any:
    token = await csrf(client, "/")
    return await client.request(
        method, path, content=body, headers={"x-csrf-token": token, "content-type": "application/json"}
    )


MALFORMED_JSON = [b"{bad", b"", b"[1, 2]", b'{"code": 5}', b"\xff\xfe{}", b'{"code": "X", "name_zh": "a", "extra": 1}']


async def test_malformed_json_to_the_api_is_refused_with_400_and_writes_nothing(client: AsyncTestClient[Any]) -> None:
    await make_user("root", "admin")
    await login(client, "root")
    before = await row_counts()
    statuses = {}
    for path in ("/api/societies", "/api/users", "/api/experts"):
        for body in MALFORMED_JSON:
            response = await send_json(client, "POST", path, body)
            statuses[(path, body)] = (response.status_code, bool(response.json()["errors"]))
    assert statuses == dict.fromkeys(statuses, (400, True))
    assert await row_counts() == before
    fields = await send_json(client, "POST", "/api/societies", b'{"code": 5}')
    assert [f for _c, f, _m in api_errors(fields)] == ["code", "name_zh"]


async def test_names_with_control_characters_are_refused_by_field_on_accounts_and_societies_api(
    client: AsyncTestClient[Any],
) -> None:
    await make_user("root", "admin")
    await login(client, "root")
    before = await row_counts()
    outcomes = {}
    for n, (text, _reason) in enumerate(BAD_LINES.items()):
        user = {"username": f"u{n}", "display_name": text, "role": "admin", "password": "long-enough-pass-1"}
        society = {"code": f"S{n}", "name_zh": text}
        outcomes[text] = (
            api_errors(await api(client, "POST", "/api/users", user)),
            api_errors(await api(client, "POST", "/api/societies", society)),
        )
    assert outcomes == {
        text: ([(code, "display_name", zh)], [(code, "name_zh", zh)]) for text, (code, zh) in BAD_LINES.items()
    }
    too_long = await api(client, "POST", "/api/societies", {"code": "LONG", "name_zh": "学" * 101})
    assert (too_long.status_code, [f for _c, f, _m in api_errors(too_long)]) == (400, ["name_zh"])
    client.cookies.set(LANG_COOKIE, "en")
    english = await api(client, "POST", "/api/societies", {"code": "EN", "name_zh": "学\x1b会"})
    assert api_errors(english) == [
        (
            "text.control_character",
            "name_zh",
            "contains a control character (U+001B) that is not allowed (this field is one line); remove it",
        )
    ]
    assert await row_counts() == before


async def test_a_nul_character_anywhere_in_a_json_body_is_refused_naming_the_field(
    client: AsyncTestClient[Any],
) -> None:
    """PostgreSQL cannot store NUL; the request models refuse it as a malformed request (400)."""
    await make_user("root", "admin")
    await login(client, "root")
    before = await row_counts()
    society = await api(client, "POST", "/api/societies", {"code": "N1", "name_zh": "学\x00会"})
    user = await api(
        client, "POST", "/api/users", {"username": "n", "display_name": "\x00", "role": "admin", "password": "x" * 20}
    )
    assert [(society.status_code, [(c, f) for c, f, _m in api_errors(society)])] == [(400, [("invalid", "name_zh")])]
    assert [(user.status_code, [(c, f) for c, f, _m in api_errors(user)])] == [(400, [("invalid", "display_name")])]
    assert await row_counts() == before


async def test_free_text_keeps_lines_and_tabs_but_refuses_other_control_characters(
    client: AsyncTestClient[Any],
) -> None:
    from societies import services as societies
    from societies.schemas import PilotIn
    from societies.tables import PilotProject
    from tests.support import make_society

    society_id = await make_society()
    admin = await make_user("root", "admin")
    staff = await make_user("staff", "society", society_id)
    project = await societies.create_pilot(
        admin, PilotIn(society_id=society_id, title="承接试点", function_type="award_nomination")
    )
    await PilotProject.update({PilotProject.status: "implementing"}).where(PilotProject.id == project)
    await login(client, staff.username)
    before = await row_counts()
    outcomes = {}
    for text in BAD_FREE_TEXT:
        report = {"period": "2026年第一季度", "title": "进展", "body": text}
        response = await api(client, "POST", f"/api/pilots/{project}/reports", report)
        outcomes[text] = (response.status_code, [(c, f) for c, f, _m in api_errors(response)])
    assert outcomes == {text: (422, [(code, "body")]) for text, code in BAD_FREE_TEXT.items()}
    assert await row_counts() == before
    good = await api(
        client, "POST", f"/api/pilots/{project}/reports", {"period": "Q1", "title": "进展", "body": GOOD_FREE_TEXT}
    )
    assert good.status_code == 201, good.text
    assert [r["body"] for r in good.json()] == [GOOD_FREE_TEXT]


async def test_a_nomination_names_the_nested_field_of_a_bad_character(client: AsyncTestClient[Any]) -> None:
    _cycle_id, _admin, nominator, _society = await nominating_society()
    await login(client, nominator.username)
    before = await row_counts()
    good = demo_nomination("精密机床", 2).model_dump(mode="json")
    cases = {
        "title": {**good, "title": "精密\u202e机床"},
        "body.contributors.1.name": {
            **good,
            "body": {**good["body"], "contributors": [good["body"]["contributors"][0], {"name": "王\x1b芳"}]},
        },
        "body.summary": {**good, "body": {**good["body"], "summary": "概述\n\x1b[31m"}},
        "body.papers.0.authors.0": {
            **good,
            "body": {**good["body"], "papers": [{**good["body"]["papers"][0], "authors": ["张\n伟"]}]},
        },
    }
    outcomes = {}
    for field, body in cases.items():
        response = await api(client, "POST", "/api/nominations", body)
        outcomes[field] = (response.status_code, [f for _c, f, _m in api_errors(response)])
    assert outcomes == {field: (422, [field]) for field in cases}
    assert await row_counts() == before
    multi_line = {**good, "body": {**good["body"], "summary": GOOD_FREE_TEXT}}
    created = await api(client, "POST", "/api/nominations", multi_line)
    assert (created.status_code, created.json()["body"]["summary"]) == (201, GOOD_FREE_TEXT)


def _id_numbers() -> dict[str, tuple[str, str]]:
    """A bad identity number -> (code, Chinese reason)."""
    good = idcard.make("320102", dt.date(1990, 5, 17), 3, "male")
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    future = idcard.make("320102", dt.date(today().year + 5, 1, 1), 3, "male")
    no_date = "32010219900230" + "0031"
    no_date = no_date[:17] + idcard.check_character(no_date[:17])
    return {
        wrong_check: ("idcard.check_digit", "身份证号码校验位不正确"),
        no_date: ("idcard.birth_date", "身份证号码中的出生日期不存在"),
        future: ("idcard.birth_date", "身份证号码中的出生日期晚于今天"),
        good[:-1]: ("idcard.length", "身份证号码应为18位，实际为17位"),
        good + "1": ("idcard.length", "身份证号码应为18位，实际为19位"),
        "٣" * 18: ("idcard.characters", "身份证号码前17位应为数字，最后一位为数字或X"),
        good[:10] + "AB" + good[12:]: ("idcard.characters", "身份证号码前17位应为数字，最后一位为数字或X"),
    }


BAD_IDS = _id_numbers()


async def test_bad_identity_numbers_are_refused_on_the_exam_api_and_page_and_nothing_is_written(
    client: AsyncTestClient[Any],
) -> None:
    _society, examadmin = await exam_society()
    plan_id = await exams.create_plan(examadmin, plan_in())
    await make_user("cand", "candidate")
    await login(client, "cand")
    before = await row_counts()
    api_outcomes, page_outcomes = {}, {}
    for number, _expected in BAD_IDS.items():
        body = person(1).model_dump(mode="json") | {"id_number": number}
        response = await api(client, "POST", f"/api/exams/plans/{plan_id}/register", body)
        api_outcomes[number] = (response.status_code, [(c, f, m) for c, f, m in api_errors(response) if f != "photo"])
        form = {k: v for k, v in body.items() if k not in ("subjects", "related_major", "commitment_signed")}
        form |= {"subjects": ["01", "02"], "commitment_signed": "1", "_csrf_token": await csrf(client, "/candidate")}
        page = await client.post(
            f"/candidate/plans/{plan_id}/register",
            data={k: "" if v is None else v for k, v in form.items()},
            files={"photo": ("me.png", PNG, "image/png")},
            follow_redirects=False,
        )
        page_outcomes[number] = (page.status_code, listed_errors(page.text, "id_number"))
    assert api_outcomes == {n: (422, [(code, "id_number", zh)]) for n, (code, zh) in BAD_IDS.items()}
    assert page_outcomes == {n: (422, [zh]) for n, (_code, zh) in BAD_IDS.items()}
    assert await row_counts() == before
    # Full-width digits, as a Chinese input method types them, are the same number.
    good = person(1).id_number
    wide = "".join(chr(ord(c) + 0xFEE0) for c in good)
    accepted = await exams.register(
        await make_user("wide", "candidate"), plan_id, person(1).model_copy(update={"id_number": wide}), PNG
    )
    assert [r["id_number"] for r in await Registration.select(Registration.id_number)] == [good]
    del accepted


async def test_page_forms_refuse_control_characters_by_field_and_write_nothing(
    client: AsyncTestClient[Any], other_client: AsyncTestClient[Any]
) -> None:
    await make_user("root", "admin")
    await login(client, "root")
    before = await row_counts()
    society = await client.post(
        "/admin/societies",
        data={"code": "X1", "name_zh": "学会\x1b[0m", "_csrf_token": await csrf(client, "/admin/societies")},
        follow_redirects=False,
    )
    user = await client.post(
        "/admin/users",
        data={
            "username": "bob",
            "display_name": "Bob\u202e",
            "role": "admin",
            "password": "long-enough-pass-1",
            "_csrf_token": await csrf(client, "/admin/users"),
        },
        follow_redirects=False,
    )
    garbage = await client.post(
        "/admin/societies",
        content=b"%%%&&&=\xff",
        headers={"x-csrf-token": await csrf(client, "/"), "content-type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert (society.status_code, listed_errors(society.text, "name_zh")) == (422, [BAD_LINES["张\x1b[31m三"][1]])
    assert (user.status_code, listed_errors(user.text, "display_name")) == (422, [BAD_LINES["张三\u202egpj.exe"][1]])
    assert (garbage.status_code, listed_errors(garbage.text, "code")) == (422, ["请填写学会代码"])
    signup = await other_client.post(
        "/candidate/signup",
        data={
            "username": "zhang",
            "display_name": "张\x01三",
            "password": "long-enough-pass",
            "_csrf_token": await csrf(other_client, "/candidate/signup"),
        },
        follow_redirects=False,
    )
    assert (signup.status_code, listed_errors(signup.text, "display_name")) == (422, [BAD_LINES["张\x01三"][1]])
    assert await row_counts() == before
