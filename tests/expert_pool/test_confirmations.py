"""Running the assignment of a batch and an expert's final submit ask once more: the first POST
changes nothing and says what will happen, 取消 goes back, the confirmed POST does it; saving a
draft review asks nothing."""

from accounts.rules import Actor
from expert_pool import services
from expert_pool.tables import ReviewAssignment, ReviewBatch
from tests.expert_pool.support import batch, item
from tests.expert_pool.test_review_flow import _actor, _pool
from tests.support import login, make_user, post_form


async def test_running_a_batch_says_how_many_experts_each_item_gets_and_runs_when_confirmed(client) -> None:
    admin = await make_user("root", "admin")
    await _pool(admin, 6)
    batch_id = await services.create_batch(admin, batch([item("A"), item("B")], required=2))
    await login(client, "root")
    page = f"/admin/review-batches/{batch_id}"
    asked = await post_form(client, f"{page}/run", {"mode": "optimal"}, page)
    assert asked.status_code == 200
    assert "2个评审对象各指派2位专家，专家随即看到各自的任务。" in asked.text
    assert '<input type="hidden" name="mode" value="optimal">' in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert await ReviewAssignment.count() == 0
    done = await post_form(client, f"{page}/run", {"mode": "optimal", "confirmed": "1"}, page)
    assert done.headers["location"] == f"{page}?done=run"
    assert await ReviewAssignment.count() == 4
    assert (await ReviewBatch.select(ReviewBatch.status).first())["status"] == "assigned"


async def test_an_expert_saves_a_draft_at_once_and_submits_only_after_confirming(client) -> None:
    admin = await make_user("root", "admin")
    await _pool(admin, 2)
    batch_id = await services.create_batch(admin, batch([item("A")], required=1))
    await services.run_assignment(admin, batch_id)
    (row,) = await ReviewAssignment.select(ReviewAssignment.id, ReviewAssignment.expert.user.username)
    expert = row["expert.user.username"]
    await login(client, expert)
    page = f"/expert/assignments/{row['id']}"
    accepted = await post_form(client, f"{page}/respond", {"action": "accept"}, page)
    assert accepted.status_code == 303
    review = {"score_overall": "88", "comment": "创新性突出", "recommendation": "recommend"}
    draft = await post_form(client, f"{page}/review", {**review, "action": "draft"}, page)
    assert draft.headers["location"] == f"{page}?done=draft"
    asked = await post_form(client, f"{page}/review", {**review, "action": "submit"}, page)
    assert asked.status_code == 200
    assert "提交后评分、评语和推荐意见即为最终结果，不能再修改。" in asked.text
    assert '<input type="hidden" name="action" value="submit">' in asked.text
    assert '<input type="hidden" name="score_overall" value="88">' in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert (await services.my_assignment(await _me(expert), row["id"]))["review"]["status"] == "draft"
    done = await post_form(client, f"{page}/review", {**review, "action": "submit", "confirmed": "1"}, page)
    assert done.headers["location"] == f"{page}?done=submitted"
    assert (await services.my_assignment(await _me(expert), row["id"]))["review"]["status"] == "submitted"


async def _me(username: str) -> Actor:
    return await _actor(username)
