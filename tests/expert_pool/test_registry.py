"""The expert registry: registration, validation, Excel import/export, the expert's own profile."""

import io

from openpyxl import Workbook, load_workbook

from accounts.tables import AuditEntry
from expert_pool import disciplines, services
from expert_pool.schemas import ExpertIn
from expert_pool.tables import Expert
from tests.expert_pool.support import id_number, make_expert
from tests.support import PASSWORD, api, csrf, login, make_user


def test_discipline_data_has_every_first_level_code() -> None:
    first = disciplines.first_level_codes()
    assert (len(first), first[:3], first[-1]) == (62, ["110", "120", "130"], "910")
    assert disciplines.normalise_code("52020") == "520.20"
    assert disciplines.normalise_code("999") is None
    assert disciplines.discipline_name("520.20") == "人工智能"
    assert disciplines.discipline_name("520.99", "en") == "Computer science and technology"


async def test_admin_registers_an_expert_with_an_account_and_refusals_name_their_fields(client) -> None:
    await make_user("root", "admin")
    await login(client, "root")
    body = {
        "name": "王伟",
        "id_number": id_number(1),
        "unit": "浙江大学医学院附属第一医院",
        "primary_discipline": "52020",
        "secondary_disciplines": ["110.74"],
        "keywords": ["机器学习", "知识图谱"],
        "username": "wangwei",
        "password": PASSWORD,
    }
    created = await api(client, "POST", "/api/experts", body)
    assert created.status_code == 201
    expert = created.json()
    assert (expert["name"], expert["sex"], expert["birth_year"], expert["primary_discipline"], expert["username"]) == (
        "王伟",
        "male",
        1970,
        "520.20",
        "wangwei",
    )
    again = await api(client, "POST", "/api/experts", {**body, "username": ""})
    assert (again.status_code, [e["code"] for e in again.json()["errors"]]) == (409, ["expert.exists"])
    bad = await api(
        client,
        "POST",
        "/api/experts",
        {"name": "", "id_number": "110101197001010000", "primary_discipline": "999", "secondary_disciplines": ["abc"]},
    )
    assert bad.status_code == 422
    assert [(e["code"], e["field"]) for e in bad.json()["errors"]] == [
        ("expert.name", "name"),
        ("idcard.check_digit", "id_number"),
        ("discipline.unknown", "primary_discipline"),
        ("discipline.unknown", "secondary_disciplines"),
    ]
    assert await Expert.count() == 1


async def test_unit_aliases_map_affiliated_units_to_their_parent(client) -> None:
    admin = await make_user("root", "admin")
    expert_id = await make_expert(admin, 1, unit="浙江大学医学院附属第一医院")
    await services.add_unit_alias(admin, "浙江大学医学院附属第一医院", "浙江大学")
    assert (await services.get_expert(admin, expert_id))["unit_normalised"] == "浙江大学"


