"""Formal review (形式审查) of nominations and recommendations, and their history steps: both
kinds through the shared submission workflow."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from nominations.rules import formal_checklist as checklist_rules
from nominations.rules.formal_checklist import ChecklistItem, Marks
from nominations.services.kinds import PROJECT, TALENT, project_correction_deadline, talent_correction_deadline
from xuehui import submission
from xuehui.errors import InvalidInput


def _checked(
    items: tuple[ChecklistItem, ...], decision: str, reasons: str, marks: Marks | None
) -> tuple[str, list[dict[str, object]] | None]:
    """The reasons to store (the return letter: each failed item with its reason, then the
    general remark) and the checklist as marked; refused when an item is unmarked, failed
    without a reason, or the decision does not follow from the items."""
    if marks is None:
        return reasons, None
    results, problems = checklist_rules.assess(items, marks)
    if not problems:
        problems = checklist_rules.decision_problems(decision, results)
    if problems:
        raise InvalidInput(problems)
    letter = checklist_rules.return_letter(results, reasons) if decision != "pass" else reasons
    return letter, [r.as_json() for r in results]


async def formal_review(
    actor: Actor, nomination_id: int, decision: str, reasons: str, marks: Marks | None = None
) -> str:
    """Pass, return for correction (deadline on the cycle's working-day calendar), or reject;
    with `marks`, through the formal-review checklist (every item ticked to pass, a failed item
    with its reason to return), the failed items' reasons making the return letter."""
    letter, checklist = _checked(checklist_rules.PROJECT_ITEMS, decision, reasons, marks)
    return await submission.formal_review(
        PROJECT, actor, nomination_id, decision, letter, project_correction_deadline, checklist
    )


async def review_steps(actor: Actor, nomination_id: int) -> list[dict[str, Any]]:
    return await submission.history(PROJECT, actor, nomination_id)


async def review_recommendation(
    actor: Actor, recommendation_id: int, decision: str, reasons: str, marks: Marks | None = None
) -> str:
    """Pass, return for correction (deadline on the cycle's working-day calendar), or reject;
    with `marks`, through the talent checklist as nominations go."""
    letter, checklist = _checked(checklist_rules.TALENT_ITEMS, decision, reasons, marks)
    return await submission.formal_review(
        TALENT, actor, recommendation_id, decision, letter, talent_correction_deadline, checklist
    )


async def recommendation_steps(actor: Actor, recommendation_id: int) -> list[dict[str, Any]]:
    return await submission.history(TALENT, actor, recommendation_id)
