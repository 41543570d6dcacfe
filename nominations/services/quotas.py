"""Society quotas (推荐名额) per cycle and category."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.cycle.model import Category
from nominations.tables import Quota
from xuehui.db import write_transaction
from xuehui.errors import InvalidInput, NotFound, Reason


async def set_quota(actor: Actor, cycle_id: int, society_id: int, category: str, quota: int) -> None:
    """Set one quota by hand (the adjustment run sets them all at publication)."""
    require_admin(actor)
    if category not in set(Category):
        raise InvalidInput(Reason("quota.category", "奖励类别无效", "unknown award category", "category"))
    if quota < 0:
        raise InvalidInput(Reason("quota.negative", "名额不能为负数", "a quota cannot be negative", "quota"))
    async with write_transaction():
        await _upsert_quota(cycle_id, society_id, category, quota)
        await audit(
            actor,
            "quota.set",
            "award_cycle",
            cycle_id,
            {"society": society_id, "category": category, "quota": quota},
            society_id,
        )


async def _upsert_quota(cycle_id: int, society_id: int, category: str, quota: int) -> None:
    where = (Quota.cycle == cycle_id) & (Quota.society_id == society_id) & (Quota.category == category)
    if not await Quota.update({Quota.quota: quota}).where(where).returning(Quota.id):
        await Quota.insert(Quota(cycle=cycle_id, society_id=society_id, category=category, quota=quota, used=0))


async def society_quotas(actor: Actor, cycle_id: int, society_id: int) -> list[dict[str, Any]]:
    if not actor.acts_for(society_id):
        raise NotFound(Reason("society.not_found", "学会不存在或无权查看", "society not found or not visible to you"))
    rows = await Quota.select(Quota.category, Quota.quota, Quota.used).where(
        (Quota.cycle == cycle_id) & (Quota.society_id == society_id)
    )
    by_category = {r["category"]: r for r in rows}
    return [by_category.get(c.value, {"category": c.value, "quota": 0, "used": 0}) for c in Category]
