"""Download names: what a URL says never reaches `Content-Disposition`, a CR or LF never splits
the header, and Chinese names arrive whole (RFC 6266: an ASCII `filename` plus `filename*`)."""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote

from openpyxl import load_workbook

from exams import services as exams
from exams.tables import ExamRoom
from tests.exams.exam_support import exam_society, plan_in
from tests.support import initial_passwords_changed, login, make_user
from xuehui.downloads import ascii_filename, content_disposition, safe_filename

HOSTILE_KINDS = ('x";filename="evil.html', "signin\r\nSet-Cookie: taken=1", "../../etc/passwd", "door;inline")


def test_a_chinese_name_goes_out_whole_with_an_ascii_fallback() -> None:
    assert content_disposition("其他渠道候选人-2026.xlsx") == (
        "attachment; filename=\"2026.xlsx\"; filename*=UTF-8''"
        "%E5%85%B6%E4%BB%96%E6%B8%A0%E9%81%93%E5%80%99%E9%80%89%E4%BA%BA-2026.xlsx"
    )
    assert content_disposition("省级评审结果模板.xlsx") == (
        "attachment; filename=\"download.xlsx\"; filename*=UTF-8''"
        "%E7%9C%81%E7%BA%A7%E8%AF%84%E5%AE%A1%E7%BB%93%E6%9E%9C%E6%A8%A1%E6%9D%BF.xlsx"
    )
    assert content_disposition("evidence-2.pdf", "inline") == (
        "inline; filename=\"evidence-2.pdf\"; filename*=UTF-8''evidence-2.pdf"
    )


def test_quotes_semicolons_separators_and_line_breaks_never_reach_the_header() -> None:
    header = content_disposition('x";filename="evil.html\r\nSet-Cookie: a=1\x00/..\\b.xlsx')
    assert header == (
        'attachment; filename="x_filename__evil.html_Set-Cookie__a_1__.._b.xlsx"; '
        "filename*=UTF-8''x_filename%3D_evil.html%20Set-Cookie_%20a%3D1%20_.._b.xlsx"
    )
    assert header.count(";") == 2 and header.count('"') == 2
    assert not set(header) & {"\r", "\n", "\x00", "\\"}
    assert safe_filename("\u202egnp.exe\u3000名单 .xlsx") == "gnp.exe 名单 .xlsx"
    assert safe_filename("\r\n;;") == "_"
    assert safe_filename("") == "download"
    assert ascii_filename("名单") == "download"
    assert len(safe_filename("名" * 500 + ".xlsx")) == 150


async def _room_sheet_world() -> int:
    _society, examadmin = await exam_society()
    await exams.create_plan(examadmin, plan_in())
    await initial_passwords_changed()
    room = await ExamRoom.select(ExamRoom.id).first()
    assert room is not None
    return int(room["id"])


async def test_a_hostile_kind_in_the_url_never_reaches_the_download_name(client: Any) -> None:
    room_id = await _room_sheet_world()
    await login(client, "exam_ccs")
    for kind in HOSTILE_KINDS:
        response = await client.get(f"/exams/rooms/{room_id}/sheet.xlsx", params={"kind": kind})
        assert response.status_code == 200
        # any kind but the sign-in sheet is the door list, and its name says so
        assert response.headers["content-disposition"] == (
            "attachment; filename=\"door-01-1.xlsx\"; filename*=UTF-8''door-01-1.xlsx"
        )
        sheet = load_workbook(io.BytesIO(response.content)).active
        assert sheet is not None and sheet.title == "考场门贴"
    signin = await client.get(f"/exams/rooms/{room_id}/sheet.xlsx", params={"kind": "signin"})
    assert signin.headers["content-disposition"].endswith("filename*=UTF-8''signin-01-1.xlsx")
    # the page itself keeps the connection and shows the door list for a hostile kind
    page = await client.get(f"/exams/rooms/{room_id}/sheet", params={"kind": HOSTILE_KINDS[1]})
    assert page.status_code == 200
    assert "taken" not in page.headers.get("set-cookie", "")


async def test_chinese_download_names_arrive_whole(client: Any) -> None:
    await make_user("root", "admin")
    await initial_passwords_changed()
    await login(client, "root")
    response = await client.get("/admin/official-results-template.xlsx")
    assert response.status_code == 200
    header = response.headers["content-disposition"]
    assert header.startswith("attachment; filename=\"export.xlsx\"; filename*=UTF-8''")
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == "省级评审结果模板.xlsx"
    assert (await client.get("/admin/users.xlsx")).headers["content-disposition"] == (
        "attachment; filename=\"users.xlsx\"; filename*=UTF-8''users.xlsx"
    )
