"""The provincial official results of a cycle, imported from the list admins receive, and the
adjustment's pass and award rates counted from them."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook

from nominations import services
from nominations.demo import open_cycle
from nominations.tables import OfficialResult
from tests.nominations.support import demo_nomination, nominating_society
from xuehui.clock import today
from xuehui.errors import InvalidInput

HEADER = ["项目名称", "奖励类别", "等级", "结果"]


def workbook(rows: list[list[Any]], title_rows: int = 1) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "评审结果"
    for _ in range(title_rows):
        sheet.append(["2025年度省科学技术奖评审结果"])
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def _last_year_with_two_nominations() -> tuple[int, int, Any, Any, int]:
    """(this cycle, last cycle, admin, nominator, society): last year's two nominations passed
    formal review and our own stage records never said how they ended."""
    cycle_id, admin, nominator, society_id = await nominating_society()
    last = await open_cycle(admin, today().year - 1, today())
    await services.set_quota(admin, last, society_id, "technological_invention", 2)
    for title, start in (("精密机床", 0), ("智能焊接", 10)):
        nomination_id = await services.create_nomination(nominator, last, demo_nomination(title, 3, start=start))
        await services.submit(nominator, nomination_id)
        await services.formal_review(admin, nomination_id, "pass", "")
    return cycle_id, last, admin, nominator, society_id


async def test_the_preview_says_what_the_import_writes_and_the_import_replaces_the_list() -> None:
    _, last, admin, _, _ = await _last_year_with_two_nominations()
    data = workbook(
        [
            ["精密机床", "技术发明奖", "二等奖", "获奖"],
            ["智能焊接", "技术发明奖", "", "未获奖"],
            ["别家的项目", "科学技术进步奖", "", "形式审查未通过"],
        ]
    )
    preview = await services.preview_official_results(admin, last, data)
    assert {k: v for k, v in preview.items() if k != "sha"} == {
        "sheet": "评审结果",
        "rows": 3,
        "by_outcome": {"awarded": 1, "not_awarded": 1, "rejected": 1},
        "matched": 2,
        "unmatched": ["别家的项目"],
        "replaces": 0,
    }
    assert await OfficialResult.count() == 0
    assert await services.import_official_results(admin, last, preview["sha"]) == 3
    again = await services.preview_official_results(
        admin, last, workbook([["精密机床", "技术发明奖", "二等奖", "获奖"]])
    )
    assert again["replaces"] == 3
    await services.import_official_results(admin, last, again["sha"])
    assert [(r["title"], r["outcome"]) for r in await services.official_results(last)] == [("精密机床", "awarded")]


async def test_every_bad_row_is_reported_with_row_and_column_and_nothing_is_written() -> None:
    _, last, admin, _, _ = await _last_year_with_two_nominations()
    data = workbook(
        [
            ["精密机床", "技术发明", "二等奖", "获奖"],
            ["智能焊接", "技术发明奖", "", "待定"],
            ["精密机床", "技术发明奖", "二等奖", "获奖"],
            ["精密机床 ", "技术发明奖", "二等奖", "获奖"],
            ["", "技术发明奖", "", "获奖"],
        ]
    )
    with pytest.raises(InvalidInput) as refused:
        await services.preview_official_results(admin, last, data)
    assert [(r.row, r.column, r.code) for r in refused.value.reasons] == [
        (3, "B", "official_results.category"),
        (4, "D", "official_results.outcome"),
        (6, "A", "official_results.title"),
        (7, "A", "official_results.title"),
        (7, "C", "official_results.grade"),
    ]
    assert refused.value.reasons[2].zh == "该项目在第5行已列出"
    assert await OfficialResult.count() == 0


async def test_a_header_only_list_is_refused() -> None:
    _, last, admin, _, _ = await _last_year_with_two_nominations()
    with pytest.raises(InvalidInput) as refused:
        await services.preview_official_results(admin, last, workbook([]))
    assert [r.code for r in refused.value.reasons] == ["official_results.empty"]


async def test_the_adjustment_counts_passes_and_awards_from_the_official_results() -> None:
    cycle_id, last, admin, _, society_id = await _last_year_with_two_nominations()
    before = await services.adjustment_table(await services.run_adjustment(admin, cycle_id))
    row = next(r for r in before["rows"] if r["society_id"] == society_id)
    assert (row["pass_rate"], row["award_rate"]) == (1.0, 0.0)
    data = workbook([["精密机床", "技术发明奖", "二等奖", "获奖"], ["智能焊接", "技术发明奖", "", "形式审查未通过"]])
    preview = await services.preview_official_results(admin, last, data)
    await services.import_official_results(admin, last, preview["sha"])
    after = await services.adjustment_table(await services.run_adjustment(admin, cycle_id))
    row = next(r for r in after["rows"] if r["society_id"] == society_id)
    assert (row["pass_rate"], row["award_rate"]) == (0.5, 0.5)
    assert "adjustment.official_results" in [r["code"] for r in row["reasons"]]


async def test_through_the_pages_upload_preview_confirm_and_the_export_imports_back_unchanged(client) -> None:
    from tests.support import csrf, login, post_form

    _, last, admin, _, _ = await _last_year_with_two_nominations()
    await login(client, "root-cmes")
    page = f"/admin/award-cycles/{last}/official-results"
    token = await csrf(client, page)
    bad = workbook([["精密机床", "技术发明奖", "二等奖", "待定"]])
    refused = await client.post(
        f"{page}/preview", files={"file": ("结果.xlsx", bad, "application/octet-stream")}, data={"_csrf_token": token}
    )
    assert (refused.status_code, "第3行 D: 结果“待定”无法识别" in refused.text) == (422, True)
    good = workbook([["精密机床", "技术发明奖", "二等奖", "获奖"], ["别家的项目", "自然科学奖", "", "未获奖"]])
    uploaded = await client.post(
        f"{page}/preview",
        files={"file": ("结果.xlsx", good, "application/octet-stream")},
        data={"_csrf_token": token},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    preview = (await client.get(uploaded.headers["location"])).text.split('id="preview"', 1)[1]
    assert ("读取的工作表：评审结果" in preview, "别家的项目" in preview, "获奖: 1" in preview) == (True, True, True)
    sha = uploaded.headers["location"].split("file=", 1)[1].split("#", 1)[0]
    unconfirmed = await post_form(client, f"{page}/import", {"sha": sha}, page)
    assert (unconfirmed.status_code, await OfficialResult.count()) == (422, 0)
    done = await post_form(client, f"{page}/import", {"sha": sha, "confirm": "1"}, page)
    assert done.headers["location"] == f"{page}?done=2"
    listed = (await client.get(page)).text.split('id="official-results"', 1)[1]
    assert ("CMES学会" in listed, "awarded" in listed, "二等奖" in listed) == (True, False, True)
    exported = (await client.get(f"{page}.xlsx")).content
    before = [(r["title"], r["category"], r["grade"], r["outcome"]) for r in await services.official_results(last)]
    again = await services.preview_official_results(admin, last, exported)
    await services.import_official_results(admin, last, again["sha"])
    after = [(r["title"], r["category"], r["grade"], r["outcome"]) for r in await services.official_results(last)]
    assert after == before
