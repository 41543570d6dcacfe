"""A society's own row of the published adjustment, its objection within the published window,
and the association's answer on the record (maintained, or corrected with new quotas)."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.cycle.model import Category
from nominations.rules.lifecycles import ADJUSTMENT_OBJECTION
from nominations.rules.lifecycles import AdjustmentObjectionState as AOS
from nominations.services.adjustment import clean_quotas, published_adjustment, record_override
from nominations.services.quotas import _upsert_quota
from nominations.tables import AdjustmentObjection
from xuehui.clock import now, today
from xuehui.db import serialize_on, write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from xuehui.text import free_text_problems

# The longest grounds and answer kept.
TEXT_LIMIT = 2000


def _text(value: str, field: str, zh: str, en: str) -> str:
    """Typed text that must be given, under the project's one rule for typed text."""
    if not value.strip():
        raise InvalidInput(Reason(f"adjustment_objection.{field}", zh, en, field))
    if problems := free_text_problems({field: value}, TEXT_LIMIT):
        raise InvalidInput(problems)
    return value.strip()


async def adjustment_objections(run_id: int, society_id: int | None = None) -> list[dict[str, Any]]:
    query = AdjustmentObjection.select().where(AdjustmentObjection.run == run_id)
    if society_id is not None:
        query = query.where(AdjustmentObjection.society_id == society_id)
    return await query.order_by(AdjustmentObjection.id)


async def own_adjustment(actor: Actor, cycle_id: int) -> dict[str, Any] | None:
    """The society's row of the cycle's published adjustment with every reason, the window and
    its objections; None before anything is published."""
    if actor.society_id is None:
        raise Forbidden(
            Reason("adjustment.society_only", "只有学会可以查看本学会的调整结果", "only a society sees its own row")
        )
    table = await published_adjustment(cycle_id)
    if table is None:
        return None
    row = next((r for r in table["rows"] if r["society_id"] == actor.society_id), None)
    objections = await adjustment_objections(table["id"], actor.society_id)
    close = table["objections_close_on"]
    open_ = row is not None and close is not None and today() <= close
    return {
        "run_id": table["id"],
        "published_at": table["published_at"],
        "objections_close_on": close,
        "row": row,
        "objections": objections,
        # One objection per society and publication, answered once on the record.
        "may_object": open_ and not objections,
    }


async def lodge_adjustment_objection(actor: Actor, cycle_id: int, grounds: str) -> int:
    own = await own_adjustment(actor, cycle_id)
    if own is None or own["row"] is None:
        raise NotFound(
            Reason("adjustment.not_published", "本学会没有已发布的调整结果", "no published result for your society")
        )
    text = _text(grounds, "grounds", "请写明异议的事实和理由", "give the facts and grounds of the objection")
    async with write_transaction():
        # One objection per society: two lodged at once take turns on this lock.
        await serialize_on(f"adjustment-objection:{own['run_id']}:{actor.society_id}")
        again = await own_adjustment(actor, cycle_id)
        if again is None or not again["may_object"]:
            raise Conflict(
                Reason(
                    "adjustment_objection.closed",
                    "异议期已过，或本学会已对本次结果提出过异议",
                    "the objection window has closed, or your society has already objected to this result",
                )
            )
        objection = AdjustmentObjection(
            run=own["run_id"],
            society_id=actor.society_id,
            grounds=text,
            state=AOS.RECEIVED,
            lodged_by=actor.user_id,
            lodged_at=now(),
        )
        await objection.save()
        await audit(
            actor,
            "adjustment.objection_lodged",
            "adjustment_run",
            own["run_id"],
            {"objection": objection.id},
            actor.society_id,
            text,
        )
    return int(objection.id)


async def answer_adjustment_objection(
    actor: Actor, objection_id: int, outcome: str, answer: str, quotas: dict[str, int] | None = None
) -> None:
    """Answer on the record: maintain the result, or correct it with the quotas given (they take
    effect at once and the published table shows the correction with the answer)."""
    require_admin(actor)
    objection = (
        await AdjustmentObjection.select(
            *AdjustmentObjection.all_columns(), AdjustmentObjection.run.cycle.as_alias("cycle_id")
        )
        .where(AdjustmentObjection.id == objection_id)
        .first()
    )
    if objection is None:
        raise NotFound(Reason("adjustment_objection.not_found", "异议不存在", "objection not found"))
    target = _outcome(outcome)
    text = _text(answer, "answer", "请写明答复意见", "write the answer")
    clean = clean_quotas(True, quotas or {}) if target == AOS.CORRECTED else {}
    if target == AOS.CORRECTED and not quotas:
        raise InvalidInput(
            Reason("adjustment_objection.quotas", "更正结果须填写更正后的名额", "give the corrected quotas", "quotas")
        )
    state = ADJUSTMENT_OBJECTION.move(objection["state"], target, actor.role)
    async with write_transaction():
        updated = (
            await AdjustmentObjection.update(
                {
                    AdjustmentObjection.state: state,
                    AdjustmentObjection.answer: text,
                    AdjustmentObjection.answered_by: actor.user_id,
                    AdjustmentObjection.answered_at: now(),
                }
            )
            .where((AdjustmentObjection.id == objection_id) & (AdjustmentObjection.state == AOS.RECEIVED))
            .returning(AdjustmentObjection.id)
        )
        if not updated:
            raise Conflict(Reason("adjustment_objection.answered", "该异议已答复", "this objection has been answered"))
        society_id = objection["society_id"]
        if target == AOS.CORRECTED:
            may_nominate = sum(clean.values()) > 0
            await record_override(actor, objection["run"], society_id, may_nominate, clean, text)
            for category in Category:
                await _upsert_quota(objection["cycle_id"], society_id, category.value, clean.get(category.value, 0))
        await audit(
            actor,
            "adjustment.objection_answered",
            "adjustment_run",
            objection["run"],
            {"objection": objection_id, "outcome": str(target)},
            society_id,
            text,
        )


def _outcome(outcome: str) -> AOS:
    target = AOS.parse(outcome)
    if target not in (AOS.MAINTAINED, AOS.CORRECTED):
        raise InvalidInput(
            Reason("adjustment_objection.outcome", "请选择维持或更正", "choose to maintain or correct", "outcome")
        )
    return target
