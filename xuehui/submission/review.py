"""Formal review, withdrawal and the outcome of an upheld objection, each leaving a history step."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Awaitable, Callable
from typing import Any

from piccolo.columns import Column

from accounts.rules import Actor, require_admin
from accounts.services import audit
from xuehui.clock import now
from xuehui.db import give_slot_back, write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.submission.kind import SubmissionKind, SubmissionState
from xuehui.submission.notices import tell_society
from xuehui.text import free_text_problems
from xuehui.vocabulary import Labelled

Deadline = Callable[[dict[str, Any]], Awaitable[dt.date]]


class FormalDecision(Labelled, vocabulary="submission.formal_decision"):
    PASS = "pass", "通过", "Pass"
    RETURN = "return", "退回修改", "Return for correction"
    REJECT = "reject", "不通过", "Reject"


class ObjectionOutcome(Labelled, vocabulary="submission.objection_outcome"):
    DISQUALIFY = "disqualify", "取消资格", "Disqualify"
    SEND_BACK = "send_back", "退回修改后重新公示", "Send back for correction and a new notice"


DECIDED_STATE = {
    FormalDecision.PASS: SubmissionState.PASSED,
    FormalDecision.RETURN: SubmissionState.RETURNED,
    FormalDecision.REJECT: SubmissionState.REJECTED,
}
FORMAL_REVIEW = "formal_review"
OBJECTION = "objection"
WITHDRAWAL = "withdrawal"


async def record_step(
    kind: SubmissionKind,
    actor: Actor,
    record_id: int,
    stage: str,
    outcome: str,
    note: str,
    checklist: list[dict[str, object]] | None = None,
) -> int:
    """One line of the record's history (its id), with the formal-review checklist as marked where
    one was used; call inside the write transaction of the change."""
    step: dict[str, Any] = {
        kind.subject: record_id,
        "stage": stage,
        "outcome": outcome,
        "note": note,
        "decided_by": actor.user_id,
        "decided_at": now(),
    }
    if checklist is not None:
        step["checklist"] = json.dumps(checklist, ensure_ascii=False)
    added = await kind.steps.insert(kind.steps(**step)).returning(kind.steps._meta.primary_key)
    return int(added[0]["id"])


async def history(kind: SubmissionKind, actor: Actor, record_id: int) -> list[dict[str, Any]]:
    await kind.load(actor, record_id)
    owner = kind.steps._meta.get_column_by_name(kind.subject)
    order = kind.steps._meta.get_column_by_name("id")
    return await kind.steps.select().where(owner == record_id).order_by(order)


async def formal_review(
    kind: SubmissionKind,
    actor: Actor,
    record_id: int,
    decision: str,
    reasons: str,
    deadline: Deadline,
    checklist: list[dict[str, object]] | None = None,
) -> str:
    """Pass, return for correction (with a deadline on the kind's working-day calendar), or
    reject a submitted record; returns the new state. `checklist` (the formal-review items as
    marked) is kept with the history step."""
    require_admin(actor)
    if problems := free_text_problems({"reasons": reasons}):
        raise InvalidInput(problems)
    current = await kind.load(actor, record_id)
    if current["status"] != SubmissionState.SUBMITTED:
        raise Conflict(Reason("review.state", "只能审查已提交的推荐", f"only submitted {kind.subject}s are reviewed"))
    chosen = FormalDecision.parse(decision)
    if chosen is None:
        raise InvalidInput(Reason("review.decision", "请选择审查结论", "choose a decision", "decision"))
    if chosen is not FormalDecision.PASS and not reasons.strip():
        raise InvalidInput(
            Reason("review.reasons", "退回或不通过须写明理由", "give the reasons for returning or rejecting", "reasons")
        )
    status = DECIDED_STATE[chosen]
    kind.lifecycle.move(current["status"], status, actor.role)
    values: dict[Column | str, Any] = {kind.column("status"): status, kind.column("updated_at"): now()}
    due: dt.date | None = None
    if chosen is FormalDecision.RETURN:
        values[kind.column("return_reasons")] = reasons.strip()
        values[kind.column("correction_deadline")] = due = await deadline(current)
    async with write_transaction():
        done = (
            await kind.table.update(values)
            .where((kind.column("id") == record_id) & (kind.column("status") == SubmissionState.SUBMITTED))
            .returning(kind.column("id"))
        )
        if not done:
            raise kind.changed()
        step_id = await record_step(kind, actor, record_id, FORMAL_REVIEW, status, reasons.strip(), checklist)
        await audit(
            actor, f"{kind.code}.formal_{chosen}", kind.subject, record_id, {"reasons": reasons}, current["society_id"]
        )
        await tell_society(kind, current, status, reasons.strip(), due, step_id)
    return status


async def withdraw(
    kind: SubmissionKind,
    actor: Actor,
    record_id: int,
    allowed: Callable[[dict[str, Any]], Awaitable[bool]],
    after: Callable[[], Awaitable[None]] | None = None,
) -> None:
    """Withdraw a submitted record where the kind allows it: the quota slot comes back."""
    current = await kind.load(actor, record_id)
    if current["status"] != SubmissionState.SUBMITTED or not await allowed(current):
        raise Conflict(
            Reason(
                f"{kind.code}.no_withdrawal",
                "本年度提交后不允许撤回",
                "this cycle does not allow withdrawal after submission",
            )
        )
    kind.lifecycle.move(current["status"], SubmissionState.WITHDRAWN, actor.role)
    async with write_transaction():
        done = (
            await kind.table.update(
                {
                    kind.column("status"): SubmissionState.WITHDRAWN,
                    kind.column("quota"): None,
                    kind.column("updated_at"): now(),
                }
            )
            .where((kind.column("id") == record_id) & (kind.column("status") == SubmissionState.SUBMITTED))
            .returning(kind.column("id"))
        )
        if not done:
            raise kind.changed()
        if current["quota"] is not None:
            await give_slot_back(kind.quota_table, current["quota"])
        if after is not None:
            await after()
        await record_step(kind, actor, record_id, WITHDRAWAL, SubmissionState.WITHDRAWN, "")
        await audit(actor, f"{kind.code}.withdrawn", kind.subject, record_id, {}, current["society_id"])


async def apply_objection_outcome(
    kind: SubmissionKind, actor: Actor, current: dict[str, Any], outcome: str, decision: str, deadline: Deadline
) -> str:
    """An upheld objection disqualifies the record or sends it back for correction (then it
    goes through review and notice again); call inside the objection's write transaction."""
    chosen = ObjectionOutcome(outcome)
    status = SubmissionState.DISQUALIFIED if chosen is ObjectionOutcome.DISQUALIFY else SubmissionState.RETURNED
    kind.lifecycle.move(current["status"], status, actor.role)
    values: dict[Column | str, Any] = {kind.column("status"): status, kind.column("updated_at"): now()}
    due: dt.date | None = None
    if chosen is ObjectionOutcome.SEND_BACK:
        values[kind.column("return_reasons")] = decision.strip()
        values[kind.column("correction_deadline")] = due = await deadline(current)
    await kind.table.update(values).where(kind.column("id") == current["id"])
    step_id = await record_step(kind, actor, current["id"], OBJECTION, status, decision.strip())
    await tell_society(kind, current, status, decision.strip(), due, step_id)
    return status
