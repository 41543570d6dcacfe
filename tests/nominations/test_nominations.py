"""Nominations through the services and pages, on a real database."""

import asyncio

import pytest

from accounts.tables import AuditEntry
from nominations import services
from nominations.tables import Nomination, NominationContributor, Quota
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import login, make_society, make_user, post_form
from xuehui.db import connection_pool
from xuehui.errors import Conflict, InvalidInput


async def test_a_society_without_a_running_award_pilot_cannot_nominate() -> None:
    _, _, _, _ = await nominating_society()
    other = await make_society("CCF", "计算机学会")
    stranger = await make_user("stranger", "society", other)
    cycle_id = await services.latest_cycle_id()
    assert cycle_id is not None
    with pytest.raises(Conflict) as refused:
        await services.create_nomination(stranger, cycle_id, demo_nomination("项目", 3))
    assert [r.code for r in refused.value.reasons] == ["nomination.no_pilot"]


async def test_submission_takes_a_quota_slot_and_freezes_a_snapshot() -> None:
    cycle_id, _, nominator, society_id = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    assert await services.submit(nominator, nomination_id, "key-1") == "submitted"
    quotas = await services.society_quotas(nominator, cycle_id, society_id)
    assert [q for q in quotas if q["category"] == "technological_invention"] == [
        {"category": "technological_invention", "quota": 2, "used": 1}
    ]
    snapshot = await services.snapshot(nominator, nomination_id)
    assert snapshot["title"] == "精密机床"
    with pytest.raises(Conflict):
        await services.update_nomination(nominator, nomination_id, demo_nomination("改名", 5))


async def test_the_same_idempotency_key_twice_submits_once() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    assert await services.submit(nominator, nomination_id, "retry-key") == "submitted"
    assert await services.submit(nominator, nomination_id, "retry-key") == "submitted"
    assert (await Quota.select(Quota.used).where(Quota.category == "technological_invention").first())["used"] == 1
    assert await AuditEntry.count().where(AuditEntry.action == "nomination.submitted") == 1


async def test_a_blocked_submission_lists_every_failing_rule_and_writes_nothing() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    first = await services.create_nomination(nominator, cycle_id, demo_nomination("第一项", 3))
    await services.submit(nominator, first)
    crowded = demo_nomination("人数过多", 8)  # invention allows 6 contributors; the first 3 are already in "第一项"
    second = await services.create_nomination(nominator, cycle_id, crowded)
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, second)
    codes = [r.code for r in refused.value.reasons]
    assert codes.count("eligibility.contributor_in_other_nomination") == 3
    assert "eligibility.too_many_contributors" in codes
    assert (await Nomination.select(Nomination.status).where(Nomination.id == second).first())["status"] == "draft"
    assert await NominationContributor.count().where(NominationContributor.nomination == second) == 0


async def test_exactly_the_quota_is_accepted_under_concurrent_submissions() -> None:
    cycle_id, _, nominator, _ = await nominating_society(quota=3)
    ids = [
        await services.create_nomination(nominator, cycle_id, demo_nomination(f"项目{i}", 2, start=i * 3))
        for i in range(20)
    ]

    async def attempt(nomination_id: int) -> str:
        try:
            return await services.submit(nominator, nomination_id)
        except Conflict as refused:
            return refused.reasons[0].code

    async with connection_pool(20):
        outcomes = await asyncio.gather(*(attempt(i) for i in ids))
    assert sorted(outcomes).count("submitted") == 3
    assert outcomes.count("quota.exhausted") == 17
    assert (await Quota.select(Quota.used).where(Quota.category == "technological_invention").first())["used"] == 3
    assert await Nomination.count().where(Nomination.status == "submitted") == 3


async def test_formal_review_returns_then_passes_after_correction() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    assert await services.formal_review(admin, nomination_id, "return", "缺少应用证明") == "returned"
    returned = await services.get_nomination(nominator, nomination_id)
    assert (returned["status"], returned["return_reasons"]) == ("returned", "缺少应用证明")
    assert returned["correction_deadline"] is not None
    corrected = demo_nomination("精密机床", 5)
    corrected.body.summary = "补充了应用证明"
    await services.update_nomination(nominator, nomination_id, corrected)
    assert await services.submit(nominator, nomination_id) == "submitted"
    assert await services.formal_review(admin, nomination_id, "pass", "") == "passed"
    assert (await Quota.select(Quota.used).where(Quota.category == "technological_invention").first())["used"] == 1
    steps = [(s["stage"], s["outcome"]) for s in await services.review_steps(admin, nomination_id)]
    assert steps == [("formal_review", "returned"), ("formal_review", "passed")]


