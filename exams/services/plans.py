"""Exam plans (考试计划): creating one with its subjects and rooms, adding subjects and rooms, and
the plan lists staff and candidates see."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import Any

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import eligibility as elig
from exams.rules import plans as pl
from exams.rules import tickets as tk
from exams.rules.actions import ExamAction
from exams.schemas import PlanIn, RoomIn, SubjectIn
from exams.services._shared import (
    load_plan,
    plan_for_staff,
    plan_not_found,
    require_staff,
    rooms_of,
    subjects_of,
)
from exams.services.score_writing import has_current_scores
from exams.tables import ExamPlan, ExamRoom, ExamSubject
from societies.services import active_pilot_of_type
from xuehui.clock import china_date, now, today
from xuehui.db import write_transaction
from xuehui.errors import Conflict, InvalidInput, Reason
from xuehui.text import require_clean

ROOM_MODES = ("paper", "computer")
# An exam code is 2 to 6 capitals or digits: it goes into every certificate number.
EXAM_CODE_MIN, EXAM_CODE_MAX = 2, 6
PILOT_FUNCTION = "exam_administration"


async def get_plan(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    plan = await plan_for_staff(actor, plan_id)
    plan["subjects"] = await subjects_of(plan_id)
    plan["rooms"] = await rooms_of(plan_id)
    return plan


async def plan_by_code(code: str) -> dict[str, Any]:
    row = await ExamPlan.select(ExamPlan.id).where(ExamPlan.code == code.strip().upper()).first()
    if row is None:
        raise plan_not_found()
    plan = await load_plan(row["id"])
    assert plan is not None
    return plan


async def list_plans(actor: Actor) -> list[dict[str, Any]]:
    require_staff(actor)
    query = ExamPlan.select().order_by(ExamPlan.id, ascending=False)
    if not actor.is_admin:
        if actor.society_id is None:
            return []
        query = query.where(ExamPlan.society_id == actor.society_id)
    return await query


def subject_problems(data: SubjectIn, prefix: str = "") -> list[Reason]:
    problems = []
    if not data.code.strip().isalnum():
        problems.append(
            Reason("subject.code", "科目代码只能含字母和数字", "subject codes hold letters and digits", f"{prefix}code")
        )
    if data.pass_mark > data.full_marks:
        problems.append(
            Reason(
                "subject.pass_mark",
                "合格标准不能高于满分",
                "the pass mark cannot exceed full marks",
                f"{prefix}pass_mark",
            )
        )
    if data.ends_at <= data.starts_at:
        problems.append(
            Reason("subject.times", "结束时间须晚于开始时间", "the end must be after the start", f"{prefix}ends_at")
        )
    return problems


def _room_problems(data: RoomIn, prefix: str = "") -> list[Reason]:
    problems = []
    if not data.site_code.strip().isalnum():
        problems.append(
            Reason(
                "room.site_code", "考点代码只能含字母和数字", "site codes hold letters and digits", f"{prefix}site_code"
            )
        )
    if data.spare_seats >= data.rows * data.columns:
        problems.append(
            Reason(
                "room.spare",
                "备用座位须少于座位总数",
                "spare seats must be fewer than the desks",
                f"{prefix}spare_seats",
            )
        )
    if data.mode not in ROOM_MODES:
        problems.append(Reason("room.mode", "考场类型应为纸笔或机考", "the room is paper or computer", f"{prefix}mode"))
    return problems


def subject_days(subjects: Iterable[SubjectIn | dict[str, Any]]) -> tuple[dt.date, ...]:
    """The China calendar days on which these subjects start or end."""
    days = []
    for subject in subjects:
        start, end = (
            (subject["starts_at"], subject["ends_at"])
            if isinstance(subject, dict)
            else (subject.starts_at, subject.ends_at)
        )
        days += [china_date(start), china_date(end)]
    return pl.exam_days(days)


def plan_dates_of(plan: PlanIn | dict[str, Any], subjects: Iterable[SubjectIn | dict[str, Any]]) -> pl.PlanDates:
    values = plan if isinstance(plan, dict) else plan.model_dump()
    return pl.PlanDates(
        values["registration_opens"], values["registration_closes"], values["publication_date"], subject_days(subjects)
    )


def _exam_code_ok(code: str) -> bool:
    return EXAM_CODE_MIN <= len(code) <= EXAM_CODE_MAX and code.isalnum() and code == code.upper()


def plan_problems(data: PlanIn, subjects: Sequence[SubjectIn | dict[str, Any]] | None = None) -> list[Reason]:
    """Every problem of the plan's settings; its dates are checked against `subjects` (the plan's
    own subjects when None)."""
    problems = []
    if not data.code.strip().isalnum():
        problems.append(
            Reason("plan.code", "计划代码只能含字母和数字", "the plan code holds letters and digits", "code")
        )
    if not _exam_code_ok(data.exam_code):
        problems.append(
            Reason(
                "plan.exam_code",
                f"考试代码为{EXAM_CODE_MIN}-{EXAM_CODE_MAX}位大写字母或数字",
                f"the exam code is {EXAM_CODE_MIN}-{EXAM_CODE_MAX} capitals or digits",
                "exam_code",
            )
        )
    if not data.name.strip():
        problems.append(Reason("plan.name", "请填写考试名称", "the exam name is required", "name"))
    problems += pl.plan_dates(plan_dates_of(data, data.subjects if subjects is None else subjects))
    template = tk.parse_template(data.ticket_template)
    if isinstance(template, Reason):
        problems.append(template)
    for row in data.eligibility:
        if row.education not in {e.value for e in elig.Education}:
            problems.append(Reason("plan.education", "学历层次无效", "unknown education level", "eligibility"))
    if not data.eligibility:
        problems.append(
            Reason("plan.eligibility", "请至少填写一行报名条件", "give at least one eligibility row", "eligibility")
        )
    if not data.rolling or any(n < 1 for n in data.rolling.values()) or "full" not in data.rolling:
        problems.append(
            Reason(
                "plan.rolling",
                "请为考生组full设置滚动年限（≥1）",
                "set a rolling window (>= 1) for group full",
                "rolling",
            )
        )
    for exemption in data.exemptions:
        if exemption.candidate_group not in data.rolling:
            problems.append(
                Reason(
                    "plan.exemption_group",
                    f"免考考生组{exemption.candidate_group}没有滚动年限",
                    f"candidate group {exemption.candidate_group} has no rolling window",
                    "exemptions",
                )
            )
    for i, subject in enumerate(data.subjects if subjects is None else []):
        problems += subject_problems(subject, f"subjects.{i}.")
    for i, room in enumerate(data.rooms):
        problems += _room_problems(room, f"rooms.{i}.")
    return problems


async def create_plan(actor: Actor | None, data: PlanIn) -> int:
    require_clean(data)
    require_staff(actor)
    society_id = data.society_id if actor is None or actor.is_admin else actor.society_id
    if society_id is None:
        raise InvalidInput(Reason("plan.society", "请选择学会", "choose the society", "society_id"))
    if problems := plan_problems(data):
        raise InvalidInput(problems)
    pilot = await active_pilot_of_type(society_id, PILOT_FUNCTION)
    if pilot is None:
        raise Conflict(
            Reason(
                "plan.no_pilot",
                "该学会没有已签署、正在实施的考务试点项目，不能建立考试计划",
                "the society has no signed, running exam-administration pilot project; create and sign one first",
                "society_id",
            )
        )
    code = data.code.strip().upper()
    async with write_transaction():
        if await ExamPlan.exists().where(ExamPlan.code == code):
            raise Conflict(Reason("plan.code_taken", "计划代码已存在", "this plan code exists already", "code"))
        plan = ExamPlan(
            society_id=society_id,
            pilot_project_id=pilot["id"],
            code=code,
            exam_code=data.exam_code,
            name=data.name.strip(),
            year=data.year,
            registration_opens=data.registration_opens,
            registration_closes=data.registration_closes,
            fee=data.fee,
            cutoff_date=data.cutoff_date,
            count_after_graduation_only=data.count_after_graduation_only,
            eligibility=json.dumps([r.model_dump() for r in data.eligibility]),
            exemptions=json.dumps([e.model_dump() for e in data.exemptions], ensure_ascii=False),
            rolling=json.dumps(data.rolling),
            ticket_template=data.ticket_template,
            separate_employers=data.separate_employers,
            one_group_per_room=data.one_group_per_room,
            publication_date=data.publication_date,
            commitment_bar_years=data.commitment_bar_years,
            certificate_valid_years=data.certificate_valid_years,
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
        await plan.save()
        for subject in data.subjects:
            await _insert_subject(plan.id, subject)
        for room in data.rooms:
            await _insert_room(plan.id, room)
        await audit(actor, ExamAction.PLAN_CREATED, "exam_plan", plan.id, {"code": code, "name": data.name}, society_id)
    return int(plan.id)


async def _insert_subject(plan_id: int, data: SubjectIn) -> None:
    await ExamSubject.insert(ExamSubject(plan=plan_id, **{**data.model_dump(), "code": data.code.strip().upper()}))


async def _insert_room(plan_id: int, data: RoomIn) -> None:
    group = (data.subject_group or "").strip() or None
    await ExamRoom.insert(
        ExamRoom(
            plan=plan_id,
            **{**data.model_dump(), "site_code": data.site_code.strip().upper(), "subject_group": group},
            capacity=data.rows * data.columns - data.spare_seats,
            used=0,
        )
    )


async def add_subject(actor: Actor | None, plan_id: int, data: SubjectIn) -> None:
    require_clean(data)
    plan = await plan_for_staff(actor, plan_id)
    if await has_current_scores(plan_id):
        raise Conflict(Reason("plan.locked", "已导入成绩，科目不能再修改", "scores were imported: subjects are fixed"))
    problems = subject_problems(data) + subject_date_problems(plan, [*await subjects_of(plan_id), data])
    if problems:
        raise InvalidInput(problems)
    async with write_transaction():
        if await ExamSubject.exists().where((ExamSubject.plan == plan_id) & (ExamSubject.code == data.code.upper())):
            raise Conflict(Reason("subject.exists", "该科目代码已存在", "this subject code exists already", "code"))
        await _insert_subject(plan_id, data)
        await audit(actor, ExamAction.SUBJECT_ADDED, "exam_plan", plan_id, {"code": data.code}, plan["society_id"])


def subject_date_problems(plan: dict[str, Any], subjects: Sequence[SubjectIn | dict[str, Any]]) -> list[Reason]:
    """The plan's date problems these subjects' times would cause, shown beside the subject's start."""
    return [replace(r, field="starts_at") for r in pl.plan_dates(plan_dates_of(plan, subjects))]


