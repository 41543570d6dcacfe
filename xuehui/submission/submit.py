"""Submission: the kind's rules must pass, a first submission takes a quota slot with one
conditional update, and the snapshot is frozen, all in one transaction. A repeated request with
the same idempotency key changes nothing and gets the first request's answer, also when both
arrive at once."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from piccolo.columns import Column

from accounts.rules import Actor
from accounts.services import audit
from xuehui.clock import now, today
from xuehui.db import is_unique_violation, take_slot, write_transaction
from xuehui.errors import Conflict, DomainError, Reason
from xuehui.submission.kind import SubmissionKind, SubmissionState

MAX_KEY_LENGTH = 64  # the idempotency_key column's length


@dataclass
class Prepared:
    """What the kind has checked and computed for one submission, before anything is written.

    `quota_id` is the quota row a first submission takes its slot from (None: the society has
    none, refused with `quota_refusal`), unless `takes_quota` is False (a submission outside the
    quota, as an academician's nomination). `values` are further columns to set; `write` runs in
    the same transaction before the record changes state (e.g. the contributor index);
    `duplicate` is the refusal when one of the kind's unique indexes (other than the key's)
    refuses the write, as when someone else submits the same person at the same moment."""

    quota_id: int | None
    quota_refusal: Reason
    snapshot: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)
    values: dict[str, Any] = field(default_factory=dict)
    write: Callable[[], Awaitable[None]] | None = None
    duplicate: Reason | None = None
    takes_quota: bool = True  # False: this submission is outside the society's quota


Prepare = Callable[[dict[str, Any]], Awaitable[Prepared]]


def _key_reused(kind: SubmissionKind) -> Conflict:
    return Conflict(
        Reason(
            "idempotency.reused",
            "该提交编号已用于其他推荐",
            f"this idempotency key was used for another {kind.subject}",
        )
    )


async def submit(kind: SubmissionKind, actor: Actor, record_id: int, idempotency_key: str, prepare: Prepare) -> str:
    """Submit (or resubmit after correction); returns the new state."""
    key = idempotency_key.strip()[:MAX_KEY_LENGTH] or None
    try:
        return await _submit(kind, actor, record_id, key, prepare)
    except Exception as error:
        return await _settle_repeat(kind, record_id, key, error)


async def _submit(kind: SubmissionKind, actor: Actor, record_id: int, key: str | None, prepare: Prepare) -> str:
    if key is not None:
        before = (
            await kind.table.select(kind.column("id"), kind.column("status"))
            .where(kind.column("idempotency_key") == key)
            .first()
        )
        if before is not None:
            if before["id"] != record_id:
                raise _key_reused(kind)
            return str(before["status"])
    current = await kind.load(actor, record_id)
    if current["status"] not in kind.editable:
        raise Conflict(
            Reason(f"{kind.code}.not_editable", "该推荐已提交", f"this {kind.subject} has been submitted already")
        )
    kind.lifecycle.move(current["status"], SubmissionState.SUBMITTED, actor.role)
    deadline = current["correction_deadline"]
    if current["status"] == SubmissionState.RETURNED and deadline and today() > deadline:
        raise Conflict(
            Reason(f"{kind.code}.correction_late", "已超过修改期限，不能再次提交", "the correction deadline has passed")
        )
    prepared = await prepare(current)
    try:
        async with write_transaction():
            quota_id = current["quota"]
            if quota_id is None and prepared.takes_quota:
                if prepared.quota_id is None or not await take_slot(kind.quota_table, prepared.quota_id):
                    raise Conflict(prepared.quota_refusal)
                quota_id = prepared.quota_id
            if prepared.write is not None:
                await prepared.write()
            moment = now()
            values: dict[Column | str, Any] = {kind.column(name): value for name, value in prepared.values.items()}
            values |= {
                kind.column("status"): SubmissionState.SUBMITTED,
                kind.column("quota"): quota_id,
                kind.column("snapshot"): json.dumps(
                    {"submitted_at": moment.isoformat(), **prepared.snapshot}, ensure_ascii=False
                ),
                kind.column("idempotency_key"): key,
                kind.column("submitted_at"): moment,
                kind.column("updated_at"): moment,
            }
            done = (
                await kind.table.update(values)
                .where((kind.column("id") == record_id) & (kind.column("status") == current["status"]))
                .returning(kind.column("id"))
            )
            if not done:
                raise kind.changed()
            await audit(
                actor, f"{kind.code}.submitted", kind.subject, record_id, prepared.details, current["society_id"]
            )
    except DomainError:
        raise
    except Exception as error:
        if (
            prepared.duplicate is not None
            and is_unique_violation(error)
            and not is_unique_violation(error, "idempotency_key")
        ):
            raise Conflict(prepared.duplicate) from error
        raise
    return SubmissionState.SUBMITTED


async def _settle_repeat(kind: SubmissionKind, record_id: int, key: str | None, error: Exception) -> str:
    """After a failed submission: when a concurrent request with the same key has meanwhile
    submitted this record, this one is its repeat and gets the same answer; when the key went to
    another record, the key was reused. Otherwise the original error stands."""
    if key is None or not (isinstance(error, DomainError) or is_unique_violation(error, "idempotency_key")):
        raise error
    owner = (
        await kind.table.select(kind.column("id"), kind.column("status"))
        .where(kind.column("idempotency_key") == key)
        .first()
    )
    if owner is None:
        raise error
    if owner["id"] != record_id:
        raise _key_reused(kind) from error
    return str(owner["status"])
