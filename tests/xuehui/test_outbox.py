"""The outbox: a message commits with its event or not at all, is sent to a real SMTP server
at least once, tried again with backoff when the server refuses, claimed by one sender at a
time, sent again after a sender died holding it, and de-duplicated by its key."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from tests.mail import Mailbox
from xuehui.clock import now
from xuehui.db import connection_pool, write_transaction
from xuehui.i18n import gettext as _
from xuehui.notify import MessageState, Recipient, enqueue, inbox, mark_read, send_pass, unread_count
from xuehui.notify.outbox import claim
from xuehui.notify.rules import MAX_ATTEMPTS, after_failure, retry_delay
from xuehui.tables import OutboxMessage

ZHANG = Recipient(7, "zhang@example.org", "zh")
LI = Recipient(8, "li@example.org", "en")


def compose() -> tuple[str, str]:
    return _("Inbox"), _("No messages yet.")


async def states() -> list[tuple[str, str, int]]:
    rows = await OutboxMessage.select(OutboxMessage.address, OutboxMessage.state, OutboxMessage.attempts).order_by(
        OutboxMessage.id
    )
    return [(r["address"], r["state"], r["attempts"]) for r in rows]


@pytest.mark.pure
def test_retries_back_off_doubling_to_a_cap_and_give_up_after_the_last_attempt() -> None:
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(30).total_seconds() == 6 * 3600
    moment = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert after_failure(1, moment) == (MessageState.PENDING, moment + dt.timedelta(seconds=30))
    assert after_failure(MAX_ATTEMPTS, moment) == (MessageState.FAILED, moment)


async def test_messages_are_written_in_each_recipients_language_and_sent_once(mailbox: Mailbox) -> None:
    assert await enqueue([ZHANG, LI], "event:1", compose, link="/inbox") == 2
    assert (await send_pass(mailbox.settings)).sent == 2
    assert [(m["Subject"], str(m.get_content()).strip()) for m in mailbox.to("zhang@example.org")] == [
        ("消息", "暂无消息。")
    ]
    assert [m["Subject"] for m in mailbox.to("li@example.org")] == ["Inbox"]
    assert mailbox.to("li@example.org")[0]["X-Xuehui-Key"] == "event:1:u8"
    assert await states() == [("zhang@example.org", "sent", 1), ("li@example.org", "sent", 1)]
    # Nothing is due any more: a second pass sends nothing.
    assert (await send_pass(mailbox.settings)).sent == 0
    assert len(mailbox.messages) == 2


async def test_the_same_key_queued_twice_is_one_message(mailbox: Mailbox) -> None:
    assert await enqueue([ZHANG], "event:2", compose) == 1
    assert await enqueue([ZHANG], "event:2", compose) == 0
    await send_pass(mailbox.settings)
    assert len(mailbox.to("zhang@example.org")) == 1


async def test_a_message_rolls_back_with_its_event() -> None:
    async def failing_event() -> None:
        async with write_transaction():
            await enqueue([ZHANG], "event:3", compose)
            raise RuntimeError("the event failed")

    with pytest.raises(RuntimeError):
        await failing_event()
    assert await OutboxMessage.count() == 0


async def test_a_refusing_server_is_tried_again_later_and_then_accepts(mailbox: Mailbox) -> None:
    await enqueue([ZHANG], "event:4", compose)
    mailbox.refuse = True
    before = now()
    assert (await send_pass(mailbox.settings)).failed == 1
    row = await OutboxMessage.select().first()
    assert (row["state"], row["attempts"]) == ("pending", 1)
    assert "451" in row["last_error"]
    waited = (row["next_attempt_at"] - before).total_seconds()
    assert 29 <= waited <= 31
    mailbox.refuse = False
    assert (await send_pass(mailbox.settings)).sent == 0  # not due yet
    await OutboxMessage.update({OutboxMessage.next_attempt_at: now()}).where(OutboxMessage.id == row["id"])
    assert (await send_pass(mailbox.settings)).sent == 1
    assert await states() == [("zhang@example.org", "sent", 2)]


async def test_a_server_that_is_down_counts_as_a_failed_try() -> None:
    from tests.mail import free_port
    from xuehui.notify import MailSettings

    await enqueue([ZHANG], "event:5", compose)
    report = await send_pass(MailSettings(host="127.0.0.1", port=free_port(), timeout=2))
    assert (report.sent, report.failed) == (0, 1)
    assert await states() == [("zhang@example.org", "pending", 1)]


async def test_only_one_of_two_senders_claims_a_message() -> None:
    await enqueue([ZHANG], "event:6", compose)
    message_id = (await OutboxMessage.select(OutboxMessage.id).first())["id"]
    moment = now()
    async with connection_pool(4):
        claims = await asyncio.gather(*(claim(message_id, moment) for _ in range(8)))
    assert sum(c is not None for c in claims) == 1
    assert await states() == [("zhang@example.org", "sending", 1)]


async def test_a_message_claimed_by_a_sender_that_died_is_sent_again_after_its_lease(mailbox: Mailbox) -> None:
    await enqueue([ZHANG], "event:7", compose)
    message_id = (await OutboxMessage.select(OutboxMessage.id).first())["id"]
    assert await claim(message_id, now()) is not None  # this sender dies before sending
    assert (await send_pass(mailbox.settings)).sent == 0  # the lease still holds
    await OutboxMessage.update({OutboxMessage.lease_until: now() - dt.timedelta(seconds=1)}).where(
        OutboxMessage.id == message_id
    )
    assert (await send_pass(mailbox.settings)).sent == 1
    assert await states() == [("zhang@example.org", "sent", 2)]
    assert len(mailbox.to("zhang@example.org")) == 1


async def test_a_user_without_an_address_gets_the_message_in_the_inbox_only(mailbox: Mailbox) -> None:
    await enqueue([Recipient(9, "", "zh"), ZHANG], "event:8", compose, link="/somewhere")
    await send_pass(mailbox.settings)
    assert await states() == [("", "inbox_only", 0), ("zhang@example.org", "sent", 1)]
    assert [(m["subject"], m["link"]) for m in await inbox(9)] == [("消息", "/somewhere")]
    assert (await unread_count(9), await unread_count(7)) == (1, 1)
    assert await mark_read(7, (await inbox(9))[0]["id"]) == 0  # not Zhang's message
    assert await mark_read(9) == 1
    assert await unread_count(9) == 0
