"""What several exam use cases share: access checks, not-found answers, and the row views of a
plan, its subjects and rooms, and a registration.

Exam administrators act only for plans of their own society, administrators for all, candidates
only for their own registrations; `None` as the actor is the trusted command line. An object the
actor may not see is reported exactly like a missing one (404).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from piccolo.querystring import QueryString

from accounts.rules import Actor, require_role
from exams.rules import seating as st
from exams.rules.lifecycles import STAFF
from exams.rules.subjects import Subject
from exams.tables import ExamPlan, ExamRoom, ExamSubject, Registration
from xuehui.clock import aware
from xuehui.db import engine, is_sqlite, json_value
from xuehui.errors import NotFound, Reason

STAFF_ROLES = STAFF
PLAN_JSON_COLUMNS = ("eligibility", "exemptions", "rolling")


def plan_not_found() -> NotFound:
    return NotFound(
        Reason("exam_plan.not_found", "考试计划不存在或无权查看", "exam plan not found or not visible to you")
    )


def registration_not_found() -> NotFound:
    return NotFound(
        Reason("registration.not_found", "报名记录不存在或无权查看", "registration not found or not visible to you")
    )


def require_staff(actor: Actor | None) -> None:
    """Only exam staff (or the command line) run exams."""
    if actor is not None:
        require_role(actor, STAFF_ROLES)


def may_run(actor: Actor | None, plan: dict[str, Any]) -> bool:
    """`None` is the trusted command line."""
    return actor is None or actor.is_admin or (actor.role == "exam_admin" and actor.society_id == plan["society_id"])


def qs(template: str, *args: Any) -> QueryString:
    return QueryString(template, *args)


# --- plans, subjects, rooms --------------------------------------------------------------------


async def load_plan(plan_id: int) -> dict[str, Any] | None:
    row = await ExamPlan.select().where(ExamPlan.id == plan_id).first()
    if row is None:
        return None
    for key in PLAN_JSON_COLUMNS:
        row[key] = json_value(row[key])
    if row["published_at"] is not None:
        row["published_at"] = aware(row["published_at"])
    return row


async def plan_for_staff(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    plan = await load_plan(plan_id)
    if plan is None or not may_run(actor, plan):
        raise plan_not_found()
    return plan


async def subjects_of(plan_id: int) -> list[dict[str, Any]]:
    return await ExamSubject.select().where(ExamSubject.plan == plan_id).order_by(ExamSubject.code)


async def rooms_of(plan_id: int) -> list[dict[str, Any]]:
    return (
        await ExamRoom.select().where(ExamRoom.plan == plan_id).order_by(ExamRoom.site_code).order_by(ExamRoom.room_no)
    )


def plain(value: Any) -> Decimal:
    """A stored mark without the column's trailing zeros (PostgreSQL gives 100.0, SQLite 100)."""
    number = Decimal(value)
    return number.quantize(Decimal(1)) if number == number.to_integral() else number.normalize()


def subject_rule(row: dict[str, Any]) -> Subject:
    """A subject row as the pure rules see it."""
    return Subject(
        row["code"],
        row["name"],
        plain(row["full_marks"]),
        plain(row["pass_mark"]),
        int(row["decimal_places"]),
        bool(row["objective"]),
    )


async def subject_rules(plan_id: int) -> dict[str, Subject]:
    return {s["code"]: subject_rule(s) for s in await subjects_of(plan_id)}


def room_rule(row: dict[str, Any]) -> st.Room:
    """A room row as the seating rules see it."""
    return st.Room(
        row["site_code"], row["room_no"], row["rows"], row["columns"], row["spare_seats"], row["subject_group"]
    )


async def lock_plan(plan_id: int) -> None:
    """Serialise the writers of one plan's registrations (inside a write transaction), so that
    "is this identity number or account registered already?" and the insert are one step.
    SQLite's write lock already does this; `lock_rows()` would not run there."""
    if not is_sqlite():
        await engine().run_querystring(qs("SELECT id FROM xh_exam_plan WHERE id = {} FOR UPDATE", plan_id))


# --- registrations -----------------------------------------------------------------------------


def registration_view(row: dict[str, Any]) -> dict[str, Any]:
    row["subjects"] = json_value(row["subjects"])
    row["exempt_subjects"] = json_value(row["exempt_subjects"])
    return row


async def get_registration(actor: Actor | None, registration_id: int) -> dict[str, Any]:
    """The registration with its plan (`plan_row`) and room (`room_row`): for the candidate who
    owns it, and for the staff who run its plan."""
    row = await Registration.select().where(Registration.id == registration_id).first()
    if row is None:
        raise registration_not_found()
    plan = await load_plan(row["plan"])
    assert plan is not None
    own = actor is not None and actor.role == "candidate" and row["user_id"] == actor.user_id
    if not (own or ((actor is None or actor.role in STAFF_ROLES) and may_run(actor, plan))):
        raise registration_not_found()
    view = registration_view(row)
    view["plan_row"] = plan
    view["room_row"] = await ExamRoom.select().where(ExamRoom.id == row["room"]).first() if row["room"] else None
    return view


async def list_registrations(actor: Actor | None, plan_id: int, status: str = "") -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    query = Registration.select(
        *Registration.all_columns(),
        Registration.room.site_code,
        Registration.room.site_name,
        Registration.room.room_no,
    ).where(Registration.plan == plan_id)
    if status:
        query = query.where(Registration.status == status)
    return [registration_view(r) for r in await query.order_by(Registration.id)]