async def test_a_sanction_disqualifies_and_suspends_nominating_at_once() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    caught = await services.create_nomination(nominator, cycle_id, demo_nomination("虚假材料", 3))
    await services.submit(nominator, caught)
    await services.sanction_nomination(admin, caught, "false_material", "论文造假", 24)
    assert (await services.get_nomination(admin, caught))["status"] == "disqualified"
    later = await services.create_nomination(nominator, cycle_id, demo_nomination("另一项目", 3, start=20))
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, later)
    assert [r.code for r in refused.value.reasons] == ["eligibility.society_suspended"]


async def test_objection_upheld_sends_the_nomination_back() -> None:
    import datetime as dt

    from xuehui.clock import today
    from xuehui.idcard import make

    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    notice_id = await services.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    notice = await services.public_notice(notice_id)
    assert [e["title"] for e in notice["entries"]] == ["精密机床"]
    with pytest.raises(InvalidInput) as anonymous:
        await services.file_objection(notice_id, nomination_id, "", "", "", "", "成果不实", [])
    assert {r.code for r in anonymous.value.reasons} == {"objection.anonymous"}
    objector = make("370102", dt.date(1980, 5, 5), 3, "male")
    objection_id = await services.file_objection(
        notice_id, nomination_id, "王五", objector, "13800138000", "某大学", "成果不实", [("证据.pdf", b"%PDF-1.4")]
    )
    society_view = await services.objections(nominator)
    assert [(o["id"], o["name"], o["id_number"]) for o in society_view] == [(objection_id, "", "")]
    await services.decide_objection(admin, objection_id, "upheld", "经核实部分成果不实", "send_back")
    assert (await services.get_nomination(nominator, nomination_id))["status"] == "returned"


async def test_adjustment_run_proposes_publishes_and_fixes_quotas() -> None:
    cycle_id, admin, _, society_id = await nominating_society()
    run_id = await services.run_adjustment(admin, cycle_id)
    table = await services.adjustment_table(run_id)
    row = next(r for r in table["rows"] if r["society_id"] == society_id)
    assert (row["may_nominate"], row["quota"]["technological_invention"]) == (True, 2)
    await services.override_row(admin, run_id, society_id, True, {"technological_invention": 4}, "重点领域")
    await services.publish_adjustment(admin, run_id)
    quota = (
        await Quota.select(Quota.quota)
        .where((Quota.society_id == society_id) & (Quota.category == "technological_invention"))
        .first()
    )
    assert quota["quota"] == 4
    public = await services.published_adjustment(cycle_id)
    assert public is not None
    assert next(r for r in public["rows"] if r["society_id"] == society_id)["override"] == "重点领域"


async def test_another_society_sees_none_of_our_nominations(client) -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    other = await make_society("CCF", "计算机学会")
    await make_user("intruder", "society", other)
    await login(client, "intruder")
    assert (await client.get(f"/nominations/{nomination_id}")).status_code == 404
    assert "精密机床" not in (await client.get("/nominations")).text
    response = await post_form(client, f"/nominations/{nomination_id}/submit", {"idempotency_key": "x"}, "/nominations")
    assert response.status_code == 404


async def test_the_live_check_reports_the_rules_for_the_form_as_typed(client) -> None:
    await nominating_society()
    await login(client, "nominator")
    fields = {"title": "测试", "category": "technological_invention", "grade": "second"}
    for i in range(7):
        fields[f"c_name_{i}"] = f"人{i}"
        fields[f"c_id_{i}"] = "110105194912310118"
    response = await post_form(client, "/nominations/check", fields, "/nominations/new")
    assert response.status_code == 200
    assert 'data-code="eligibility.too_many_contributors"' in response.text
    assert 'data-code="eligibility.contributor_duplicate"' in response.text
    assert await Nomination.count() == 0


async def test_award_results_respect_caps_and_bar_recent_winners_next_year(client) -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    await services.record_stage(admin, nomination_id, "award_committee", "awarded", "second", "")
    assert (await services.get_nomination(admin, nomination_id))["status"] == "awarded"
    assert await services.record_winners(admin, cycle_id) == 3
    kpis = await services.society_kpis(nominator.society_id or 0)
    assert kpis == {"submitted": 1, "pass_rate": 1.0, "award_rate": 1.0, "awarded": 1}
    await login(client, "nominator")
    project_id = (await client.get("/api/pilots")).json()[0]["id"]
    page = await client.get(f"/pilots/{project_id}")
    derived = page.text.split('id="derived-kpis"')[1].split("</table>")[0]
    cells = [c.split("</td>")[0] for c in derived.split("<td>")[1:]]
    assert cells == [
        "推荐项目数",
        "1",
        "形式审查通过率",
        "100%",
        "获奖率",
        "100%",
        "推荐人才数",
        "0",
        "人才推荐形式审查通过数",
        "0",
        "人才入选数",
        "0",
    ]
