"""Experts hear of their review work by mail and in their inbox: invited by an assignment run,
the new expert invited and the one who declined told when a replacement moves the item, and the
deadline reminder once per expert and deadline."""

from __future__ import annotations

import datetime as dt

from expert_pool import services
from expert_pool.services.deadlines import send_deadline_reminders
from expert_pool.tables import Expert, ReviewAssignment, ReviewBatch
from tests.expert_pool.support import batch, item, make_expert
from tests.mail import Mailbox
from tests.support import make_user
from xuehui.clock import today
from xuehui.notify import inbox, send_pass

from .test_deadlines import _expert


async def subjects(mailbox: Mailbox, address: str) -> list[str]:
    return [str(m["Subject"]) for m in mailbox.to(address)]


async def test_invited_replaced_and_reminded_experts_are_told(mailbox: Mailbox) -> None:
    admin = await make_user("root", "admin")
    for n in (1, 2, 3):
        expert_id = await make_expert(admin, n, name=f"专家{n}", username=f"e{n}")
        await Expert.update({Expert.email: f"e{n}@example.org"}).where(Expert.id == expert_id)
    batch_id = await services.create_batch(admin, batch([item("A")], required=2, max_load=1))
    deadline = today() + dt.timedelta(days=2)
    await ReviewBatch.update({ReviewBatch.deadline: deadline}).where(ReviewBatch.id == batch_id)
    await services.run_assignment(admin, batch_id)
    await send_pass(mailbox.settings)
    held = await ReviewAssignment.select(ReviewAssignment.expert.name).where(ReviewAssignment.status == "assigned")
    invited = sorted(r["expert.name"].removeprefix("专家") for r in held)
    spare = ({"1", "2", "3"} - set(invited)).pop()
    for n in invited:
        assert await subjects(mailbox, f"e{n}@example.org") == ["邀请评审：测试批次"]
        [body] = mailbox.bodies(f"e{n}@example.org")
        assert "1" in body and deadline.isoformat() in body and "项目A" not in body
    assert await subjects(mailbox, f"e{spare}@example.org") == []

    decliner = await _expert(f"e{invited[0]}")
    (mine,) = await services.my_assignments(decliner)
    await services.respond(decliner, mine["id"], "decline", "出差")
    await send_pass(mailbox.settings)
    assert await subjects(mailbox, f"e{invited[0]}@example.org") == ["邀请评审：测试批次", "评审任务变更：测试批次"]
    assert await subjects(mailbox, f"e{spare}@example.org") == ["邀请评审：测试批次"]
    assert [m["subject"] for m in await inbox(decliner.user_id)] == ["评审任务变更：测试批次", "邀请评审：测试批次"]

    assert await send_deadline_reminders(None, on=today()) == 2
    assert await send_deadline_reminders(None, on=today()) == 0
    await send_pass(mailbox.settings)
    reminder = f"提醒：评审截止日期 {deadline.isoformat()}"
    assert (await subjects(mailbox, f"e{spare}@example.org"))[-1] == reminder
    assert (await subjects(mailbox, f"e{invited[1]}@example.org")).count(reminder) == 1
    assert reminder not in await subjects(mailbox, f"e{invited[0]}@example.org")
