"""Formal review (形式审查) of nominations and recommendations, and their history steps: both
kinds through the shared submission workflow."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from nominations.services.kinds import PROJECT, TALENT, project_correction_deadline, talent_correction_deadline
from xuehui import submission


async def formal_review(actor: Actor, nomination_id: int, decision: str, reasons: str) -> str:
    """Pass, return for correction (deadline on the cycle's working-day calendar), or reject."""
    return await submission.formal_review(PROJECT, actor, nomination_id, decision, reasons, project_correction_deadline)


async def review_steps(actor: Actor, nomination_id: int) -> list[dict[str, Any]]:
    return await submission.history(PROJECT, actor, nomination_id)


async def review_recommendation(actor: Actor, recommendation_id: int, decision: str, reasons: str) -> str:
    """Pass, return for correction (deadline on the cycle's working-day calendar), or reject."""
    return await submission.formal_review(
        TALENT, actor, recommendation_id, decision, reasons, talent_correction_deadline
    )


async def recommendation_steps(actor: Actor, recommendation_id: int) -> list[dict[str, Any]]:
    return await submission.history(TALENT, actor, recommendation_id)
