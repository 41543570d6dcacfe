"""Who messages go to: users' addresses and languages for the outbox, read here so that other
packages never read the user table; and the language a user chose for their messages."""

from __future__ import annotations

from collections.abc import Iterable

from accounts.rules import Actor
from accounts.tables import User
from xuehui.db import write_transaction
from xuehui.i18n import normalise_language
from xuehui.notify import Recipient


def _recipient(row: dict[str, object]) -> Recipient:
    return Recipient(int(str(row["id"])), str(row["email"] or ""), normalise_language(str(row["language"])))


async def user_recipients(user_ids: Iterable[int]) -> list[Recipient]:
    """The active users among `user_ids`, each with their address and language."""
    wanted = sorted(set(user_ids))
    if not wanted:
        return []
    rows = await User.select(User.id, User.email, User.language).where(User.id.is_in(wanted) & (User.active == True))  # noqa: E712
    return [_recipient(row) for row in rows]


async def society_recipients(society_id: int, roles: Iterable[str] = ("society",)) -> list[Recipient]:
    """The active staff of a society in `roles` (its nominating staff by default)."""
    rows = await User.select(User.id, User.email, User.language).where(
        (User.society_id == society_id) & User.role.is_in(list(roles)) & (User.active == True)  # noqa: E712
    )
    return [_recipient(row) for row in rows]


async def set_language(actor: Actor, lang: str) -> None:
    async with write_transaction():
        await User.update({User.language: normalise_language(lang)}).where(User.id == actor.user_id)
