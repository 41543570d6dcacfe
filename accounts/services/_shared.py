"""What the account use cases share: the stored digest of a secret and the actor of a user row."""

from __future__ import annotations

import hashlib
from typing import Any

from accounts.rules import Actor
from xuehui.errors import NotFound, Reason


def digest(token: str) -> str:
    """The SHA-256 stored in place of a session cookie or an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def actor_of(user: dict[str, Any], ip: str = "", session_id: int | None = None) -> Actor:
    return Actor(
        user_id=user["id"],
        username=user["username"],
        display_name=user["display_name"],
        role=user["role"],
        society_id=user["society_id"],
        ip=ip,
        session_id=session_id,
        must_change_password=bool(user.get("must_change_password", False)),
    )


def user_not_found() -> NotFound:
    return NotFound(Reason("user.not_found", "用户不存在", "user not found"))
