"""Reads of other packages' records the expert pool needs, through their public services only."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accounts import services as accounts
from accounts.rules import Actor

EXPERT_ROLE = "expert"


async def account_by_username(actor: Actor, username: str) -> dict[str, Any] | None:
    """The account called `username` whatever its role (id, username, role ...), or None."""
    return await accounts.user_by_username(username)


async def expert_accounts(actor: Actor, usernames: Iterable[str]) -> dict[str, int]:
    """User name -> id of the given names that are `expert` accounts."""
    found = await accounts.users_by_username(usernames, role=EXPERT_ROLE)
    return {name: int(card["id"]) for name, card in found.items()}
