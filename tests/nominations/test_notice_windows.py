"""A published notice is one of the windows the cycle configures (accepted nominations, initial
review results, proposed awards), with the cycle's length and unit; admins pick it, in words."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.rules import Actor
from nominations import services
from nominations.rules.notice import WorkingCalendar, add_working_days
from nominations.tables import Notice
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import api, login, post_form
from xuehui.clock import today
from xuehui.errors import InvalidInput


async def _passed() -> tuple[int, Actor, Actor, int]:
    """(cycle id, admin, nominator, nomination id): a nomination through formal review."""
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    return cycle_id, admin, nominator, nomination_id


async def test_a_notice_takes_the_configured_window_start_length_and_unit() -> None:
    cycle_id, admin, _, _ = await _passed()
    config = await services.cycle_config(cycle_id)
    accepted = {w.key: w for w in config.dates.notices}["accepted"]
    assert (accepted.length, accepted.unit) == (5, "working_days")
    notice_id = await services.publish_notice(admin, cycle_id, "accepted", "受理公示")
    row = await Notice.select().where(Notice.id == notice_id).first()
    first = WorkingCalendar().next_working_day(accepted.starts)
    assert (row["kind"], row["starts_on"], row["ends_on"]) == (
        "accepted",
        first,
        add_working_days(WorkingCalendar(), first, 4),
    )
    # moved to start today, it still runs its configured five working days
    moved = await services.publish_notice(admin, cycle_id, "accepted", "受理公示（补）", today())
    row = await Notice.select().where(Notice.id == moved).first()
    start = WorkingCalendar().next_working_day(today())
    assert (row["starts_on"], row["ends_on"]) == (start, add_working_days(WorkingCalendar(), start, 4))


async def test_calendar_day_windows_and_unknown_windows() -> None:
    cycle_id, admin, nominator, nomination_id = await _passed()
    other = await services.create_nomination(nominator, cycle_id, demo_nomination("焊接机器人", 3, start=10))
    await services.submit(nominator, other)
    await services.formal_review(admin, other, "pass", "")
    with pytest.raises(InvalidInput) as refused:
        await services.publish_notice(admin, cycle_id, "seven_days", "公示")
    assert [(r.code, r.field) for r in refused.value.reasons] == [("notice.window", "window")]
    await services.record_stage(admin, nomination_id, "remote_review", "passed", "", "")
    notice_id = await services.publish_notice(admin, cycle_id, "initial_review", "初评结果公示", today())
    row = await Notice.select().where(Notice.id == notice_id).first()
    # ten calendar days, counted inclusive
    assert (row["starts_on"], row["ends_on"]) == (today(), today() + dt.timedelta(days=9))
    # only the nomination through the remote review is listed
    assert [e["nomination_id"] for e in (await services.public_notice(notice_id))["entries"]] == [nomination_id]


async def test_admins_pick_the_window_on_the_notice_form(client) -> None:
    cycle_id, _, _, _ = await _passed()
    await login(client, "root-cmes")
    page = (await client.get("/admin/notices")).text
    select = page.split('<select name="window"')[1].split("</select>")[0]
    config = await services.cycle_config(cycle_id)
    starts = {w.key: w.starts for w in config.dates.notices}
    assert f"受理项目公示：{starts['accepted']}起，5个工作日" in select
    assert f"初评结果公示：{starts['initial_review']}起，10天（自然日）" in select
    assert f"建议授奖公示：{starts['proposed_awards']}起，30天（自然日）" in select
    assert 'name="working_days"' not in page
    form = {"window": "accepted", "title": "受理项目公示", "starts_on": ""}
    asked = await post_form(client, "/admin/notices", form, "/admin/notices")
    assert asked.status_code == 200
    assert "发布公示“受理项目公示”？" in asked.text
    assert f"<li>受理项目公示：{starts['accepted']}起，5个工作日</li>" in asked.text
    assert "公示及所列项目立即向社会公开。" in asked.text
    assert '<a class="button secondary" href="/admin/notices" id="cancel-step">取消</a>' in asked.text
    assert await services.public_notices() == []
    response = await post_form(client, "/admin/notices", {**form, "confirmed": "1"}, "/admin/notices")
    assert (response.status_code, response.headers["location"]) == (303, "/admin/notices")
    assert '<p class="notice flash" role="status">公示已发布。</p>' in (await client.get("/admin/notices")).text
    [notice] = await services.public_notices()
    assert (notice["kind"], notice["starts_on"]) == ("accepted", starts["accepted"])


async def test_the_api_publishes_a_configured_window_by_its_key(client) -> None:
    cycle_id, _, _, nomination_id = await _passed()
    await login(client, "root-cmes")
    year = (await services.cycle_row(cycle_id))["year"]
    response = await api(
        client,
        "POST",
        f"/api/award-cycles/{year}/notices",
        {"window": "accepted", "title": "受理项目公示", "starts_on": str(today())},
    )
    assert response.status_code == 201, response.text
    start = WorkingCalendar().next_working_day(today())
    body = response.json()
    assert (body["kind"], body["starts_on"], body["ends_on"]) == (
        "accepted",
        str(start),
        str(add_working_days(WorkingCalendar(), start, 4)),
    )
    assert [e["nomination_id"] for e in body["entries"]] == [nomination_id]
    typed = await api(
        client, "POST", f"/api/award-cycles/{year}/notices", {"window": "accepted", "title": "公示", "working_days": 7}
    )
    assert typed.status_code == 400
