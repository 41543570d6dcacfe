"""The outbox's decisions, pure: a message's states, when a failed send is tried again, and
when the sender gives up. No database, no network."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from xuehui.vocabulary import Labelled


class MessageState(Labelled, vocabulary="xuehui.message_state"):
    PENDING = "pending", "待发送", "Waiting to be sent"
    SENDING = "sending", "发送中", "Being sent"
    SENT = "sent", "已发送", "Sent"
    FAILED = "failed", "发送失败", "Could not be sent"
    INBOX_ONLY = "inbox_only", "仅站内", "In the inbox only"


class TlsMode(Labelled, vocabulary="xuehui.smtp_tls"):
    NONE = "none", "不加密", "None"
    STARTTLS = "starttls", "STARTTLS", "STARTTLS"
    TLS = "tls", "TLS", "TLS"


FIRST_RETRY_SECONDS = 30
MAX_RETRY_SECONDS = 6 * 3600
MAX_ATTEMPTS = 12  # 30 s doubling to 6 h: about a day and a half of tries before giving up
LEASE_SECONDS = 120  # a claimed row is another sender's again after this


def retry_delay(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed try: 30 s, 60 s, 120 s ... at most 6 hours."""
    seconds = FIRST_RETRY_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(MAX_RETRY_SECONDS, seconds))


def after_failure(attempts: int, moment: dt.datetime) -> tuple[MessageState, dt.datetime]:
    """The state and next attempt time of a message whose `attempts`-th try failed."""
    if attempts >= MAX_ATTEMPTS:
        return MessageState.FAILED, moment
    return MessageState.PENDING, moment + retry_delay(attempts)


@dataclass(frozen=True)
class MailSettings:
    """Where mail goes. An empty host means no mail server: messages are written to the log
    (a developer's machine) and still reach the inbox."""

    host: str = ""
    port: int = 25
    tls: str = TlsMode.NONE
    user: str = ""
    password: str = ""
    sender: str = "xuehui@localhost"
    timeout: float = 30.0

    def problems(self) -> list[str]:
        if TlsMode.parse(self.tls) is None:
            return ["XUEHUI_SMTP_TLS must be none, starttls or tls"]
        return []
