"""Recording an integrity violation against a society through its admin page and the API."""

from __future__ import annotations

import datetime as dt

from accounts.tables import AuditEntry
from societies import services
from tests.support import api, login, make_society, make_user, post_form
from xuehui.clock import today


async def test_the_page_asks_once_more_with_the_consequences_and_then_records(client) -> None:
    society_id = await make_society()
    await make_user("root", "admin")
    await login(client, "root")
    page = f"/admin/societies/{society_id}"
    found = (today() - dt.timedelta(days=30)).isoformat()
    form = {"kind": "false_material", "found_on": found, "description": "申报材料中论文系伪造", "source": "案件2026-7"}
    asked = await post_form(client, f"{page}/integrity-violations", form, page)
    assert asked.status_code == 200
    assert "记录省机械工程学会的失信行为？" in asked.text
    assert "记录后不能删除。" in asked.text and "该学会五年内不得推荐。" in asked.text
    assert '<input type="hidden" name="description" value="申报材料中论文系伪造">' in asked.text
    assert f'<a class="button secondary" href="{page}#integrity" id="cancel-step">取消</a>' in asked.text
    assert await services.integrity_violations_of([society_id]) == []
    bad_day = await post_form(client, f"{page}/integrity-violations", {**form, "found_on": "昨天"}, page)
    assert bad_day.status_code == 422
    assert "申报材料中论文系伪造" in bad_day.text.split('id="violation-form"', 1)[1]
    done = await post_form(client, f"{page}/integrity-violations", {**form, "confirmed": "1"}, page)
    assert (done.status_code, done.headers["location"]) == (303, f"{page}?done=violation#integrity")
    shown = (await client.get(page)).text.split('id="violations"', 1)[1].split("</table>", 1)[0]
    assert "提供虚假材料" in shown and "申报材料中论文系伪造" in shown and "false_material" not in shown
    audited = await AuditEntry.select(AuditEntry.action).where(AuditEntry.action == "society.violation_recorded")
    assert len(audited) == 1


async def test_a_finding_in_the_future_or_without_a_kind_is_refused_beside_each_field(client) -> None:
    society_id = await make_society()
    await make_user("root", "admin")
    await login(client, "root")
    body = {"kind": "gossip", "found_on": (today() + dt.timedelta(days=1)).isoformat(), "description": " "}
    refused = await api(client, "POST", f"/api/societies/{society_id}/integrity-violations", body)
    assert refused.status_code == 422
    fields = sorted(e["field"] for e in refused.json()["errors"])
    assert fields == ["description", "found_on", "kind"]
    ok = {"kind": "academic_misconduct", "found_on": "2025-03-01", "description": "论文抄袭"}
    recorded = await api(client, "POST", f"/api/societies/{society_id}/integrity-violations", ok)
    assert recorded.status_code == 201
    assert [(v["kind"], v["found_on"]) for v in recorded.json()] == [("academic_misconduct", "2025-03-01")]


async def test_a_hidden_direction_control_or_a_second_line_in_the_source_is_refused_and_nothing_is_written() -> None:
    import pytest

    from xuehui.errors import InvalidInput

    society_id = await make_society()
    admin = await make_user("root", "admin")
    with pytest.raises(InvalidInput) as refused:
        await services.record_integrity_violation(
            admin, society_id, "false_material", today(), "论文\u202e伪造", "案件\n2026-7"
        )
    assert [(r.code, r.field) for r in refused.value.reasons] == [
        ("text.bidi_control", "description"),
        ("text.control_character", "source"),
    ]
    assert await services.integrity_violations_of([society_id]) == []
