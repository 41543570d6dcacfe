"""Tables of the frame itself: background jobs (DESIGN.md "Long work") and the file store."""

from __future__ import annotations

from piccolo.columns import JSON, Bytea, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.table import Table


class Job(Table, tablename="xh_job"):
    """One piece of long work: its state, progress and outcome, visible after a reload or a restart."""

    id: Serial
    kind = Varchar(length=60, index=True)
    state = Varchar(length=20, default="queued", index=True)  # queued | running | succeeded | failed
    progress = Integer(default=0)  # 0..100
    message = Text(default="")
    result = JSON(default="{}")
    errors = JSON(default="[]")  # Reason.as_dict() of every refusal
    created_by = Integer(null=True, default=None, index=True)
    society_id = Integer(null=True, default=None)
    worker = Varchar(length=100, default="")  # host:pid:boot of the process running it
    created_at = Timestamptz()
    started_at = Timestamptz(null=True, default=None)
    heartbeat_at = Timestamptz(null=True, default=None)
    finished_at = Timestamptz(null=True, default=None)


class StoredFile(Table, tablename="xh_file"):
    """Every uploaded file's bytes, once, content-addressed by SHA-256 (DESIGN.md "The file store").
    The records that own a file keep its name, purpose and owner; this table only the bytes."""

    id: Serial
    sha256 = Varchar(length=64, unique=True)
    media_type = Varchar(length=100)
    size = Integer()
    content = Bytea()
    created_at = Timestamptz()


class OutboxMessage(Table, tablename="xh_outbox"):
    """One message to one person (DESIGN.md "Notifications"): written in the transaction of the
    event it tells of, shown in the recipient's inbox and sent by mail at least once.

    `message_key` de-duplicates enqueueing (the same event told twice is one message). The sender
    claims a row by moving it to `sending` with a lease; a sender that dies holding it leaves the
    lease to run out, and the row is sent again (at least once)."""

    id: Serial
    message_key = Varchar(length=200, unique=True)
    recipient_id = Integer(null=True, default=None, index=True)  # the user, when it is one
    address = Varchar(length=200, default="")  # where the mail goes; empty: inbox only
    language = Varchar(length=5, default="zh")
    subject = Varchar(length=300)
    body = Text()
    link = Varchar(length=300, default="")  # a path on this site the message is about
    state = Varchar(length=20, default="pending", index=True)  # notify.rules.MessageState
    attempts = Integer(default=0)
    next_attempt_at = Timestamptz(index=True)
    lease_until = Timestamptz(null=True, default=None)
    sent_at = Timestamptz(null=True, default=None)
    last_error = Text(default="")
    created_at = Timestamptz()
    read_at = Timestamptz(null=True, default=None)
