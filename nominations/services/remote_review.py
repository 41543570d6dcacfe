"""Remote review of nominations through the expert pool."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.services.projects import list_nominations
from societies import services as societies
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Reason

REMOTE_REVIEW_FORM = [
    ("innovation", "创新程度", "Innovation", 0.4),
    ("technical_level", "技术水平", "Technical level", 0.3),
    ("benefits", "应用效益", "Application and benefits", 0.3),
]


async def send_to_remote_review(actor: Actor, cycle_id: int, name: str, required: int, max_load: int) -> int:
    """Create an expert-pool review batch from every nomination that passed formal review.

    The pool receives generic items (people, units, society, leadership for conflict
    detection; the material experts read); it never learns what a nomination is.
    """
    require_admin(actor)
    from expert_pool import services as pool
    from expert_pool.schemas import BatchIn, CriterionIn, PersonIn, ReviewFormIn, ReviewItemIn

    passed = await list_nominations(actor, cycle_id=cycle_id, status="passed")
    if not passed:
        raise Conflict(Reason("review.nothing", "没有通过形式审查的推荐项目", "no nomination has passed formal review"))
    secretaries = {s["id"]: s["secretary_general"] for s in await societies.list_societies(actor)}
    items = []
    for view in passed:
        body = view["body"]
        material = "\n\n".join(
            part for part in (view["title"], body.summary, body.innovations, body.application_benefits) if part
        )
        leader = secretaries.get(view["society_id"], "")
        items.append(
            ReviewItemIn(
                kind="nomination",
                external_id=str(view["id"]),
                title=view["title"],
                disciplines=[view["discipline_code"] or "000"],
                people=[PersonIn(name=c.name, id_number=c.id_number) for c in body.contributors if c.name],
                units=[u.name for u in body.units if u.name],
                society_id=view["society_id"],
                society_leaders=[leader] if leader else [],
                category=view["category"],
                grade=view["grade"],
                material=material[:100_000],
            )
        )
    form = ReviewFormIn(
        criteria=[
            CriterionIn(code=code, name_zh=zh, name_en=en, weight=weight) for code, zh, en, weight in REMOTE_REVIEW_FORM
        ]
    )
    batch = BatchIn(
        name=name.strip() or "remote review",
        stage="remote",
        required=required,
        max_load=max_load,
        form=form,
        items=items,
    )
    batch_id = await pool.create_batch(actor, batch)
    async with write_transaction():
        await audit(
            actor, "nomination.sent_to_review", "award_cycle", cycle_id, {"batch": batch_id, "items": len(items)}
        )
    return batch_id


async def remote_review_scores(actor: Actor, nomination_ids: list[int]) -> dict[int, Any]:
    """Aggregated remote-review scores per nomination; never names an expert, so a society
    may see its own nominations' scores."""
    from expert_pool import services as pool

    visible = {row["id"] for row in await list_nominations(actor)}
    wanted = [str(i) for i in nomination_ids if i in visible]
    outcomes = await pool.item_outcomes(None, "nomination", wanted)
    return {int(key): value for key, value in outcomes.items()}