def _sheet(rows: list[list[object]], headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers or ["姓名", "身份证号", "主学科代码", "工作单位", "地区", "关键词", "状态"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_excel_import_reports_every_bad_row_and_saves_nothing_until_all_are_valid(client) -> None:
    await make_user("root", "admin")
    await login(client, "root")
    token = await csrf(client, "/admin/experts")
    bad = _sheet(
        [
            ["李娜", id_number(2, "female"), "520.20", "清华大学", "省内", "机器学习；视觉", "在库"],
            ["赵强", "110101197001010000", "520.20", "北京大学", "省外", "", "在库"],
            ["钱军", id_number(3), "999", "复旦大学", "外省", "", "休假"],
            ["孙丽", id_number(2, "female"), "520.40", "", "", "", ""],
        ]
    )
    refused = await client.post(
        "/admin/experts/import",
        files={"file": ("experts.xlsx", bad, "application/octet-stream")},
        data={"_csrf_token": token},
    )
    assert refused.status_code == 422
    for text in (
        "第3行 B: 身份证号码校验位不正确",
        "第4行 E: 地区应为省内或省外",
        "第4行 G: 无法识别的值“休假”",
        "第4行 C: 学科代码“999”",
        "第5行 B: 身份证号与第2行重复",
    ):
        assert text in refused.text
    assert await Expert.count() == 0

    good = _sheet(
        [
            ["李娜", id_number(2, "female"), "520.20", "清华大学", "省内", "机器学习；视觉", "在库"],
            ["钱军", id_number(3), "110", "复旦大学", "省外", "", "暂停"],
        ]
    )
    done = await client.post(
        "/admin/experts/import",
        files={"file": ("experts.xlsx", good, "application/octet-stream")},
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert (done.status_code, done.headers["location"]) == (303, "/admin/experts?done=imported-2-0")
    again = _sheet([["李娜", id_number(2, "female"), "520.40", "清华大学", "省内", "", "退出"]])
    await client.post(
        "/admin/experts/import",
        files={"file": ("e.xlsx", again, "application/octet-stream")},
        data={"_csrf_token": token},
    )
    rows = await Expert.select(Expert.name, Expert.primary_discipline, Expert.in_province, Expert.status).order_by(
        Expert.id
    )
    assert rows == [
        {"name": "李娜", "primary_discipline": "520.40", "in_province": True, "status": "retired"},
        {"name": "钱军", "primary_discipline": "110", "in_province": False, "status": "suspended"},
    ]
    assert [
        e["summary"]
        for e in await AuditEntry.select(AuditEntry.summary)
        .where(AuditEntry.action == "expert.imported")
        .output(load_json=True)
    ] == [
        {"added": 2, "updated": 0},
        {"added": 0, "updated": 1},
    ]

    exported = await client.get("/admin/experts.xlsx")
    sheet = load_workbook(io.BytesIO(exported.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["姓名", "性别", "出生年份", "身份证号"]
    assert [v[0] for v in values[1:]] == ["李娜", "钱军"]
    assert values[2][7] == "省外"

    template = await client.get("/admin/experts/template.xlsx")
    imported = await client.post(
        "/admin/experts/import",
        files={"file": ("t.xlsx", template.content, "application/octet-stream")},
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert imported.headers["location"] == "/admin/experts?done=imported-1-0"


async def test_expert_keeps_their_profile_and_declares_relations(client, other_client) -> None:
    admin = await make_user("root", "admin")
    await make_expert(admin, 1, username="lin")
    await make_user("loner", "expert")
    await login(client, "lin")
    updated = await api(
        client,
        "PUT",
        "/api/expert/profile",
        {
            "title": "研究员",
            "unit": "省农科院",
            "primary_discipline": "210",
            "keywords": ["水稻"],
            "phone": "1",
            "email": "",
        },
    )
    # The unit waits for an admin's confirmation (both count for conflicts meanwhile).
    assert (
        updated.status_code,
        updated.json()["unit"],
        updated.json()["pending_unit"],
        updated.json()["primary_discipline"],
        updated.json()["status"],
    ) == (
        200,
        "单位1",
        "省农科院",
        "210",
        "active",
    )
    relation = await api(client, "POST", "/api/expert/relations", {"relation": "collaborator", "person_name": "张三"})
    assert (relation.status_code, relation.json()["errors"][0]["code"]) == (422, "relation.dates")
    relation = await api(
        client, "POST", "/api/expert/relations", {"relation": "advisor", "person_name": "张三", "note": "博士导师"}
    )
    assert relation.status_code == 201
    page = await client.get("/expert/profile")
    assert "导师" in page.text and "张三" in page.text
    await login(other_client, "loner")
    refused = await other_client.get("/api/expert/profile")
    assert (refused.status_code, refused.json()["errors"][0]["code"]) == (404, "expert.no_record")


async def test_registration_through_the_page_keeps_the_input_on_error(client) -> None:
    await make_user("root", "admin")
    await login(client, "root")
    token = await csrf(client, "/admin/experts")
    response = await client.post(
        "/admin/experts",
        data={
            "name": "周敏",
            "id_number": "123",
            "primary_discipline": "520.20",
            "keywords": "数据库",
            "_csrf_token": token,
        },
    )
    assert response.status_code == 422
    assert "身份证号码应为18位，实际为3位" in response.text
    assert 'value="周敏"' in response.text and 'value="数据库"' in response.text
    ok = await client.post(
        "/admin/experts",
        data={
            "name": "周敏",
            "id_number": id_number(9, "female"),
            "primary_discipline": "520.20",
            "in_province": "0",
            "_csrf_token": token,
        },
        follow_redirects=False,
    )
    assert ok.status_code == 303
    page = await client.get(ok.headers["location"])
    assert "周敏" in page.text and "评审专家信用" in page.text
    assert (await services.list_experts(await _admin()))[0]["in_province"] is False


async def _admin():
    from accounts.rules import Actor
    from accounts.tables import User

    row = await User.select().where(User.username == "root").first()
    return Actor(user_id=row["id"], username="root", display_name="", role="admin")


def test_expert_in_refuses_unknown_fields() -> None:
    import pydantic
    import pytest

    with pytest.raises(pydantic.ValidationError):
        ExpertIn(name="a", id_number="b", primary_discipline="110", extra=1)  # type: ignore[call-arg]
