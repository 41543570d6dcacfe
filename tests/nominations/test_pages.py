"""The nomination pages show labels, never codes, and a refused form comes back as the same
page with the reasons and the input kept, answered with the refusal's status."""

from accounts.rules import Actor
from nominations import services
from tests.nominations.support import checklist_form, demo_nomination, nominating_society
from tests.support import login, post_form
from xuehui.clock import today
from xuehui.idcard import make


async def _submitted() -> tuple[int, Actor, int]:
    """(cycle id, admin, nomination id): a nomination submitted and awaiting formal review."""
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    return cycle_id, admin, nomination_id


async def test_review_steps_and_objection_states_are_shown_by_their_labels(client) -> None:
    cycle_id, admin, nomination_id = await _submitted()
    await login(client, "root-cmes")
    page = f"/admin/nominations/{nomination_id}"
    response = await post_form(client, f"{page}/review", checklist_form("pass"), page)
    assert (response.status_code, response.headers["location"]) == (303, page)
    steps = (await client.get(page)).text.split('id="steps"')[1].split("</ol>")[0]
    assert "形式审查" in steps and "通过" in steps
    assert "formal_review" not in steps and "passed" not in steps

    notice_id = await services.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    await services.file_objection(
        notice_id,
        nomination_id,
        "王五",
        make("370102", today().replace(year=1985), 7, "male"),
        "13800138000",
        "",
        "数据重复",
        [],
    )
    notices = (await client.get("/admin/notices")).text
    assert '<td class="state">已受理</td>' in notices
    objection = (await services.objections(admin))[0]["id"]
    decided = await post_form(
        client, f"/admin/objections/{objection}", {"state": "dismissed", "decision": "不成立"}, "/admin/notices"
    )
    assert decided.status_code == 303
    assert '<td class="state">异议不成立</td>' in (await client.get("/admin/notices")).text
    assert "dismissed" not in (await client.get(page)).text.split("<h2>异议</h2>")[-1]


async def test_adjustment_runs_show_their_state_by_its_label(client) -> None:
    cycle_id, admin, _, _ = await nominating_society()
    run_id = await services.run_adjustment(admin, cycle_id)
    await login(client, "root-cmes")
    text = (await client.get(f"/admin/adjustment/{cycle_id}?run={run_id}")).text
    assert "待发布的调整方案" in text.split("<h2>", 1)[1].split("</h2>", 1)[0]
    assert ("· proposed" in text, f"#{run_id}" in text) == (False, False)


async def test_a_refused_formal_review_keeps_the_page_and_says_why(client) -> None:
    _, admin, nomination_id = await _submitted()
    await login(client, "root-cmes")
    page = f"/admin/nominations/{nomination_id}"
    response = await post_form(client, f"{page}/review", checklist_form("reject", reasons=" "), page)
    assert response.status_code == 422
    assert 'id="formal-review"' in response.text
    assert "退回或不通过须写明理由" in response.text
    assert (await services.get_nomination(admin, nomination_id))["status"] == "submitted"


async def test_a_refused_cycle_setting_keeps_what_was_typed(client) -> None:
    cycle_id, _, _, _ = await nominating_society()
    await login(client, "root-cmes")
    page = f"/admin/award-cycles/{cycle_id}"
    response = await post_form(client, page, {"config": '{"categories": ', "policy": "{}", "note": ""}, page)
    assert response.status_code == 422
    assert "设置格式错误：第1行" in response.text
    assert "{&#34;categories&#34;: </textarea>" in response.text


async def test_a_notice_without_a_title_is_refused_on_the_notices_page(client) -> None:
    await nominating_society()
    await login(client, "root-cmes")
    response = await post_form(client, "/admin/notices", {"window": "accepted", "title": " "}, "/admin/notices")
    assert response.status_code == 422
    assert "请填写公示标题" in response.text
    assert 'action="/admin/notices"' in response.text
    assert await services.public_notices() == []


async def test_a_society_withdraws_from_the_page_only_after_confirming(client) -> None:
    cycle_id, admin, nominator, _ = await nominating_society(quota=1)
    config = (await services.cycle_config(cycle_id)).to_dict()
    await services.save_cycle(admin, cycle_id, {**config, "withdrawal_allowed": True}, None, "允许撤回")
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    await login(client, "nominator")
    page = f"/nominations/{nomination_id}"
    assert 'id="withdraw-form"' in (await client.get(page)).text
    asked = await post_form(client, f"{page}/withdraw", {}, page)
    assert asked.status_code == 200
    assert "撤回推荐项目“精密机床”？" in asked.text
    assert "该项目退出评审，名额退回本学会。" in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert (await services.get_nomination(nominator, nomination_id))["status"] == "submitted"
    confirmed = await post_form(client, f"{page}/withdraw", {"confirmed": "1"}, page)
    assert (confirmed.status_code, confirmed.headers["location"]) == (303, page)
    assert (await services.get_nomination(nominator, nomination_id))["status"] == "withdrawn"
    shown = await client.get(page)
    assert 'id="withdraw-form"' not in shown.text
    assert "已撤回" in shown.text
    assert '<p class="notice flash" role="status">推荐项目已撤回。</p>' in shown.text
    assert "推荐项目已撤回。" not in (await client.get(page)).text


async def test_the_audit_view_names_nomination_entries_and_their_codes_in_words(client) -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    await login(client, "root-cmes")
    page = (await client.get("/admin/audit")).text
    rows = page.split('<table id="audit">')[1].split("<tr")
    submitted = next(row for row in rows if "提交推荐项目" in row)
    assert "推荐项目" in submitted
    assert "奖励类别: 技术发明奖" in submitted
    for code in ("nomination.submitted", "technological_invention", ">nomination "):
        assert code not in submitted
