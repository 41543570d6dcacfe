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
