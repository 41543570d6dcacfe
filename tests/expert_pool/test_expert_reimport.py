"""Expert re-import updates only the columns the file has: a lacking or unrecognised column never
blanks a field; the office's usual headers are recognised; unrecognised ones are named; every
refusal gives the row as Excel shows it."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from accounts.rules import Actor
from expert_pool import excel
from expert_pool.tables import Expert
from tests.expert_pool.support import id_number
from tests.support import csrf, login, make_user
from xuehui.errors import InvalidInput

FULL = ["姓名", "身份证号", "主学科代码", "工作单位", "手机", "邮箱", "关键词", "状态"]


def sheet(headers: list[str], *rows: list[object], title_rows: int = 0) -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    for n in range(title_rows):
        ws.append([f"专家信息登记表（第{n + 1}行说明）"])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def stored(number: str) -> dict[str, object]:
    row = (
        await Expert.select(
            Expert.name, Expert.unit, Expert.unit_normalised, Expert.phone, Expert.email, Expert.keywords, Expert.status
        )
        .where(Expert.id_number == number)
        .first()
    )
    assert row is not None
    return row


async def registered_by_import(admin: Actor) -> str:
    number = id_number(5)
    data = sheet(
        FULL, ["王伟", number, "520.20", "浙江大学", "13800000001", "wang@zju.edu.cn", "机器学习；图谱", "暂停"]
    )
    assert (await excel.import_experts(admin, data))[:2] == (1, 0)
    return number


async def test_a_re_import_with_the_offices_headers_updates_them_and_keeps_what_it_lacks() -> None:
    admin = await make_user("root", "admin")
    number = await registered_by_import(admin)
    data = sheet(
        ["姓名", "身份证号", "主学科代码", "单位名称", "联系电话", "备注"],
        ["王伟", number, "520.20", "浙江大学医学院", "13900000002", "复评"],
    )
    assert await excel.import_experts(admin, data) == (0, 1, ("备注",))
    assert await stored(number) == {
        "name": "王伟",
        "unit": "浙江大学医学院",
        "unit_normalised": "浙江大学医学院",
        "phone": "13900000002",
        "email": "wang@zju.edu.cn",
        "keywords": '["机器学习", "图谱"]',
        "status": "suspended",
    }


@pytest.mark.parametrize(
    ("header", "field", "value", "expected"),
    [
        ("电子邮件", "email", "w@example.org", "w@example.org"),
        ("研究方向", "keywords", "知识图谱", '["知识图谱"]'),
        ("单位名称", "unit", "某研究院", "某研究院"),
        ("联系电话", "phone", "0571-88888888", "0571-88888888"),
    ],
)
async def test_the_usual_header_variants_are_recognised(header: str, field: str, value: str, expected: str) -> None:
    admin = await make_user("root", "admin")
    number = await registered_by_import(admin)
    data = sheet(["姓名", "身份证号", "主学科代码", header], ["王伟", number, "520.20", value])
    assert await excel.import_experts(admin, data) == (0, 1, ())
    assert (await stored(number))[field] == expected


async def test_an_unknown_account_is_reported_at_the_row_excel_shows() -> None:
    admin = await make_user("root", "admin")
    data = sheet(
        ["姓名", "身份证号", "主学科代码", "登录账号"],
        ["王伟", id_number(5), "520.20", ""],
        ["李娜", id_number(6, "female"), "520.20", "nobody"],
        title_rows=2,
    )
    with pytest.raises(InvalidInput) as refused:
        await excel.import_experts(admin, data)
    assert [(r.code, r.row, r.column) for r in refused.value.reasons] == [("excel.account", 5, "D")]
    assert await Expert.count() == 0


async def test_the_page_names_the_columns_it_did_not_import(client) -> None:
    admin = await make_user("root", "admin")
    number = await registered_by_import(admin)
    await login(client, "root")
    token = await csrf(client, "/admin/experts")
    data = sheet(["姓名", "身份证号", "主学科代码", "通讯地址", "单位名称"], ["王伟", number, "520.20", "杭州", "浙大"])
    done = await client.post(
        "/admin/experts/import",
        files={"file": ("e.xlsx", data, "application/octet-stream")},
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    page = await client.get(done.headers["location"])
    assert "导入完成：新增 0 名，更新 1 名。 未识别的列（未导入，原有数据不变）：通讯地址" in page.text
    assert (await stored(number))["unit"] == "浙大"
