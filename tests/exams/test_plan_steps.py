"""Seating, publishing the scores and issuing certificates each ask once more on the plan's
page: the first POST changes nothing and says what will happen, 取消 goes back to the plan, the
confirmed POST does it."""

from __future__ import annotations

from typing import Any

from exams import services
from exams.tables import ExamPlan, Registration
from tests.exams.exam_support import exam_society, plan_in, registered
from tests.support import login, post_form


async def test_seating_asks_once_more_with_how_many_are_seated_and_seats_when_confirmed(client: Any) -> None:
    _society, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    for n in (1, 2):
        await registered(plan_id, examadmin, n)
    await login(client, examadmin.username)
    page = f"/exams/{plan_id}"

    asked = await post_form(client, f"{page}/seating", {}, page)
    assert asked.status_code == 200
    assert "为“化工工程师职业资格考试”编排考场座位？" in asked.text
    assert "2名审核通过且尚无座位的考生将获得座位，并生成准考证。" in asked.text
    assert f'<a class="button secondary" href="{page}" id="cancel-step">取消</a>' in asked.text
    assert [r["room"] for r in await Registration.select(Registration.room)] == [None, None]
    assert (await ExamPlan.select(ExamPlan.seated_at).first())["seated_at"] is None

    done = await post_form(client, f"{page}/seating", {"confirmed": "1"}, page)
    assert (done.status_code, done.headers["location"]) == (303, f"{page}?done=seated")
    assert None not in [r["room"] for r in await Registration.select(Registration.room)]

    again = await post_form(client, f"{page}/seating", {}, page)
    assert "为“化工工程师职业资格考试”的补报考生安排座位？" in again.text
    assert "0名审核通过且尚无座位的考生将获得座位，并生成准考证。" in again.text


async def test_publishing_and_issuing_without_confirmation_change_nothing(client: Any) -> None:
    _society, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    await login(client, examadmin.username)
    page = f"/exams/{plan_id}"
    publish = await post_form(client, f"{page}/publish", {}, page)
    assert "成绩公布后只能经复核更改。" in publish.text
    issue = await post_form(client, f"{page}/certificates", {}, page)
    assert f'<a class="button secondary" href="{page}/results" id="cancel-step">取消</a>' in issue.text
    assert (await ExamPlan.select(ExamPlan.published_at).first())["published_at"] is None
    refused = await post_form(client, f"{page}/publish", {"confirmed": "1"}, page)
    assert refused.status_code == 409
    assert '<li data-field="">成绩公布日期为' in refused.text and 'id="counts"' in refused.text
    assert (await ExamPlan.select(ExamPlan.published_at).first())["published_at"] is None
