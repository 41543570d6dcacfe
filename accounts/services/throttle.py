"""Counting a public form's requests per address in the audit log and refusing past the limit
(the sign-up and the password-reset request share it)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from accounts.rules import AccountsAudit, AccountsObject
from accounts.services.audit_log import audit
from accounts.tables import AuditEntry
from xuehui.clock import aware, now
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Reason, TooManyRequests
from xuehui.throttle import wait_seconds


async def count_and_record(
    ip: str,
    action: AccountsAudit,
    held_action: AccountsAudit,
    limit: int,
    window_minutes: int,
    refusal: Reason,
    summary: dict[str, Any] | None = None,
) -> None:
    """Count this address's `action`s in the window and record this one (as `held_action` past
    the limit), one at a time per address so a burst gets no more than the limit; then refuse
    past the limit with the wait until one more fits."""
    window = dt.timedelta(minutes=window_minutes)
    async with write_transaction():
        await serialize_on(f"{action}-ip:{ip}")
        moment = now()
        recent = await AuditEntry.select(AuditEntry.at).where(
            (AuditEntry.action == action) & (AuditEntry.ip == ip) & (AuditEntry.at > moment - window)
        )
        held = len(recent) >= limit
        await audit(None, held_action if held else action, AccountsObject.USER, "", summary or {}, ip=ip)
    if held:
        wait = wait_seconds([aware(row["at"]) for row in recent], limit, int(window.total_seconds()), moment)
        raise TooManyRequests(refusal, retry_after=wait)
