"""Submitting a nomination or a recommendation asks once more: the first POST changes nothing and says what will
happen (a quota place is used), 取消 goes back to the nomination, the confirmed POST submits and
the next page says so once."""

from expert_pool.rules.ballots import Tally
from nominations import services
from nominations.tables import Notice
from tests.nominations.support import complete, demo_nomination, nominating_society, recommending_society
from tests.nominations.test_talent_services import _passed, young
from tests.support import login, post_form


async def test_submitting_a_nomination_shows_the_quota_place_first_and_submits_when_confirmed(client) -> None:
    cycle_id, _, nominator, society_id = await nominating_society(quota=3)
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await login(client, "nominator")
    page = f"/nominations/{nomination_id}"
    fields = {"idempotency_key": "k-confirm"}

    asked = await post_form(client, f"{page}/submit", fields, page)
    assert asked.status_code == 200
    assert '<h1 id="confirm-heading">提交推荐项目“精密机床”？</h1>' in asked.text
    assert "占用本学会技术发明奖推荐名额一个：提交后已用1个，共3个。" in asked.text
    assert "项目进入省科协形式审查，提交后不能再修改。" in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert '<input type="hidden" name="idempotency_key" value="k-confirm">' in asked.text
    assert '<input type="hidden" name="confirmed" value="1">' in asked.text
    assert (await services.get_nomination(nominator, nomination_id))["status"] == "draft"
    quota = await services.society_quotas(nominator, cycle_id, society_id)
    assert [q["used"] for q in quota if q["category"] == "technological_invention"] == [0]

    back = await client.get(page)
    assert (back.status_code, 'id="nomination-form"' in back.text) == (200, True)

    done = await post_form(client, f"{page}/submit", {**fields, "confirmed": "1"}, page)
    assert (done.status_code, done.headers["location"]) == (303, page)
    assert (await services.get_nomination(nominator, nomination_id))["status"] == "submitted"
    quota = await services.society_quotas(nominator, cycle_id, society_id)
    assert [q["used"] for q in quota if q["category"] == "technological_invention"] == [1]
    shown = await client.get(page)
    assert '<p class="notice flash" role="status">推荐已提交。</p>' in shown.text


async def test_submitting_a_recommendation_shows_the_quota_place_first_and_submits_when_confirmed(client) -> None:
    programme_id, _, nominator, society_id = await recommending_society(quota=2)
    recommendation_id = await services.create_recommendation(nominator, programme_id, young("张青", 1))
    await complete(nominator, programme_id, recommendation_id)
    await login(client, "nominator")
    page = f"/talent/{recommendation_id}"

    asked = await post_form(client, f"{page}/submit", {"idempotency_key": "k-talent"}, page)
    assert asked.status_code == 200
    assert "提交对张青的推荐？" in asked.text
    assert "占用本学会该项目推荐名额一个：提交后已用1个，共2个。" in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert (await services.get_recommendation(nominator, recommendation_id))["status"] == "draft"
    assert await services.talent_quota(nominator, programme_id, society_id) == {"quota": 2, "used": 0}

    done = await post_form(client, f"{page}/submit", {"idempotency_key": "k-talent", "confirmed": "1"}, page)
    assert (done.status_code, done.headers["location"]) == (303, page)
    assert (await services.get_recommendation(nominator, recommendation_id))["status"] == "submitted"
    assert await services.talent_quota(nominator, programme_id, society_id) == {"quota": 2, "used": 1}
    assert '<p class="notice flash" role="status">推荐已提交。</p>' in (await client.get(page)).text


async def test_publishing_a_talent_notice_and_fixing_the_final_list_ask_once_more(client) -> None:
    programme_id, admin, nominator, _ = await recommending_society()
    (first,) = await _passed(admin, nominator, programme_id, ["甲"])
    await services.record_ballot(admin, programme_id, 11, 11, 1, {first: Tally(9, 2)})
    await login(client, "root-cmes")
    page = f"/admin/talent/{programme_id}"
    form = {"title": "青年科技奖拟入选人选公示", "starts_on": ""}
    asked = await post_form(client, f"{page}/notice", form, page)
    assert "发布公示“青年科技奖拟入选人选公示”？" in asked.text
    assert "拟推荐名单立即向社会公开。" in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert await Notice.count() == 0
    done = await post_form(client, f"{page}/notice", {**form, "confirmed": "1"}, page)
    assert done.status_code == 303
    assert await Notice.count() == 1
    final = await post_form(client, f"{page}/final", {}, page)
    assert "拟推荐人选确定入选，并记入获奖登记。" in final.text
    assert (await services.get_recommendation(admin, first))["status"] == "proposed"
