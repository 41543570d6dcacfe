"""Editing an exam plan after its creation: every setting may change until something depends on
it (`exams.rules.plans.edit_locks`: fees and eligibility once candidates registered, the ticket
template once seated, subjects once scores exist, ...), and the dates stay in order
(`plan_dates`). A refused edit changes nothing and names each field it refuses."""

from __future__ import annotations

import json
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import plans as pl
from exams.rules.actions import ExamAction
from exams.schemas import PlanIn, SubjectIn
from exams.services._shared import plan_for_staff, subjects_of
from exams.services.plans import plan_problems, subject_date_problems, subject_problems
from exams.services.score_writing import has_current_scores
from exams.tables import Certificate, ExamPlan, ExamSubject, Registration
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, NotFound, Reason
from xuehui.text import require_clean

# The plan's columns the edit form may change, as the service compares them.
EDITABLE = (
    "name",
    "registration_opens",
    "registration_closes",
    "fee",
    "cutoff_date",
    "count_after_graduation_only",
    "eligibility",
    "exemptions",
    "rolling",
    "ticket_template",
    "separate_employers",
    "one_group_per_room",
    "publication_date",
    "commitment_bar_years",
    "certificate_valid_years",
)
JSON_FIELDS = ("eligibility", "exemptions", "rolling")


async def plan_facts(plan: dict[str, Any]) -> pl.PlanFacts:
    plan_id = plan["id"]
    return pl.PlanFacts(
        registrations=await Registration.exists().where(Registration.plan == plan_id),
        seated=plan["seated_at"] is not None,
        scores=await has_current_scores(plan_id),
        published=plan["published_at"] is not None,
        certificates=await Certificate.exists().where(Certificate.plan == plan_id),
    )


async def plan_locks(actor: Actor | None, plan_id: int) -> dict[str, Reason]:
    """The settings of the plan that can no longer change, each with why (for the edit form)."""
    plan = await plan_for_staff(actor, plan_id)
    return pl.edit_locks(await plan_facts(plan))


def _proposed(data: PlanIn) -> dict[str, Any]:
    values = data.model_dump(include=set(EDITABLE) | set(pl.NEVER))
    values["name"] = data.name.strip()
    return values


async def update_plan(actor: Actor | None, plan_id: int, data: PlanIn) -> list[str]:
    """Save the plan's changed settings; returns the names of the fields that changed."""
    require_clean(data)
    plan = await plan_for_staff(actor, plan_id)
    subjects = await subjects_of(plan_id)
    proposed = _proposed(data)
    locks = pl.edit_locks(await plan_facts(plan))
    problems = pl.locked_changes(plan, {**proposed, "code": data.code.strip().upper()}, locks)
    problems += plan_problems(data.model_copy(update={"rooms": []}), subjects)
    if problems:
        raise InvalidInput(problems)
    changed = pl.changed_fields(plan, {k: proposed[k] for k in EDITABLE})
    if not changed:
        return []
    values = {k: json.dumps(proposed[k], ensure_ascii=False) if k in JSON_FIELDS else proposed[k] for k in changed}
    async with write_transaction():
        await ExamPlan.update({getattr(ExamPlan, k): v for k, v in values.items()}).where(ExamPlan.id == plan_id)
        await audit(actor, ExamAction.PLAN_UPDATED, "exam_plan", plan_id, {"changed": changed}, plan["society_id"])
    return changed


async def update_subject(actor: Actor | None, plan_id: int, subject_id: int, data: SubjectIn) -> None:
    """Change a subject's name, marks or times until scores exist; its code stays."""
    require_clean(data)
    plan = await plan_for_staff(actor, plan_id)
    subjects = await subjects_of(plan_id)
    found = next((s for s in subjects if s["id"] == subject_id), None)
    if found is None:
        raise NotFound(Reason("subject.not_found", "科目不存在", "subject not found"))
    if await has_current_scores(plan_id):
        raise Conflict(Reason("plan.locked", "已导入成绩，科目不能再修改", "scores were imported: subjects are fixed"))
    problems = subject_problems(data)
    if data.code.strip().upper() != found["code"]:
        problems.append(Reason("subject.code_fixed", "科目代码不能修改", "the subject code cannot change", "code"))
    others: list[Any] = [s for s in subjects if s["id"] != subject_id]
    problems += subject_date_problems(plan, [*others, data])
    if problems:
        raise InvalidInput(problems)
    values = data.model_dump(exclude={"code"})
    async with write_transaction():
        await ExamSubject.update({getattr(ExamSubject, k): v for k, v in values.items()}).where(
            ExamSubject.id == subject_id
        )
        await audit(
            actor,
            ExamAction.PLAN_UPDATED,
            "exam_plan",
            plan_id,
            {"subject": found["code"], "changed": sorted(values)},
            plan["society_id"],
        )
