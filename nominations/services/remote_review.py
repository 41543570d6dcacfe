"""Remote review of nominations through the expert pool."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.lifecycles import NominationState as N
from nominations.rules.lifecycles import RecommendationState as R
from nominations.rules.review_material import nomination_material, recommendation_material
from nominations.services.queries import list_nominations, list_recommendations
from societies import services as societies
from xuehui.db import write_transaction
from xuehui.errors import Conflict, Reason

UNKNOWN_DISCIPLINE = "000"  # an item without a discipline code still goes to review, matched on nothing
MAX_MATERIAL_CHARS = 100_000  # what the pool keeps of the text experts read
TALENT_REVIEW_FORM = [
    ("achievements", "主要成就与贡献", "Achievements and contributions", 0.5),
    ("innovation", "创新性", "Innovation", 0.3),
    ("impact", "学术与社会影响", "Academic and social impact", 0.2),
]
REMOTE_REVIEW_FORM = [
    ("innovation", "创新程度", "Innovation", 0.4),
    ("technical_level", "技术水平", "Technical level", 0.3),
    ("benefits", "应用效益", "Application and benefits", 0.3),
]


async def send_to_remote_review(actor: Actor, cycle_id: int, name: str, required: int, max_load: int) -> int:
    """Create an expert-pool review batch from every nomination that passed formal review.

    The pool receives generic items (people, units, society, leadership and the nominee's
    excluded experts for conflict detection; the material experts read); it never learns what
    a nomination is.
    """
    require_admin(actor)
    from expert_pool.schemas import ExcludedExpertIn, PersonIn, ReviewItemIn

    passed = await list_nominations(actor, cycle_id=cycle_id, status=N.PASSED)
    if not passed:
        raise Conflict(Reason("review.nothing", "没有通过形式审查的推荐项目", "no nomination has passed formal review"))
    leaders = await _leaders(passed)
    items = []
    for view in passed:
        body = view["body"]
        material = nomination_material(view["title"], body)
        items.append(
            ReviewItemIn(
                kind="nomination",
                external_id=str(view["id"]),
                title=view["title"],
                disciplines=[view["discipline_code"] or UNKNOWN_DISCIPLINE],
                people=[PersonIn(name=c.name, id_number=c.id_number) for c in body.contributors if c.name],
                units=[u.name for u in body.units if u.name],
                society_id=view["society_id"],
                society_leaders=leaders.get(view["society_id"], []),
                category=view["category"],
                grade=view["grade"],
                material=material[:MAX_MATERIAL_CHARS],
                # the nominee's exclusions reach the assignment as conflicts
                excluded_experts=[
                    ExcludedExpertIn(name=e.name, unit=e.unit, reason=e.reason) for e in body.exclusions if e.name
                ],
            )
        )
    batch_id = await _create_batch(actor, name, required, max_load, REMOTE_REVIEW_FORM, items)
    async with write_transaction():
        await audit(
            actor, "nomination.sent_to_review", "award_cycle", cycle_id, {"batch": batch_id, "items": len(items)}
        )
    return batch_id


async def send_recommendations_to_review(
    actor: Actor, programme_id: int, name: str, required: int, max_load: int
) -> int:
    """Create an expert-pool review batch from every recommendation that passed formal review,
    as nominations go: the candidate, the candidate's unit and the recommending society's
    leadership are what an assignment must avoid."""
    require_admin(actor)
    from expert_pool.schemas import PersonIn, ReviewItemIn

    passed = await list_recommendations(actor, programme_id=programme_id, status=R.PASSED)
    if not passed:
        raise Conflict(
            Reason("review.nothing", "没有通过形式审查的推荐人选", "no recommendation has passed formal review")
        )
    leaders = await _leaders(passed)
    items = []
    for view in passed:
        body = view["body"]
        person = body.model_copy(update={"name": view["name"], "id_number": view["id_number"]})
        material = recommendation_material(person, view["unit"])
        items.append(
            ReviewItemIn(
                kind="recommendation",
                external_id=str(view["id"]),
                title=view["name"],
                disciplines=[body.discipline or UNKNOWN_DISCIPLINE],
                people=[PersonIn(name=view["name"], id_number=view["id_number"])],
                units=[view["unit"]] if view["unit"] else [],
                society_id=view["society_id"],
                society_leaders=leaders.get(view["society_id"], []),
                material=material[:MAX_MATERIAL_CHARS],
            )
        )
    batch_id = await _create_batch(actor, name, required, max_load, TALENT_REVIEW_FORM, items)
    async with write_transaction():
        await audit(
            actor,
            "talent.sent_to_review",
            "talent_programme",
            programme_id,
            {"batch": batch_id, "items": len(items)},
        )
    return batch_id


async def _leaders(views: list[dict[str, Any]]) -> dict[int, list[str]]:
    """Each society's recorded leaders, passed with its items for the society-leadership conflict."""
    return await societies.leaders_of_societies(sorted({v["society_id"] for v in views}))


async def _create_batch(
    actor: Actor, name: str, required: int, max_load: int, criteria: list[tuple[str, str, str, float]], items: list[Any]
) -> int:
    from expert_pool import services as pool
    from expert_pool.schemas import BatchIn, CriterionIn, ReviewFormIn

    form = ReviewFormIn(
        criteria=[CriterionIn(code=code, name_zh=zh, name_en=en, weight=weight) for code, zh, en, weight in criteria]
    )
    batch = BatchIn(
        name=name.strip() or "remote review",
        stage="remote",
        required=required,
        max_load=max_load,
        form=form,
        items=items,
    )
    return int(await pool.create_batch(actor, batch))


async def remote_review_scores(actor: Actor, nomination_ids: list[int]) -> dict[int, Any]:
    """Aggregated remote-review scores per nomination; never names an expert, so a society
    may see its own nominations' scores."""
    visible = {row["id"] for row in await list_nominations(actor)}
    return await _outcomes("nomination", [i for i in nomination_ids if i in visible])


async def recommendation_review_scores(actor: Actor, recommendation_ids: list[int]) -> dict[int, Any]:
    """Aggregated expert-review scores per recommendation, never naming an expert."""
    visible = {row["id"] for row in await list_recommendations(actor)}
    return await _outcomes("recommendation", [i for i in recommendation_ids if i in visible])


async def _outcomes(kind: str, ids: list[int]) -> dict[int, Any]:
    from expert_pool import services as pool

    outcomes = await pool.item_outcomes(None, kind, [str(i) for i in ids])
    return {int(key): value for key, value in outcomes.items()}
