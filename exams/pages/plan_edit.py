"""Editing a plan: the form shows every setting, the ones something already depends on greyed
out with the reason beside them; the subjects' forms until scores exist. A refused edit shows
the form again as typed, each message beside its field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from litestar import Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, URLEncodedBody
from litestar.response import Template

from accounts.rules import Actor
from exams import services
from exams.pages._shared import notice, staff, vocabulary
from exams.pages.plans import CANDIDATE_GROUPS, PLAN_FIELDS, SubjectForm, plan_from_form, subject_in
from exams.rules.eligibility import Education
from xuehui.clock import CHINA, aware
from xuehui.form_action import form_action

TEMPLATE = "exams/plan_edit.html"
EDIT_NOTICES = {
    "saved": ("考试计划已保存。", "The exam plan was saved."),
    "unchanged": ("没有修改任何内容。", "Nothing was changed."),
    "subject": ("科目已保存。", "The subject was saved."),
}
CHECKBOXES = ("count_after_graduation_only", "separate_employers", "one_group_per_room")
# The form keys that carry each locked setting.
FORM_KEYS = {
    "eligibility": tuple(f"elig_{e.value}" for e in Education),
    "rolling": tuple(f"rolling_{g}" for g in CANDIDATE_GROUPS),
    "society_id": ("society_id",),
}


def plan_form_of(plan: Mapping[str, Any]) -> dict[str, Any]:
    """The plan as its form shows it."""
    values: dict[str, Any] = {k: plan.get(k) for k in PLAN_FIELDS}
    for key in ("registration_opens", "registration_closes", "cutoff_date", "publication_date"):
        values[key] = plan[key].isoformat()
    values["fee"] = str(services.plain(plan["fee"]))
    values["certificate_valid_years"] = plan["certificate_valid_years"] or ""
    for key in CHECKBOXES:
        values[key] = "1" if plan[key] else ""
    for row in plan["eligibility"]:
        values[f"elig_{row['education']}"] = row["min_years"]
    for group, years in plan["rolling"].items():
        values[f"rolling_{group}"] = years
    values["exemptions"] = "\n".join(f"{e['certificate']}: {', '.join(e['subjects'])}" for e in plan["exemptions"])
    return values


def _submitted(form: Mapping[str, Any], plan: Mapping[str, Any], locked: set[str]) -> dict[str, Any]:
    """What was typed, with the fixed and locked settings (greyed out, so not sent) as they are."""
    current = plan_form_of(plan)
    values = {k: form.get(k) for k in form}
    for field in (*locked, "society_id"):
        for key in FORM_KEYS.get(field, (field,)):
            if key in current:
                values[key] = current[key]
    return values


def _subject_form(subject: Mapping[str, Any]) -> dict[str, Any]:
    def local(value: dt.datetime) -> str:
        return aware(value).astimezone(CHINA).strftime("%Y-%m-%dT%H:%M")

    return {
        "id": subject["id"],
        "code": subject["code"],
        "name": subject["name"],
        "full_marks": str(services.plain(subject["full_marks"])),
        "pass_mark": str(services.plain(subject["pass_mark"])),
        "decimal_places": str(subject["decimal_places"]),
        "objective": "1" if subject["objective"] else "",
        "starts_at": local(subject["starts_at"]),
        "ends_at": local(subject["ends_at"]),
    }


async def _context(
    actor: Actor, plan_id: int, form: Mapping[str, Any] | None = None, failed: str = "", subject: Any = None
) -> dict[str, Any]:
    plan = await services.get_plan(actor, plan_id)
    locks = await services.plan_locks(actor, plan_id)
    subject_forms = [_subject_form(s) for s in plan["subjects"]]
    if subject is not None:
        subject_forms = [subject if s["id"] == subject["id"] else s for s in subject_forms]
    return {
        "plan": plan,
        "form": dict(form) if form is not None else plan_form_of(plan),
        "locks": locks,
        "subject_forms": subject_forms,
        "failed_form": failed,
        "failed_subject": subject["id"] if subject is not None else None,
        **vocabulary(),
    }


@get("/exams/{plan_id:int}/edit", include_in_schema=False, guards=staff)
async def edit_page(actor: NamedDependency[Actor], plan_id: FromPath[int], done: FromQuery[str] = "") -> Template:
    context = await _context(actor, plan_id)
    return Template(TEMPLATE, context={**context, "notice": notice(EDIT_NOTICES, done)})


@post("/exams/{plan_id:int}/edit", include_in_schema=False, status_code=303, guards=staff)
async def save_plan(
    actor: NamedDependency[Actor], plan_id: FromPath[int], request: Request[Any, Any, Any]
) -> Response[Any]:
    plan = await services.get_plan(actor, plan_id)
    locked = set(await services.plan_locks(actor, plan_id))
    values = _submitted(await request.form(), plan, locked)

    async def action() -> list[str]:
        return await services.update_plan(actor, plan_id, plan_from_form(values))

    return await form_action(
        action,
        success=lambda changed: f"/exams/{plan_id}/edit?done={'saved' if changed else 'unchanged'}",
        template=TEMPLATE,
        context=lambda: _context(actor, plan_id, values, "plan"),
    )


@post("/exams/{plan_id:int}/subjects/{subject_id:int}", include_in_schema=False, status_code=303, guards=staff)
async def save_subject(
    actor: NamedDependency[Actor], plan_id: FromPath[int], subject_id: FromPath[int], data: URLEncodedBody[SubjectForm]
) -> Response[Any]:
    return await form_action(
        lambda: services.update_subject(actor, plan_id, subject_id, subject_in(data)),
        success=f"/exams/{plan_id}/edit?done=subject#subject-{subject_id}",
        template=TEMPLATE,
        context=lambda: _context(actor, plan_id, None, "subject", {**data.model_dump(), "id": subject_id}),
    )


ROUTES = [edit_page, save_plan, save_subject]
