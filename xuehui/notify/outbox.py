"""The outbox: messages written in the transaction of their event, and the sender that hands
them to the mail server at least once.

    async with write_transaction():
        ...the event's own writes...
        await enqueue(recipients, "nomination.returned:12:3", compose, link="/nominations/12")

A sender pass claims due rows one by one with a conditional update (state and lease in the
WHERE), so two instances never send the same row at once; it marks a row sent only after the
server accepted it, so a crash in between sends it again when the lease runs out.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Iterable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.i18n import in_language, normalise_language
from xuehui.notify.rules import LEASE_SECONDS, MailSettings, MessageState, after_failure
from xuehui.notify.smtp import deliver
from xuehui.tables import OutboxMessage

log = logging.getLogger("xuehui.outbox")

MAX_ERROR = 500
BATCH = 50


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to: a user (their inbox, and their address when they have one), or
    only an address (an objector who gave an e-mail)."""

    user_id: int | None
    address: str
    language: str = "zh"

    @property
    def key(self) -> str:
        return f"u{self.user_id}" if self.user_id is not None else f"a{self.address.lower()}"


# Writes the subject and body in the language set around the call (`gettext` as usual).
Compose = Callable[[], tuple[str, str]]


async def enqueue(recipients: Iterable[Recipient], key: str, compose: Compose, link: str = "") -> int:
    """Queue one message per recipient, each in the recipient's language; inside the event's
    write transaction. A key already queued is skipped (de-duplication); returns how many new."""
    added = 0
    moment = now()
    async with write_transaction():
        for recipient in recipients:
            if recipient.user_id is None and not recipient.address:
                continue
            lang = normalise_language(recipient.language)
            with in_language(lang):
                subject, body = compose()
            address = recipient.address.strip()
            row = OutboxMessage(
                message_key=f"{key}:{recipient.key}"[:200],
                recipient_id=recipient.user_id,
                address=address,
                language=lang,
                subject=subject[:300],
                body=body,
                link=link,
                state=MessageState.PENDING if address else MessageState.INBOX_ONLY,
                attempts=0,
                next_attempt_at=moment,
                created_at=moment,
            )
            inserted = await (
                OutboxMessage.insert(row)
                .on_conflict(target=OutboxMessage.message_key, action="DO NOTHING")
                .returning(OutboxMessage.id)
            )
            added += len(inserted)
    return added


def _due(moment: dt.datetime) -> Any:
    pending = (OutboxMessage.state == MessageState.PENDING) & (OutboxMessage.next_attempt_at <= moment)
    abandoned = (OutboxMessage.state == MessageState.SENDING) & (OutboxMessage.lease_until < moment)
    return pending | abandoned


async def claim(message_id: int, moment: dt.datetime) -> dict[str, Any] | None:
    """Take one due message for this sender until the lease runs out; None when another took it."""
    async with write_transaction():
        taken = await (
            OutboxMessage.update(
                {
                    OutboxMessage.state: MessageState.SENDING,
                    OutboxMessage.lease_until: moment + dt.timedelta(seconds=LEASE_SECONDS),
                    OutboxMessage.attempts: OutboxMessage.attempts + 1,
                }
            )
            .where((OutboxMessage.id == message_id) & _due(moment))
            .returning(*OutboxMessage.all_columns())
        )
    return taken[0] if taken else None


def _ours(row: dict[str, Any]) -> Any:
    """Still the claim this sender made (not taken over after the lease ran out)."""
    return (
        (OutboxMessage.id == row["id"])
        & (OutboxMessage.state == MessageState.SENDING)
        & (OutboxMessage.attempts == row["attempts"])
    )


async def _mark_sent(row: dict[str, Any]) -> None:
    async with write_transaction():
        await OutboxMessage.update(
            {
                OutboxMessage.state: MessageState.SENT,
                OutboxMessage.sent_at: now(),
                OutboxMessage.lease_until: None,
                OutboxMessage.last_error: "",
            }
        ).where(_ours(row))


async def _mark_failed(row: dict[str, Any], error: BaseException) -> None:
    moment = now()
    state, next_at = after_failure(int(row["attempts"]), moment)
    async with write_transaction():
        await OutboxMessage.update(
            {
                OutboxMessage.state: state,
                OutboxMessage.next_attempt_at: next_at,
                OutboxMessage.lease_until: None,
                OutboxMessage.last_error: f"{type(error).__name__}: {error}"[:MAX_ERROR],
            }
        ).where(_ours(row))


@dataclass
class PassReport:
    sent: int = 0
    failed: int = 0


async def send_pass(settings: MailSettings, limit: int = BATCH) -> PassReport:
    """Send every message due now (up to `limit`): claim, hand to the server, mark."""
    report = PassReport()
    moment = now()
    due = await (
        OutboxMessage.select(OutboxMessage.id).where(_due(moment)).order_by(OutboxMessage.next_attempt_at).limit(limit)
    )
    for found in due:
        row = await claim(int(found["id"]), moment)
        if row is None:
            continue
        try:
            await deliver(settings, row["address"], row["subject"], row["body"], row["message_key"])
        except Exception as error:  # the server refused or is away: try again later
            log.warning("message %s not sent (try %s): %s: %s", row["id"], row["attempts"], type(error).__name__, error)
            await _mark_failed(row, error)
            report.failed += 1
            continue
        await _mark_sent(row)
        report.sent += 1
    return report


async def run_sender(settings: MailSettings, poll_seconds: float, stop: asyncio.Event) -> None:
    """Send passes every `poll_seconds` until `stop` is set (the app's lifespan)."""
    while not stop.is_set():
        try:
            await send_pass(settings)
        except Exception as error:  # the database is briefly away: the next pass tries again
            log.warning("outbox pass failed: %s: %s", type(error).__name__, error)
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), poll_seconds)
