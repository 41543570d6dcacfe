"""Review deadlines through the services and pages: the automatic reminder before the deadline
(once per expert and deadline), late reviews flagged, and an overdue assignment withdrawn and
replaced like a decline."""

import datetime as dt

from accounts.rules import Actor
from accounts.tables import User
from expert_pool import services
from expert_pool.schemas import ReviewIn
from expert_pool.services.deadlines import send_deadline_reminders, withdraw_overdue
from expert_pool.tables import Reminder, ReviewAssignment, ReviewBatch
from tests.expert_pool.support import batch, item, make_expert
from tests.support import login, make_user, post_form
from xuehui.clock import today


async def _expert(username: str) -> Actor:
    row = await User.select(User.id).where(User.username == username).first()
    assert row is not None
    return Actor(user_id=row["id"], username=username, display_name="", role="expert")


async def _batch_due_in(days: int) -> tuple[Actor, int]:
    admin = await make_user("root", "admin")
    for n in (1, 2, 3):
        await make_expert(admin, n, name=f"专家{n}", username=f"e{n}")
    batch_id = await services.create_batch(admin, batch([item("A")], required=2, max_load=1))
    await services.run_assignment(admin, batch_id)
    await ReviewBatch.update({ReviewBatch.deadline: today() + dt.timedelta(days=days)}).where(
        ReviewBatch.id == batch_id
    )
    return admin, batch_id


async def _holders(batch_id: int) -> list[str]:
    rows = await ReviewAssignment.select(ReviewAssignment.expert.name).where(
        (ReviewAssignment.item.batch == batch_id) & ReviewAssignment.status.is_in(["assigned", "accepted"])
    )
    return sorted(r["expert.name"] for r in rows)


async def test_the_reminder_goes_once_to_each_expert_whose_review_is_not_in(client) -> None:
    _, batch_id = await _batch_due_in(5)
    first, second = await _holders(batch_id)
    done = await _expert(f"e{first.removeprefix('专家')}")
    (mine,) = await services.my_assignments(done)
    await services.respond(done, mine["id"], "accept")
    await services.save_review(
        done, mine["id"], ReviewIn(scores={"overall": 80}, recommendation="recommend", submit=True)
    )

    deadline = today() + dt.timedelta(days=5)
    assert await send_deadline_reminders(None, on=deadline - dt.timedelta(days=3)) == 0  # not yet due
    assert await send_deadline_reminders(None, on=deadline - dt.timedelta(days=2)) == 1
    assert await send_deadline_reminders(None, on=deadline) == 0  # once per expert and deadline
    reminders = await Reminder.select(Reminder.expert.name, Reminder.kind, Reminder.deadline)
    assert reminders == [{"expert.name": second, "kind": "deadline", "deadline": deadline}]

    await login(client, f"e{second.removeprefix('专家')}")
    page = await client.get("/expert/assignments")
    assert f"您的评审截止日期为{deadline.isoformat()}，目前尚未提交。" in page.text


