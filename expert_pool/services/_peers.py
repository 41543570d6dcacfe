"""Reads of other packages' records the expert pool needs, through their public services only.

`accounts.services` has no look-up of accounts by user name yet; until it does, these read the
administrator's list of expert accounts (`list_users`) and pick the names wanted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from accounts import services as accounts
from accounts.rules import Actor

EXPERT_ROLE = "expert"


async def account_by_username(actor: Actor, username: str) -> dict[str, Any] | None:
    """The account called `username` whatever its role (id, username, role ...), or None."""
    for row in await accounts.list_users(actor):
        if row["username"] == username:
            return row
    return None


async def expert_accounts(actor: Actor, usernames: Iterable[str]) -> dict[str, int]:
    """User name -> id of the given names that are `expert` accounts."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    return {
        row["username"]: int(row["id"])
        for row in await accounts.list_users(actor, role=EXPERT_ROLE)
        if row["username"] in wanted
    }
