"""The messages to experts about their review work: invited to a batch (how many items, the
deadline), reminded of the deadline, and an assignment moved to or away from them by a
replacement. Queued inside the write transaction of the change; each in the expert's language,
to their account's inbox and their address. Never a word to a nominator about who reviews."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from accounts.services import user_recipients
from expert_pool.tables import Expert
from xuehui.i18n import gettext as _
from xuehui.notify import Recipient, enqueue

PORTAL = "/expert/assignments"


async def expert_recipients(expert_ids: Iterable[int]) -> dict[int, Recipient]:
    """Each expert's recipient: their account (inbox, language) and the registry's address,
    else the account's; an expert without an account gets mail only."""
    wanted = sorted(set(expert_ids))
    if not wanted:
        return {}
    rows = await Expert.select(Expert.id, Expert.user, Expert.email).where(Expert.id.is_in(wanted))
    accounts = {r.user_id: r for r in await user_recipients(int(row["user"]) for row in rows if row["user"])}
    found: dict[int, Recipient] = {}
    for row in rows:
        account = accounts.get(int(row["user"])) if row["user"] else None
        address = str(row["email"] or "") or (account.address if account else "")
        if account is not None:
            found[int(row["id"])] = Recipient(account.user_id, address, account.language)
        elif address:
            found[int(row["id"])] = Recipient(None, address, "zh")
    return found


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


async def tell_invited(batch: dict[str, Any], expert_ids: Iterable[int], key: str) -> None:
    """Each expert of a new assignment run: items of the batch wait for their answer. The count is
    not told: an item hidden from the expert later (a conflict found) must not show through."""
    recipients = await expert_recipients(set(expert_ids))
    for expert_id, recipient in recipients.items():

        def compose() -> tuple[str, str]:
            return _("Invited to review: %(batch)s", batch=batch["name"]), _(
                "You are invited to review items of “%(batch)s”. Accept or decline each one, and"
                " declare any conflict of interest, on your assignments page. Reviews are due by %(deadline)s.",
                batch=batch["name"],
                deadline=_date(batch.get("deadline")) or "—",
            )

        await enqueue([recipient], f"{key}:e{expert_id}", compose, link=PORTAL)


async def tell_reminded(batch_name: str, deadline: dt.date | None, expert_ids: Iterable[int], key: str) -> None:
    """The deadline reminder to each expert with reviews still outstanding."""
    recipients = await expert_recipients(expert_ids)

    def compose() -> tuple[str, str]:
        return _("Reminder: reviews due by %(deadline)s", deadline=_date(deadline)), _(
            "Your reviews for “%(batch)s” are due by %(deadline)s and some are not submitted yet.",
            batch=batch_name,
            deadline=_date(deadline),
        )

    for expert_id, recipient in recipients.items():
        await enqueue([recipient], f"{key}:e{expert_id}", compose, link=PORTAL)


async def tell_replaced(batch: dict[str, Any], added: Iterable[int], removed: Iterable[int], key: str) -> None:
    """A replacement moved items: those who got one are invited, those who lost one are told."""
    await tell_invited(batch, added, f"{key}:added")
    lost = await expert_recipients(removed)

    def compose() -> tuple[str, str]:
        return _("Assignment changed: %(batch)s", batch=batch["name"]), _(
            "An item of “%(batch)s” was given to another expert and is no longer on your assignments page.",
            batch=batch["name"],
        )

    for expert_id, recipient in lost.items():
        await enqueue([recipient], f"{key}:removed:e{expert_id}", compose, link=PORTAL)