async def test_an_overdue_assignment_is_flagged_and_withdrawn_for_another_expert(client) -> None:
    _, batch_id = await _batch_due_in(-1)
    before = await _holders(batch_id)
    spare = ({"专家1", "专家2", "专家3"} - set(before)).pop()
    late = before[0]
    late_actor = await _expert(f"e{late.removeprefix('专家')}")
    (assignment,) = await services.my_assignments(late_actor)
    assert assignment["lateness"] == "overdue"

    await login(client, "root")
    page = await client.get(f"/admin/review-batches/{batch_id}")
    assert page.text.count("已逾期未提交") == 2
    unconfirmed = await post_form(
        client,
        f"/admin/review-batches/{batch_id}/assignments/{assignment['id']}/withdraw-overdue",
        {},
        f"/admin/review-batches/{batch_id}",
    )
    assert (unconfirmed.status_code, "撤换逾期未评的专家？" in unconfirmed.text) == (200, True)
    cancel = f'<a class="button secondary" href="/admin/review-batches/{batch_id}" id="cancel-step">取消</a>'
    assert cancel in unconfirmed.text
    assert await _holders(batch_id) == before
    withdrawn = await post_form(
        client,
        f"/admin/review-batches/{batch_id}/assignments/{assignment['id']}/withdraw-overdue",
        {"confirmed": "1"},
        f"/admin/review-batches/{batch_id}",
    )
    assert withdrawn.headers["location"] == f"/admin/review-batches/{batch_id}?done=overdue"
    assert await _holders(batch_id) == sorted([before[1], spare])
    status = (
        await ReviewAssignment.select(ReviewAssignment.status, ReviewAssignment.reason)
        .where(ReviewAssignment.id == assignment["id"])
        .first()
    )
    assert status == {"status": "overdue", "reason": "overdue"}
    page = await client.get(f"/admin/review-batches/{batch_id}")
    assert "逾期撤换" in page.text and "评审逾期未提交" in page.text


async def test_an_assignment_on_time_or_already_reviewed_cannot_be_withdrawn_as_overdue() -> None:
    import pytest

    from xuehui.errors import Conflict

    admin, batch_id = await _batch_due_in(0)  # the deadline day itself is on time
    name = (await _holders(batch_id))[0]
    actor = await _expert(f"e{name.removeprefix('专家')}")
    (assignment,) = await services.my_assignments(actor)
    with pytest.raises(Conflict) as refused:
        await withdraw_overdue(admin, assignment["id"])
    assert [r.code for r in refused.value.reasons] == ["assignment.not_overdue"]
    await services.respond(actor, assignment["id"], "accept")
    await services.save_review(
        actor, assignment["id"], ReviewIn(scores={"overall": 70}, recommendation="recommend", submit=True)
    )
    await ReviewBatch.update({ReviewBatch.deadline: today() - dt.timedelta(days=3)}).where(ReviewBatch.id == batch_id)
    with pytest.raises(Conflict):
        await withdraw_overdue(admin, assignment["id"])
    assert (await services.my_assignments(actor))[0]["lateness"] == "submitted_late"


async def test_the_api_reminds_withdraws_overdue_and_decides_a_unit_change(client) -> None:
    from tests.support import api

    _, batch_id = await _batch_due_in(-2)
    name = (await _holders(batch_id))[0]
    (assignment,) = await services.my_assignments(await _expert(f"e{name.removeprefix('专家')}"))
    await login(client, "root")
    reminded = await api(client, "POST", f"/api/review-batches/{batch_id}/deadline-reminders")
    assert (reminded.status_code, reminded.json()) == (200, {"sent": 2})
    reminded = await api(client, "POST", f"/api/review-batches/{batch_id}/deadline-reminders")
    assert reminded.json() == {"sent": 0}
    withdrawn = await api(
        client, "POST", f"/api/review-batches/{batch_id}/assignments/{assignment['id']}/withdraw-overdue"
    )
    assert (withdrawn.status_code, withdrawn.json()) == (200, {"replacement_problems": []})
    again = await api(client, "POST", f"/api/review-batches/{batch_id}/assignments/{assignment['id']}/withdraw-overdue")
    assert (again.status_code, again.json()["errors"][0]["code"]) == (409, "assignment.not_overdue")
    elsewhere = await api(
        client, "POST", f"/api/review-batches/{batch_id + 1}/assignments/{assignment['id']}/withdraw-overdue"
    )
    assert elsewhere.status_code == 404

    expert_id = (await services.list_experts(await make_user("root2", "admin"), q=name))[0]["id"]
    nothing = await api(client, "POST", f"/api/experts/{expert_id}/unit-change", {"decision": "confirm"})
    assert (nothing.status_code, nothing.json()["errors"][0]["code"]) == (409, "expert.no_unit_change")
