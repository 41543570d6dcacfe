"""Notifications (DESIGN.md "Notifications"): an outbox table written in the same transaction as
the event, sent by a background sender over SMTP at least once, de-duplicated by key, and shown
in each user's inbox.

The rooms: `rules` (states, backoff, mail settings; pure), `outbox` (enqueue, claim with a lease,
a sender pass, the sender loop), `smtp` (one mail to the server), `inbox` (a user's messages).
"""

from __future__ import annotations

from xuehui.notify.inbox import inbox, mark_read, unread_count
from xuehui.notify.outbox import Compose, PassReport, Recipient, enqueue, run_sender, send_pass
from xuehui.notify.rules import MailSettings, MessageState, TlsMode

__all__ = [
    "Compose",
    "MailSettings",
    "MessageState",
    "PassReport",
    "Recipient",
    "TlsMode",
    "enqueue",
    "inbox",
    "mark_read",
    "run_sender",
    "send_pass",
    "unread_count",
]
