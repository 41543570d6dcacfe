"""Formal review (形式审查) of nominations and recommendations, and their history steps."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor, require_admin
from accounts.services import audit
from nominations.rules.notice import WorkingCalendar, add_working_days
from nominations.services._shared import _talent_changed
from nominations.services.cycles import cycle_config
from nominations.services.projects import get_nomination
from nominations.services.talent import get_recommendation
from nominations.tables import Nomination, Recommendation, RecommendationStep, ReviewStep
from xuehui.clock import now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.text import free_text_problems


async def formal_review(actor: Actor, nomination_id: int, decision: str, reasons: str) -> str:
    require_admin(actor)
    if problems := free_text_problems({"reasons": reasons}):
        raise InvalidInput(problems)
    current = await get_nomination(actor, nomination_id)
    if current["status"] != "submitted":
        raise Conflict(Reason("review.state", "只能审查已提交的推荐", "only submitted nominations are reviewed"))
    if decision not in ("pass", "return", "reject"):
        raise InvalidInput(Reason("review.decision", "请选择审查结论", "choose a decision", "decision"))
    if decision in ("return", "reject") and not reasons.strip():
        raise InvalidInput(
            Reason("review.reasons", "退回或不通过须写明理由", "give the reasons for returning or rejecting", "reasons")
        )
    config = await cycle_config(current["cycle"])
    status = {"pass": "passed", "return": "returned", "reject": "rejected"}[decision]
    values: dict[Any, Any] = {Nomination.status: status, Nomination.updated_at: now()}
    if decision == "return":
        deadline = add_working_days(
            WorkingCalendar.from_config(config.calendar), today(), config.correction_deadline_days
        )
        values[Nomination.return_reasons] = reasons.strip()
        values[Nomination.correction_deadline] = deadline
    async with write_transaction():
        done = (
            await Nomination.update(values)
            .where((Nomination.id == nomination_id) & (Nomination.status == "submitted"))
            .returning(Nomination.id)
        )
        if not done:
            raise Conflict(
                Reason("nomination.changed", "推荐状态已变化，请刷新", "the nomination changed meanwhile; reload it")
            )
        await ReviewStep.insert(
            ReviewStep(
                nomination=nomination_id,
                stage="formal_review",
                outcome=status,
                note=reasons.strip(),
                decided_by=actor.user_id,
                decided_at=now(),
            )
        )
        await audit(
            actor,
            f"nomination.formal_{decision}",
            "nomination",
            nomination_id,
            {"reasons": reasons},
            current["society_id"],
        )
    return status


async def review_steps(actor: Actor, nomination_id: int) -> list[dict[str, Any]]:
    await get_nomination(actor, nomination_id)
    return await ReviewStep.select().where(ReviewStep.nomination == nomination_id).order_by(ReviewStep.id)


TALENT_CORRECTION_WORKING_DAYS = 5


async def _talent_step(actor: Actor, recommendation_id: int, stage: str, outcome: str, note: str = "") -> None:
    await RecommendationStep.insert(
        RecommendationStep(
            recommendation=recommendation_id,
            stage=stage,
            outcome=outcome,
            note=note,
            decided_by=actor.user_id,
            decided_at=now(),
        )
    )


async def review_recommendation(actor: Actor, recommendation_id: int, decision: str, reasons: str) -> str:
    """Formal review: pass, return for correction (with a deadline), or reject."""
    require_admin(actor)
    current = await get_recommendation(actor, recommendation_id)
    if current["status"] != "submitted":
        raise Conflict(Reason("review.state", "只能审查已提交的推荐", "only submitted recommendations are reviewed"))
    if decision not in ("pass", "return", "reject"):
        raise InvalidInput(Reason("review.decision", "请选择审查结论", "choose a decision", "decision"))
    if decision in ("return", "reject") and not reasons.strip():
        raise InvalidInput(
            Reason("review.reasons", "退回或不通过须写明理由", "give the reasons for returning or rejecting", "reasons")
        )
    status = {"pass": "passed", "return": "returned", "reject": "rejected"}[decision]
    values: dict[Any, Any] = {Recommendation.status: status, Recommendation.updated_at: now()}
    if decision == "return":
        values[Recommendation.return_reasons] = reasons.strip()
        values[Recommendation.correction_deadline] = add_working_days(
            WorkingCalendar(), today(), TALENT_CORRECTION_WORKING_DAYS
        )
    async with write_transaction():
        done = (
            await Recommendation.update(values)
            .where((Recommendation.id == recommendation_id) & (Recommendation.status == "submitted"))
            .returning(Recommendation.id)
        )
        if not done:
            raise _talent_changed()
        await _talent_step(actor, recommendation_id, "formal_review", status, reasons.strip())
        await audit(
            actor,
            f"talent.formal_{decision}",
            "recommendation",
            recommendation_id,
            {"reasons": reasons},
            current["society_id"],
        )
    return status


async def recommendation_steps(actor: Actor, recommendation_id: int) -> list[dict[str, Any]]:
    await get_recommendation(actor, recommendation_id)
    return (
        await RecommendationStep.select()
        .where(RecommendationStep.recommendation == recommendation_id)
        .order_by(RecommendationStep.id)
    )
