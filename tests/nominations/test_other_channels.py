"""The single-channel rule of academician candidates on data: the other channels' lists imported
from the workbook admins receive, and a person on one refused here with the channel named; the
outstanding-worker unit quota counted on normalised unit names."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import Workbook

from accounts.tables import AuditEntry
from expert_pool import services as pool
from nominations import services
from nominations.rules.programme.model import ProgrammeKind
from nominations.tables import OtherChannelCandidate
from tests.nominations.support import complete, demo_person, recommending_society
from tests.support import csrf, login, post_form
from xuehui.clock import today
from xuehui.errors import InvalidInput
from xuehui.idcard import make, mask

YEAR = today().year
HEADER = ["姓名", "身份证号码", "推荐渠道", "推荐单位"]


def workbook(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "候选人"
    sheet.append([f"{YEAR}年院士候选人其他渠道名单"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def candidate(name: str, sequence: int) -> Any:
    return demo_person(name, dt.date(YEAR - 55, 6, 15), sequence).model_copy(update={"academy": "cae"})


async def test_a_person_on_another_channels_list_is_refused_with_the_channel_named() -> None:
    programme_id, admin, nominator, _ = await recommending_society(ProgrammeKind.ACADEMICIAN)
    elsewhere, here = candidate("赵院", 9), candidate("钱院", 8)
    # The office types the number with a lower-case x or full-width digits; it is the same person.
    listed = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in elsewhere.id_number)
    preview = await services.preview_other_channels(
        admin, programme_id, workbook([["赵院", listed, "全国学会", "中国机械工程学会"]])
    )
    assert {k: v for k, v in preview.items() if k != "sha"} == {
        "sheet": "候选人",
        "rows": 1,
        "by_channel": {"national_society": 1},
        "also_here": [],
        "replaces": 0,
    }
    assert await services.import_other_channels(admin, programme_id, preview["sha"]) == 1
    refused = await services.check_recommendation(nominator, programme_id, elsewhere)
    assert [(r.code, r.field, r.zh) for r in refused if r.code.startswith("talent.academician")] == [
        (
            "talent.academician.other_channel",
            "id_number",
            "此人已通过全国学会推荐（中国机械工程学会）被推荐，每位候选人只能选择一个推荐渠道",
        )
    ]
    recommendation_id = await services.create_recommendation(nominator, programme_id, here)
    await complete(nominator, programme_id, recommendation_id)
    assert await services.submit_recommendation(nominator, recommendation_id) == "submitted"
    # A later list naming someone already recommended here says so before it is imported.
    again = await services.preview_other_channels(
        admin, programme_id, workbook([["钱院", here.id_number, "院士提名", ""]])
    )
    assert (again["also_here"], again["replaces"]) == (["钱院"], 1)
    await services.import_other_channels(admin, programme_id, again["sha"])
    assert [(c["name"], c["channel"], c["via"]) for c in await services.other_channel_candidates(programme_id)] == [
        ("钱院", "academicians", "")
    ]
    assert [r.code for r in await services.check_recommendation(nominator, programme_id, elsewhere)] == [
        "talent.incomplete"  # only the materials not uploaded yet
    ]
    assert await AuditEntry.count().where(AuditEntry.action == "talent.other_channels_imported") == 2


async def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written() -> None:
    programme_id, admin, _, _ = await recommending_society(ProgrammeKind.ACADEMICIAN)
    good = make("110101", dt.date(1965, 1, 1), 3, "male")
    data = workbook(
        [
            ["王院", good, "全国学会推荐", "中国机械工程学会"],
            ["", "110101196501011", "邮寄", ""],
            ["李院", good, "院士提名", ""],
        ]
    )
    with pytest.raises(InvalidInput) as refused:
        await services.preview_other_channels(admin, programme_id, data)
    assert [(r.row, r.column, r.code) for r in refused.value.reasons] == [
        (4, "A", "other_channels.name"),
        (4, "B", "other_channels.id_number"),
        (4, "C", "other_channels.channel"),
        (5, "B", "other_channels.id_number"),
    ]
    assert [r.zh for r in refused.value.reasons][2:] == [
        "推荐渠道“邮寄”无法识别，应为全国学会推荐、院士提名或其他省级科协推荐",
        "此人在第3行已列出",
    ]
    with pytest.raises(InvalidInput) as empty:
        await services.preview_other_channels(admin, programme_id, workbook([]))
    assert [r.code for r in empty.value.reasons] == ["other_channels.empty"]
    assert await OtherChannelCandidate.count() == 0


async def test_the_unit_quota_counts_one_unit_in_any_spelling_and_through_the_alias_map() -> None:
    programme_id, admin, nominator, _ = await recommending_society(ProgrammeKind.OUTSTANDING_WORKER, quota=5)
    first = demo_person("孙工", dt.date(YEAR - 50, 1, 1), 1).model_copy(update={"categories": []})
    recommendation_id = await services.create_recommendation(nominator, programme_id, first)
    await complete(nominator, programme_id, recommendation_id)
    await services.submit_recommendation(nominator, recommendation_id)
    await pool.add_unit_alias(admin, "山东大学齐鲁医院", "山东大学")

    async def unit_refusals(unit: str, sequence: int) -> list[str]:
        person = demo_person("周工", dt.date(YEAR - 48, 1, 1), sequence, unit=unit).model_copy(
            update={"categories": []}
        )
        reasons = await services.check_recommendation(nominator, programme_id, person)
        return [r.code for r in reasons if r.code != "talent.incomplete"]  # materials not uploaded yet

    assert await unit_refusals("山东 大学", 2) == ["talent.worker.unit_quota"]
    assert await unit_refusals("山东大学齐鲁医院", 3) == ["talent.worker.unit_quota"]
    assert await unit_refusals("青岛大学", 4) == []


async def test_through_the_pages_upload_preview_confirm_and_the_export_imports_back_unchanged(client) -> None:
    programme_id, admin, _, _ = await recommending_society(ProgrammeKind.ACADEMICIAN)
    await login(client, "root-cmes")
    assert 'id="other-channels-link"' in (await client.get(f"/admin/talent/{programme_id}")).text
    page = f"/admin/talent/{programme_id}/other-channels"
    token = await csrf(client, page)
    bad = workbook([["王院", "123", "全国学会", ""]])
    refused = await client.post(
        f"{page}/preview", files={"file": ("名单.xlsx", bad, "application/octet-stream")}, data={"_csrf_token": token}
    )
    assert (refused.status_code, "第3行 B: 身份证号码应为18位，实际为3位" in refused.text) == (422, True)
    number = make("110101", dt.date(1965, 1, 1), 3, "male")
    good = workbook(
        [
            ["王院", number, "全国学会", "中国机械工程学会"],
            ["陈院", make("110101", dt.date(1966, 2, 2), 5, "male"), "省科协", "江苏省科协"],
        ]
    )
    uploaded = await client.post(
        f"{page}/preview",
        files={"file": ("名单.xlsx", good, "application/octet-stream")},
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    preview = (await client.get(uploaded.headers["location"])).text.split('id="preview"', 1)[1]
    assert ("读取的工作表：候选人" in preview, "全国学会推荐: 1" in preview, "其他省级科协推荐: 1" in preview) == (
        True,
        True,
        True,
    )
    sha = uploaded.headers["location"].split("file=", 1)[1].split("#", 1)[0]
    unconfirmed = await post_form(client, f"{page}/import", {"sha": sha}, page)
    assert (unconfirmed.status_code, await OtherChannelCandidate.count()) == (422, 0)
    done = await post_form(client, f"{page}/import", {"sha": sha, "confirm": "1"}, page)
    assert done.headers["location"] == f"{page}?done=2"
    listed = (await client.get(page)).text.split('id="other-channels"', 1)[1]
    assert ("王院" in listed, number in listed, mask(number) in listed, "national_society" in listed) == (
        True,
        False,
        True,
        False,
    )
    exported = (await client.get(f"{page}.xlsx")).content
    before = [
        (c["name"], c["id_number"], c["channel"], c["via"])
        for c in await services.other_channel_candidates(programme_id)
    ]
    again = await services.preview_other_channels(admin, programme_id, exported)
    await services.import_other_channels(admin, programme_id, again["sha"])
    after = [
        (c["name"], c["id_number"], c["channel"], c["via"])
        for c in await services.other_channel_candidates(programme_id)
    ]
    assert after == before
