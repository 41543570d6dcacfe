"""An expert's change of unit waits for an admin: the unit is the field the same-unit conflict
hangs on, so an expert could otherwise leave a conflict by editing it. Until the admin confirms,
both the recorded and the asked-for unit count for conflict detection."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from expert_pool.rules.units import normalise_unit
from expert_pool.rules.vocabulary import PoolAction
from expert_pool.services._shared import expert_not_found, unit_aliases
from expert_pool.services.conflict_detection import detect_for_expert
from expert_pool.tables import Expert
from xuehui.clock import now
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Reason


def asked_unit_columns(me: dict[str, Any], asked: str) -> dict[Any, Any]:
    """The pending-unit columns after the expert's own save with `asked` in the unit field:
    their recorded unit withdraws any request, the pending one keeps it, anything else asks anew."""
    if asked == me["unit"]:
        return {Expert.pending_unit: "", Expert.pending_unit_since: None}
    if asked == me["pending_unit"]:
        return {}
    return {Expert.pending_unit: asked, Expert.pending_unit_since: now()}


def _nothing_pending() -> Conflict:
    return Conflict(
        Reason(
            "expert.no_unit_change",
            "该专家没有待确认的单位变更，请刷新",
            "this expert has no unit change waiting; reload the page",
        )
    )


async def decide_unit_change(actor: Actor, expert_id: int, confirm: bool) -> None:
    """Confirm the asked-for unit (it becomes the recorded unit) or reject it (the request is
    dropped); audited either way, and the open batches are checked again for the expert."""
    require_admin(actor)
    row = await Expert.select(Expert.unit, Expert.pending_unit).where(Expert.id == expert_id).first()
    if row is None:
        raise expert_not_found()
    asked = row["pending_unit"]
    if not asked:
        raise _nothing_pending()
    cleared: dict[Any, Any] = {Expert.pending_unit: "", Expert.pending_unit_since: None, Expert.updated_at: now()}
    if confirm:
        cleared |= {Expert.unit: asked, Expert.unit_normalised: normalise_unit(asked, await unit_aliases())}
    async with write_transaction():
        done = await (
            Expert.update(cleared).where((Expert.id == expert_id) & (Expert.pending_unit == asked)).returning(Expert.id)
        )
        if not done:
            raise _nothing_pending()
        action = PoolAction.UNIT_CHANGE_CONFIRMED if confirm else PoolAction.UNIT_CHANGE_REJECTED
        await audit(actor, action, "expert", expert_id, {"unit": [row["unit"], asked]})
    await detect_for_expert(expert_id)
