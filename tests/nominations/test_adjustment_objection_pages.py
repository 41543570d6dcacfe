"""The adjustment objection through the pages: the society reads its row and objects, the
association answers beside the objection, and a refused form keeps what was typed."""

from __future__ import annotations

from nominations import services
from nominations.tables import AdjustmentObjection
from tests.nominations.support import nominating_society
from tests.support import login, post_form
from xuehui.clock import today


async def test_publishing_asks_once_more(client) -> None:
    cycle_id, admin, _, _ = await nominating_society()
    run_id = await services.run_adjustment(admin, cycle_id)
    await login(client, "root-cmes")
    page = f"/admin/adjustment/{cycle_id}?run={run_id}"
    asked = await post_form(client, f"/admin/adjustment/runs/{run_id}/publish", {}, page)
    assert asked.status_code == 200
    assert "各学会本年度的推荐名额按此表确定。" in asked.text and "学会异议期随即开始。" in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert (await services.adjustment_table(run_id))["status"] == "proposed"
    done = await post_form(client, f"/admin/adjustment/runs/{run_id}/publish", {"confirmed": "1"}, page)
    assert (done.status_code, done.headers["location"]) == (303, page)
    assert (await services.adjustment_table(run_id))["status"] == "published"
    assert '<p class="notice flash" role="status">动态调整结果已发布。</p>' in (await client.get(page)).text


async def test_a_society_objects_to_its_row_and_reads_the_answer(client, other_client) -> None:
    cycle_id, admin, _, _ = await nominating_society()
    run_id = await services.run_adjustment(admin, cycle_id)
    await services.publish_adjustment(admin, run_id)
    year = today().year
    await login(client, "nominator")
    own = f"/nominations/adjustment?year={year}"
    shown = (await client.get(own)).text
    assert "上一周期提名数量不足" in shown.split('id="own-reasons"', 1)[1]
    refused = await post_form(client, f"/nominations/adjustment/objections?year={year}", {"grounds": " "}, own)
    assert (refused.status_code, "请写明异议的事实和理由" in refused.text) == (422, True)
    lodged = await post_form(
        client, f"/nominations/adjustment/objections?year={year}", {"grounds": "去年获奖数统计漏了一项"}, own
    )
    assert (lodged.status_code, lodged.headers["location"]) == (303, f"{own}&done=objection")
    objection = (await AdjustmentObjection.select(AdjustmentObjection.id).first())["id"]
    await login(other_client, "root-cmes")
    admin_page = f"/admin/adjustment/{cycle_id}?run={run_id}"
    section = (await other_client.get(admin_page)).text.split('id="objections"', 1)[1]
    assert "去年获奖数统计漏了一项" in section
    # The correction starts from the published quotas, so a blank never zeroes a category.
    assert 'name="quota_technological_invention" type="number" min="0" value="2"' in section
    answer_url = f"/admin/adjustment/objections/{objection}/answer"
    typed = {"run_id": str(run_id), "outcome": "corrected", "quota_technological_invention": "3", "answer": " "}
    again = await post_form(other_client, answer_url, typed, admin_page)
    assert (again.status_code, "请写明答复意见" in again.text, 'value="3"' in again.text) == (422, True, True)
    answered = await post_form(other_client, answer_url, {**typed, "answer": "经核实，名额更正为3"}, admin_page)
    assert answered.status_code == 303
    after = (await client.get(own)).text
    assert ("已更正" in after, "经核实，名额更正为3" in after, "corrected" in after) == (True, True, False)
    assert 'id="objection-form"' not in after