async def add_room(actor: Actor | None, plan_id: int, data: RoomIn) -> None:
    require_clean(data)
    plan = await plan_for_staff(actor, plan_id)
    if problems := _room_problems(data):
        raise InvalidInput(problems)
    async with write_transaction():
        if await ExamRoom.exists().where(
            (ExamRoom.plan == plan_id)
            & (ExamRoom.site_code == data.site_code.upper())
            & (ExamRoom.room_no == data.room_no)
        ):
            raise Conflict(Reason("room.exists", "该考场已存在", "this room exists already", "room_no"))
        await _insert_room(plan_id, data)
        await audit(
            actor,
            ExamAction.ROOM_ADDED,
            "exam_plan",
            plan_id,
            {"site": data.site_code, "room": data.room_no},
            plan["society_id"],
        )


async def society_options() -> list[tuple[int, str]]:
    from societies.services import society_choices

    return await society_choices()


async def public_plan(plan_id: int) -> dict[str, Any]:
    """A plan as a candidate sees it: only while its registration is open."""
    plan = await load_plan(plan_id)
    if plan is None or not plan["registration_opens"] <= today() <= plan["registration_closes"]:
        raise plan_not_found()
    return plan


async def open_plans() -> list[dict[str, Any]]:
    day = today()
    return await (
        ExamPlan.select()
        .where((ExamPlan.registration_opens <= day) & (ExamPlan.registration_closes >= day))
        .order_by(ExamPlan.id)
    )
