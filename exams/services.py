"""Exam use cases: plans, registration and eligibility, review and fees, seating and tickets, score
import, results and publication, violations, re-checks, certificates and the pilot-project KPIs.

Authorisation lives here: exam administrators act only for plans of their own society,
administrators for all, candidates only for their own registrations. An object the actor may not
see is reported exactly like a missing one (404). Every write runs in one `write_transaction` and is
audited in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Sequence
from decimal import Decimal
from typing import Any

import anyio

from accounts.rules import Actor
from accounts.services import audit
from exams.rules import eligibility as elig
from exams.rules import rechecks as rc
from exams.rules import seating as st
from exams.rules import tickets as tk
from exams.rules import violations as vl
from exams.rules.certificates import make_certificate_number, parse_certificate_number
from exams.rules.rolling import RollingRule, SubjectPass, rolling_status
from exams.rules.score_import import ScoreStatus
from exams.rules.subjects import Subject, check_score, is_pass
from exams.schemas import (
    MoveIn,
    PlanIn,
    RecheckDecisionIn,
    RecheckIn,
    RegistrationIn,
    ReviewIn,
    RoomIn,
    SubjectIn,
    ViolationIn,
)
from exams.score_work import validate_score_file, validated_at_preview
from exams.tables import (
    Certificate,
    ExamFile,
    ExamPlan,
    ExamRoom,
    ExamSubject,
    Recheck,
    Registration,
    Score,
    ScoreImport,
    Violation,
)
from societies.kpis import LiveKpi, percent
from societies.services import active_pilot_of_type
from xuehui import idcard, jobs
from xuehui.clock import CHINA, aware, now, today
from xuehui.db import engine, give_slot_back, is_sqlite, take_slot, write_transaction
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound, Reason
from xuehui.excel_import import ExcelLimits, check_archive, read_table
from xuehui.settings import get_settings
from xuehui.text import require_clean

STAFF_ROLES = ("admin", "exam_admin")
MAX_PHOTO_BYTES = 500_000
MAX_PROOF_BYTES = 5_000_000
ROOM_MODES = ("paper", "computer")
REG_STATUSES: dict[str, tuple[str, str]] = {
    "submitted": ("待审核", "awaiting review"),
    "ineligible": ("不符合报名条件", "not eligible"),
    "returned": ("退回修改", "returned for correction"),
    "approved": ("审核通过", "approved"),
    "rejected": ("审核不通过", "rejected"),
}
SCORE_STATUSES: dict[str, tuple[str, str]] = {
    "present": ("正常", "present"),
    "absent": ("缺考", "absent"),
    "violation": ("违纪", "violation"),
}


def _j(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _plan_not_found() -> NotFound:
    return NotFound(
        Reason("exam_plan.not_found", "考试计划不存在或无权查看", "exam plan not found or not visible to you")
    )


def _registration_not_found() -> NotFound:
    return NotFound(
        Reason("registration.not_found", "报名记录不存在或无权查看", "registration not found or not visible to you")
    )


def _staff(actor: Actor | None) -> None:
    if actor is not None and actor.role not in STAFF_ROLES:
        raise Forbidden(Reason("forbidden", "只有考务管理员可以执行此操作", "only exam administrators may do this"))


def _may_run(actor: Actor | None, plan: dict[str, Any]) -> bool:
    """`None` is the trusted command line."""
    return actor is None or actor.is_admin or (actor.role == "exam_admin" and actor.society_id == plan["society_id"])


# --- plans ---------------------------------------------------------------------------------


async def _plan(plan_id: int) -> dict[str, Any] | None:
    row = await ExamPlan.select().where(ExamPlan.id == plan_id).first()
    if row is None:
        return None
    for key in ("eligibility", "exemptions", "rolling"):
        row[key] = _j(row[key])
    if row["published_at"] is not None:
        row["published_at"] = aware(row["published_at"])
    return row


async def plan_for_staff(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    plan = await _plan(plan_id)
    if plan is None or not _may_run(actor, plan):
        raise _plan_not_found()
    return plan


async def plan_by_code(code: str) -> dict[str, Any]:
    row = await ExamPlan.select(ExamPlan.id).where(ExamPlan.code == code.strip().upper()).first()
    if row is None:
        raise _plan_not_found()
    plan = await _plan(row["id"])
    assert plan is not None
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


def _subject(row: dict[str, Any]) -> Subject:
    return Subject(
        row["code"],
        row["name"],
        plain(row["full_marks"]),
        plain(row["pass_mark"]),
        int(row["decimal_places"]),
        bool(row["objective"]),
    )


def _room(row: dict[str, Any]) -> st.Room:
    return st.Room(
        row["site_code"], row["room_no"], row["rows"], row["columns"], row["spare_seats"], row["subject_group"]
    )


async def get_plan(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    plan = await plan_for_staff(actor, plan_id)
    plan["subjects"] = await subjects_of(plan_id)
    plan["rooms"] = await rooms_of(plan_id)
    return plan


async def list_plans(actor: Actor) -> list[dict[str, Any]]:
    _staff(actor)
    query = ExamPlan.select().order_by(ExamPlan.id, ascending=False)
    if not actor.is_admin:
        if actor.society_id is None:
            return []
        query = query.where(ExamPlan.society_id == actor.society_id)
    return await query


def _subject_problems(data: SubjectIn, prefix: str = "") -> list[Reason]:
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


def _plan_problems(data: PlanIn) -> list[Reason]:
    problems = []
    if not data.code.strip().isalnum():
        problems.append(
            Reason("plan.code", "计划代码只能含字母和数字", "the plan code holds letters and digits", "code")
        )
    if not (2 <= len(data.exam_code) <= 6 and data.exam_code.isalnum() and data.exam_code == data.exam_code.upper()):
        problems.append(
            Reason(
                "plan.exam_code",
                "考试代码为2-6位大写字母或数字",
                "the exam code is 2-6 capitals or digits",
                "exam_code",
            )
        )
    if not data.name.strip():
        problems.append(Reason("plan.name", "请填写考试名称", "the exam name is required", "name"))
    if data.registration_closes < data.registration_opens:
        problems.append(
            Reason(
                "plan.window",
                "报名截止日期须不早于开始日期",
                "registration must close after it opens",
                "registration_closes",
            )
        )
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
    for i, subject in enumerate(data.subjects):
        problems += _subject_problems(subject, f"subjects.{i}.")
    for i, room in enumerate(data.rooms):
        problems += _room_problems(room, f"rooms.{i}.")
    return problems


async def create_plan(actor: Actor | None, data: PlanIn) -> int:
    require_clean(data)
    _staff(actor)
    society_id = data.society_id if actor is None or actor.is_admin else actor.society_id
    if society_id is None:
        raise InvalidInput(Reason("plan.society", "请选择学会", "choose the society", "society_id"))
    if problems := _plan_problems(data):
        raise InvalidInput(problems)
    pilot = await active_pilot_of_type(society_id, "exam_administration")
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
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
        await plan.save()
        for subject in data.subjects:
            await _insert_subject(plan.id, subject)
        for room in data.rooms:
            await _insert_room(plan.id, room)
        await audit(actor, "exam.plan_created", "exam_plan", plan.id, {"code": code, "name": data.name}, society_id)
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
    if problems := _subject_problems(data):
        raise InvalidInput(problems)
    async with write_transaction():
        if await ExamSubject.exists().where((ExamSubject.plan == plan_id) & (ExamSubject.code == data.code.upper())):
            raise Conflict(Reason("subject.exists", "该科目代码已存在", "this subject code exists already", "code"))
        await _insert_subject(plan_id, data)
        await audit(actor, "exam.subject_added", "exam_plan", plan_id, {"code": data.code}, plan["society_id"])


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
            "exam.room_added",
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
    plan = await _plan(plan_id)
    if plan is None or not plan["registration_opens"] <= today() <= plan["registration_closes"]:
        raise _plan_not_found()
    return plan


async def open_plans() -> list[dict[str, Any]]:
    day = today()
    return await (
        ExamPlan.select()
        .where((ExamPlan.registration_opens <= day) & (ExamPlan.registration_closes >= day))
        .order_by(ExamPlan.id)
    )


# --- files ---------------------------------------------------------------------------------


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


async def store_file(data: bytes, media_type: str) -> str:
    """Store once by content; call inside a write transaction."""
    sha = hashlib.sha256(data).hexdigest()
    if not await ExamFile.exists().where(ExamFile.sha256 == sha):
        query = ExamFile.insert(
            ExamFile(sha256=sha, media_type=media_type, size=len(data), content=data, created_at=now())
        )
        if not is_sqlite():
            # Two requests storing the same bytes at once both see no row on PostgreSQL; the second
            # insert must not fail the request (SQLite's write lock already serialises them).
            query = query.on_conflict(target=ExamFile.sha256, action="DO NOTHING")
        await query
    return sha


async def _lock_plan(plan_id: int) -> None:
    """Serialise the writers of one plan's registrations (inside a write transaction), so that
    "is this identity number or account registered already?" and the insert are one step.
    SQLite's write lock already does this; `lock_rows()` would not run there."""
    if not is_sqlite():
        await engine().run_querystring(_qs("SELECT id FROM xh_exam_plan WHERE id = {} FOR UPDATE", plan_id))


async def read_file(sha: str) -> tuple[bytes, str] | None:
    row = await ExamFile.select(ExamFile.content, ExamFile.media_type).where(ExamFile.sha256 == sha).first()
    return (bytes(row["content"]), row["media_type"]) if row else None


# --- registration --------------------------------------------------------------------------


def eligibility_table(plan: dict[str, Any]) -> elig.EligibilityTable:
    return elig.EligibilityTable(
        plan["exam_code"],
        tuple(
            elig.EligibilityRow(elig.Education(r["education"]), r["min_years"], r.get("related_major"))
            for r in plan["eligibility"]
        ),
        plan["cutoff_date"],
        plan["count_after_graduation_only"],
    )


def exemption_rules(plan: dict[str, Any]) -> list[elig.ExemptionRule]:
    return [
        elig.ExemptionRule(e["certificate"], frozenset(e["subjects"]), e.get("candidate_group", "exempt"))
        for e in plan["exemptions"]
    ]


async def violations_on_record(id_number: str) -> list[vl.Violation]:
    rows = await Violation.select().where(Violation.id_number == id_number)
    return [
        vl.Violation(
            str(r["registration"]),
            "",
            r["subject_code"],
            vl.ViolationLevel(r["level"]),
            r["article"],
            r["facts"],
            r["decided_on"],
        )
        for r in rows
    ]


async def _registration_fields(
    plan: dict[str, Any],
    data: RegistrationIn,
    photo: bytes | None,
    proof: bytes | None,
    existing: dict[str, Any] | None,
) -> dict[str, Any]:
    """Check the input and decide eligibility; return the columns to store (files not yet stored)."""
    problems: list[Reason] = []
    card = idcard.parse(data.id_number, "id_number")
    if isinstance(card, Reason):
        problems.append(card)
    if not data.name.strip():
        problems.append(Reason("registration.name", "请填写姓名", "the name is required", "name"))
    if not data.employer.strip():
        problems.append(Reason("registration.employer", "请填写工作单位", "the employer is required", "employer"))
    if data.education not in {e.value for e in elig.Education}:
        problems.append(Reason("registration.education", "请选择学历", "choose the education level", "education"))
    if data.work_end is not None and data.work_end < data.work_start:
        problems.append(
            Reason(
                "registration.work_end", "离职日期不能早于参加工作日期", "work cannot end before it starts", "work_end"
            )
        )
    codes = {s["code"] for s in await subjects_of(plan["id"])}
    chosen = sorted({c.strip().upper() for c in data.subjects if c.strip()})
    unknown = [c for c in chosen if c not in codes]
    if not chosen or unknown:
        problems.append(
            Reason("registration.subjects", "请选择本次报考的科目", "choose the subjects you will sit", "subjects")
        )
    if data.route not in ("commitment", "proof"):
        problems.append(Reason("registration.route", "请选择告知承诺或上传证明", "choose commitment or proof", "route"))
    if photo is not None:
        if len(photo) > MAX_PHOTO_BYTES or _image_type(photo) is None:
            problems.append(
                Reason(
                    "registration.photo",
                    "照片须为JPEG或PNG图片，不超过500KB",
                    "the photo must be a JPEG or PNG up to 500 KB",
                    "photo",
                )
            )
    elif not (existing and existing["photo_sha"]):
        problems.append(Reason("registration.photo_missing", "请上传照片", "upload a photo", "photo"))
    if data.route == "commitment":
        if not data.commitment_signed:
            problems.append(
                Reason(
                    "registration.commitment", "请阅读并签署告知承诺书", "read and sign the commitment", "commitment"
                )
            )
        elif not isinstance(card, Reason):
            refusal = elig.commitment_refusal(await violations_on_record(card.number), today())
            if refusal is not None:
                problems.append(refusal)
    elif data.route == "proof":
        if proof is not None and len(proof) > MAX_PROOF_BYTES:
            problems.append(Reason("registration.proof", "证明材料不超过5MB", "the proof may be at most 5 MB", "proof"))
        if proof is None and not (existing and existing["proof_sha"]):
            problems.append(Reason("registration.proof_missing", "请上传证明材料", "upload your proof", "proof"))
    if problems or isinstance(card, Reason):
        raise InvalidInput(problems)
    exempt, group = elig.exemptions(
        [c.strip() for c in data.held_certificates.split(",") if c.strip()], exemption_rules(plan)
    )
    sitting = [c for c in chosen if c not in exempt]
    if not sitting:
        raise InvalidInput(
            Reason("registration.subjects", "所选科目均已免考", "you are exempt from every chosen subject", "subjects")
        )
    decision = elig.decide_eligibility(
        elig.Applicant(
            elig.Education(data.education),
            data.graduation_date,
            data.related_major,
            (elig.WorkPeriod(data.work_start, data.work_end),),
        ),
        eligibility_table(plan),
    )
    return {
        "id_number": card.number,
        "name": data.name.strip(),
        "sex": card.sex,
        "birth_date": card.birth_date,
        "education": data.education,
        "related_major": data.related_major,
        "graduation_date": data.graduation_date,
        "work_start": data.work_start,
        "work_end": data.work_end,
        "employer": data.employer.strip(),
        "subjects": json.dumps(sitting),
        "held_certificates": data.held_certificates.strip(),
        "candidate_group": group or "full",
        "exempt_subjects": json.dumps(sorted(exempt)),
        "route": data.route,
        "status": "submitted" if decision.eligible else "ineligible",
        "eligible": decision.eligible,
        "eligibility_zh": decision.reason.zh,
        "eligibility_en": decision.reason.en,
    }


def _registration_open(plan: dict[str, Any]) -> None:
    day = today()
    if not plan["registration_opens"] <= day <= plan["registration_closes"]:
        raise Conflict(
            Reason(
                "registration.closed",
                f"报名时间为{plan['registration_opens']}至{plan['registration_closes']}",
                f"registration is open from {plan['registration_opens']} to {plan['registration_closes']}",
            )
        )


async def register(
    actor: Actor, plan_id: int, data: RegistrationIn, photo: bytes | None = None, proof: bytes | None = None
) -> int:
    require_clean(data)
    if actor.role != "candidate":
        raise Forbidden(Reason("forbidden", "只有考生可以报名", "only candidates register"))
    plan = await _plan(plan_id)
    if plan is None:
        raise _plan_not_found()
    _registration_open(plan)
    fields = await _registration_fields(plan, data, photo, proof, None)
    async with write_transaction():
        await _lock_plan(plan_id)
        taken = await Registration.exists().where(
            (Registration.plan == plan_id)
            & ((Registration.user_id == actor.user_id) | (Registration.id_number == fields["id_number"]))
        )
        if taken:
            raise Conflict(
                Reason("registration.exists", "已报名本次考试", "already registered for this exam", "id_number")
            )
        if photo is not None:
            fields["photo_sha"] = await store_file(photo, _image_type(photo) or "")
        if proof is not None:
            fields["proof_sha"] = await store_file(proof, "application/octet-stream")
        moment = now()
        registration = Registration(plan=plan_id, user_id=actor.user_id, created_at=moment, updated_at=moment, **fields)
        await registration.save()
        await audit(
            actor,
            "exam.registered",
            "exam_registration",
            registration.id,
            {"plan": plan["code"], "eligible": fields["eligible"]},
            plan["society_id"],
        )
    return int(registration.id)


async def update_registration(
    actor: Actor, registration_id: int, data: RegistrationIn, photo: bytes | None = None, proof: bytes | None = None
) -> None:
    require_clean(data)
    current = await get_registration(actor, registration_id)
    if actor.role != "candidate":
        raise Forbidden(Reason("forbidden", "只有考生本人可以修改报名", "only the candidate edits the registration"))
    if current["status"] not in ("submitted", "ineligible", "returned"):
        raise Conflict(
            Reason("registration.locked", "报名已审核，不能修改", "the registration was reviewed and cannot be changed")
        )
    plan = current["plan_row"]
    _registration_open(plan)
    fields = await _registration_fields(plan, data, photo, proof, current)
    async with write_transaction():
        await _lock_plan(plan["id"])
        if fields["id_number"] != current["id_number"] and await Registration.exists().where(
            (Registration.plan == plan["id"]) & (Registration.id_number == fields["id_number"])
        ):
            raise Conflict(
                Reason("registration.exists", "该身份证号已报名", "this identity number is registered", "id_number")
            )
        if photo is not None:
            fields["photo_sha"] = await store_file(photo, _image_type(photo) or "")
        if proof is not None:
            fields["proof_sha"] = await store_file(proof, "application/octet-stream")
        updated = await (
            Registration.update({getattr(Registration, k): v for k, v in {**fields, "updated_at": now()}.items()})
            .where(
                (Registration.id == registration_id)
                & Registration.status.is_in(["submitted", "ineligible", "returned"])
            )
            .returning(Registration.id)
        )
        if not updated:
            raise Conflict(
                Reason("registration.changed", "报名状态已变化，请刷新", "the registration changed meanwhile")
            )
        await audit(
            actor,
            "exam.registration_updated",
            "exam_registration",
            registration_id,
            {"eligible": fields["eligible"]},
            plan["society_id"],
        )


def _registration_view(row: dict[str, Any]) -> dict[str, Any]:
    row["subjects"] = _j(row["subjects"])
    row["exempt_subjects"] = _j(row["exempt_subjects"])
    return row


async def get_registration(actor: Actor | None, registration_id: int) -> dict[str, Any]:
    row = await Registration.select().where(Registration.id == registration_id).first()
    if row is None:
        raise _registration_not_found()
    plan = await _plan(row["plan"])
    assert plan is not None
    own = actor is not None and actor.role == "candidate" and row["user_id"] == actor.user_id
    if not (own or ((actor is None or actor.role in STAFF_ROLES) and _may_run(actor, plan))):
        raise _registration_not_found()
    view = _registration_view(row)
    view["plan_row"] = plan
    view["room_row"] = await ExamRoom.select().where(ExamRoom.id == row["room"]).first() if row["room"] else None
    return view


async def list_registrations(actor: Actor | None, plan_id: int, status: str = "") -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    query = Registration.select(
        *Registration.all_columns(), Registration.room.site_code, Registration.room.room_no
    ).where(Registration.plan == plan_id)
    if status:
        query = query.where(Registration.status == status)
    return [_registration_view(r) for r in await query.order_by(Registration.id)]


async def my_registrations(actor: Actor) -> list[dict[str, Any]]:
    rows = await Registration.select().where(Registration.user_id == actor.user_id).order_by(Registration.id)
    out = []
    for row in rows:
        view = await get_registration(actor, row["id"])
        view["results"] = await registration_results(view) if view["plan_row"]["published_at"] else None
        view["rechecks"] = await Recheck.select().where(Recheck.registration == row["id"]).order_by(Recheck.id)
        view["certificate"] = await Certificate.select().where(Certificate.registration == row["id"]).first()
        out.append(view)
    return out


async def review(actor: Actor, registration_id: int, data: ReviewIn) -> None:
    require_clean(data)
    _staff(actor)
    current = await get_registration(actor, registration_id)
    plan = current["plan_row"]
    if data.decision not in ("approve", "reject", "return"):
        raise InvalidInput(Reason("review.decision", "请选择审核结论", "choose a decision", "decision"))
    if data.decision in ("reject", "return") and not data.note.strip():
        raise InvalidInput(Reason("review.note", "退回或不通过须写明理由", "give the reason", "note"))
    if current["status"] not in ("submitted", "ineligible", "returned"):
        raise Conflict(Reason("review.state", "该报名已审核", "this registration was reviewed already"))
    if data.decision == "approve" and not current["eligible"]:
        raise Conflict(
            Reason(
                "review.ineligible",
                f"不符合报名条件，不能审核通过：{current['eligibility_zh']}",
                f"not eligible, cannot approve: {current['eligibility_en']}",
            )
        )
    status = {"approve": "approved", "reject": "rejected", "return": "returned"}[data.decision]
    async with write_transaction():
        done = await (
            Registration.update(
                {
                    Registration.status: status,
                    Registration.review_note: data.note.strip(),
                    Registration.updated_at: now(),
                }
            )
            .where((Registration.id == registration_id) & (Registration.status == current["status"]))
            .returning(Registration.id)
        )
        if not done:
            raise Conflict(
                Reason("registration.changed", "报名状态已变化，请刷新", "the registration changed meanwhile")
            )
        await audit(
            actor,
            f"exam.registration_{status}",
            "exam_registration",
            registration_id,
            {"note": data.note},
            plan["society_id"],
        )


async def mark_paid(actor: Actor | None, registration_id: int) -> None:
    _staff(actor)
    current = await get_registration(actor, registration_id)
    if current["status"] != "approved":
        raise Conflict(Reason("fee.not_approved", "审核通过后才能确认缴费", "only approved registrations can be paid"))
    if current["paid"]:
        return
    async with write_transaction():
        await Registration.update({Registration.paid: True, Registration.paid_at: now()}).where(
            Registration.id == registration_id
        )
        await audit(actor, "exam.fee_paid", "exam_registration", registration_id, {}, current["plan_row"]["society_id"])


FEE_ALIASES = {
    "id_number": ("身份证号", "身份证号码", "证件号码", "id number", "identity number"),
    "name": ("姓名", "name"),
}


def _limits() -> ExcelLimits:
    settings = get_settings()
    return ExcelLimits(
        max_file_bytes=settings.max_upload_bytes, max_uncompressed_bytes=settings.max_upload_uncompressed_bytes
    )


async def mark_paid_from_excel(actor: Actor | None, plan_id: int, data: bytes) -> int:
    """Every identity number in the sheet must be an approved registration of the plan; all or none."""
    _staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    table = await jobs.run_in_process(_read_fee_table, data, _limits())
    if table and isinstance(table[0], Reason):
        raise InvalidInput(table)
    rows = await Registration.select(Registration.id, Registration.id_number, Registration.status).where(
        Registration.plan == plan_id
    )
    by_number = {r["id_number"]: r for r in rows}
    problems: list[Reason] = []
    ids: list[int] = []
    for number, raw, row_no, column in table:
        reg = by_number.get(idcard.normalise(number)) if number else None
        if number is None:
            problems.append(
                Reason(
                    "fee.number_cell",
                    "身份证号须为文本格式",
                    "the identity number must be a text cell",
                    "id_number",
                    row_no,
                    column,
                )
            )
        elif reg is None:
            problems.append(
                Reason(
                    "fee.unknown",
                    f"身份证号{raw}未报名本考试",
                    f"identity number {raw} is not registered",
                    "id_number",
                    row_no,
                    column,
                )
            )
        elif reg["status"] != "approved":
            problems.append(
                Reason(
                    "fee.not_approved",
                    "该考生未审核通过",
                    "this candidate is not approved",
                    "id_number",
                    row_no,
                    column,
                )
            )
        else:
            ids.append(reg["id"])
    if problems:
        raise InvalidInput(problems)
    async with write_transaction():
        if ids:
            await Registration.update({Registration.paid: True, Registration.paid_at: now()}).where(
                Registration.id.is_in(ids) & (Registration.paid == False)  # noqa: E712 - Piccolo expression
            )
        await audit(actor, "exam.fees_imported", "exam_plan", plan_id, {"rows": len(ids)}, plan["society_id"])
    return len(ids)


def _read_fee_table(data: bytes, limits: ExcelLimits) -> list[tuple[str | None, str, int, str]] | list[Reason]:
    """Run in the process pool: the rows, or the reasons the file is refused.

    A refusal comes back as a value, not as the raised `InvalidInput`: a `DomainError` does not
    survive pickling between processes (it is rebuilt from its message, and its reasons are lost).
    """
    from xuehui.excel_import import CellKind, column_letter

    try:
        table = read_table(data, FEE_ALIASES, required=("id_number",), limits=limits)
    except InvalidInput as refused:
        return refused.reasons
    index = table.header.columns["id_number"]
    out = []
    for row in table.rows:
        kind = row.kind(index)
        value = row.value(index)
        out.append((str(value) if kind is CellKind.TEXT else None, str(value), row.number, column_letter(index)))
    return out


# --- seating and tickets ---------------------------------------------------------------------


def _policy(plan: dict[str, Any], seed: int) -> st.SeatingPolicy:
    return st.SeatingPolicy(seed, plan["separate_employers"], plan["one_group_per_room"])


def _group(reg: dict[str, Any]) -> str:
    return "+".join(sorted(_j(reg["subjects"])))


def _seating_candidate(reg: dict[str, Any]) -> st.SeatingCandidate:
    return st.SeatingCandidate(
        str(reg["id"]), _group(reg), reg["employer"] or None, reg["status"] == "approved", bool(reg["paid"])
    )


def _current_plan(regs: list[dict[str, Any]], rooms: list[dict[str, Any]]) -> st.SeatingPlan:
    by_room = {r["id"]: r for r in rooms}
    assignments = []
    for reg in regs:
        if reg["room"] is None:
            continue
        room = by_room[reg["room"]]
        row, col = divmod(reg["seat_no"] - 1, room["columns"])
        assignments.append(
            st.SeatAssignment(
                str(reg["id"]),
                room["site_code"],
                room["room_no"],
                reg["seat_no"],
                row + 1,
                col + 1,
                _group(reg),
                reg["employer"] or None,
            )
        )
    return st.SeatingPlan(0, tuple(assignments), (), ())


async def _write_ticket(plan: dict[str, Any], reg_id: int, room: dict[str, Any], seat_no: int) -> None:
    template = tk.parse_template(plan["ticket_template"])
    assert not isinstance(template, Reason)
    row, col = divmod(seat_no - 1, room["columns"])
    assignment = st.SeatAssignment(str(reg_id), room["site_code"], room["room_no"], seat_no, row + 1, col + 1, "", None)
    number = tk.ticket_number(template, plan["year"], plan["code"], assignment)
    if isinstance(number, Reason):
        raise InvalidInput(number)
    await Registration.update(
        {
            Registration.room: room["id"],
            Registration.seat_no: seat_no,
            Registration.ticket_no: number,
            Registration.updated_at: now(),
        }
    ).where(Registration.id == reg_id)


async def allocate_seats(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    """First call: seat every approved, paid candidate with a new recorded seed. Later calls: seat late
    registrants on free seats without moving anyone. Tickets are issued for every new seat."""
    _staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    room_rows = await rooms_of(plan_id)
    if not room_rows:
        raise Conflict(Reason("seating.no_rooms", "请先添加考场", "add rooms first"))
    rooms = [_room(r) for r in room_rows]
    room_by_key = {(r["site_code"], r["room_no"]): r for r in room_rows}
    seed = st.new_seed()
    async with write_transaction():
        regs = await Registration.select().where(Registration.plan == plan_id)
        admitted = [r for r in regs if r["status"] == "approved"]  # the unpaid are listed as unseated
        first = plan["seated_at"] is None
        if first:
            result = st.allocate_seats([_seating_candidate(r) for r in admitted], rooms, _policy(plan, seed))
            new = list(result.assignments)
        else:
            current = _current_plan(regs, room_rows)
            late = [_seating_candidate(r) for r in admitted if r["room"] is None]
            result = st.seat_late_registrants(current, rooms, late, _policy(plan, seed))
            seated = {a.candidate_id for a in current.assignments}
            new = [a for a in result.assignments if a.candidate_id not in seated]
        counts: dict[int, int] = defaultdict(int)
        for a in new:
            room = room_by_key[a.room_key]
            await _write_ticket(plan, int(a.candidate_id), room, a.seat_no)
            counts[room["id"]] += 1
        for room_id, n in counts.items():
            await ExamRoom.update({ExamRoom.used: ExamRoom.used + n}).where(ExamRoom.id == room_id)
        await ExamPlan.update({ExamPlan.seating_seed: seed, ExamPlan.seated_at: now()}).where(ExamPlan.id == plan_id)
        summary = {
            "seed": seed,
            "first": first,
            "seated": len(new),
            "unseated": [(u.candidate_id, u.reason.zh, u.reason.en) for u in result.unseated],
            "conflicts": len(result.conflicts),
        }
        await audit(actor, "exam.seats_allocated", "exam_plan", plan_id, summary, plan["society_id"])
    return summary


async def seat_one(actor: Actor | None, registration_id: int) -> dict[str, Any]:
    """Seat one late registrant on a free seat. The room's seat count is taken with a conditional
    UPDATE first (which also locks the room row on PostgreSQL), so concurrent calls never over-fill."""
    _staff(actor)
    current = await get_registration(actor, registration_id)
    plan = current["plan_row"]
    if current["status"] != "approved" or not current["paid"]:
        raise Conflict(
            Reason("seating.not_admitted", "审核通过并缴费后才能安排座位", "seat only approved, paid candidates")
        )
    if current["room"] is not None:
        return {"room_id": current["room"], "seat_no": current["seat_no"], "ticket_no": current["ticket_no"]}
    me = _seating_candidate(current)
    for room_row in await rooms_of(plan["id"]):
        room = _room(room_row)
        if room.subject_group is not None and room.subject_group != me.subject_group:
            continue
        async with write_transaction():
            if not await take_slot("xh_exam_room", room_row["id"], "used", "capacity"):
                continue
            regs = await Registration.select().where(
                (Registration.plan == plan["id"]) & (Registration.room == room_row["id"])
            )
            if plan["one_group_per_room"] and any(_group(r) != me.subject_group for r in regs):
                await give_slot_back("xh_exam_room", room_row["id"])
                continue
            existing = _current_plan(regs, [room_row])
            placed = st.seat_late_registrants(existing, [room], [me], _policy(plan, st.new_seed()))
            mine = placed.by_candidate().get(str(registration_id))
            if mine is None:
                await give_slot_back("xh_exam_room", room_row["id"])
                continue
            await _write_ticket(plan, registration_id, room_row, mine.seat_no)
            await audit(
                actor,
                "exam.seat_taken",
                "exam_registration",
                registration_id,
                {"room": room_row["id"], "seat": mine.seat_no},
                plan["society_id"],
            )
            return {"room_id": room_row["id"], "seat_no": mine.seat_no}
    raise Conflict(Reason("seating.full", "没有空余座位，请增加考场", "no free seat left; add a room"))


async def move_candidate(actor: Actor | None, registration_id: int, data: MoveIn) -> None:
    _staff(actor)
    current = await get_registration(actor, registration_id)
    plan = current["plan_row"]
    room_rows = await rooms_of(plan["id"])
    target = next((r for r in room_rows if r["id"] == data.room_id), None)
    if target is None:
        raise InvalidInput(
            Reason("seating.no_such_seat", "目标座位不存在", "the target seat does not exist", "room_id")
        )
    async with write_transaction():
        regs = await Registration.select().where(Registration.plan == plan["id"])
        moved = st.move_candidate(
            _current_plan(regs, room_rows),
            [_room(r) for r in room_rows],
            str(registration_id),
            target["site_code"],
            target["room_no"],
            data.seat_no,
        )
        if isinstance(moved, Reason):
            raise InvalidInput(moved)
        old_room = current["room"]
        await _write_ticket(plan, registration_id, target, data.seat_no)
        if old_room != target["id"]:
            await give_slot_back("xh_exam_room", old_room)
            await ExamRoom.update({ExamRoom.used: ExamRoom.used + 1}).where(ExamRoom.id == target["id"])
        await audit(
            actor,
            "exam.candidate_moved",
            "exam_registration",
            registration_id,
            {"from": [old_room, current["seat_no"]], "to": [target["id"], data.seat_no]},
            plan["society_id"],
        )


async def room_sheet(actor: Actor | None, room_id: int) -> dict[str, Any]:
    # A missing room and one of a plan this actor may not run get the same answer.
    hidden = NotFound(Reason("room.not_found", "考场不存在或无权查看", "room not found or not visible to you"))
    room = await ExamRoom.select().where(ExamRoom.id == room_id).first()
    if room is None:
        raise hidden
    try:
        plan = await plan_for_staff(actor, room["plan"])
    except NotFound:
        raise hidden from None
    regs = await Registration.select().where(Registration.room == room_id).order_by(Registration.seat_no)
    return {
        "plan": plan,
        "room": room,
        "candidates": [_registration_view(r) for r in regs],
        "subjects": await subjects_of(plan["id"]),
    }


# --- score import ----------------------------------------------------------------------------


async def score_context(plan_id: int) -> tuple[list[Any], list[Any]]:
    regs = (
        await Registration.select(
            Registration.id, Registration.ticket_no, Registration.id_number, Registration.name, Registration.subjects
        )
        .where((Registration.plan == plan_id) & Registration.ticket_no.is_not_null())
        .order_by(Registration.id)
    )
    parsed: dict[str, tuple[str, ...]] = {}  # most candidates share a few subject lists
    candidates = [
        (
            r["id"],
            r["ticket_no"],
            r["id_number"],
            r["name"],
            parsed.get(r["subjects"]) or _subjects(parsed, r["subjects"]),
        )
        for r in regs
    ]
    subjects = [
        (
            s["code"],
            s["name"],
            str(plain(s["full_marks"])),
            str(plain(s["pass_mark"])),
            int(s["decimal_places"]),
            bool(s["objective"]),
        )
        for s in await subjects_of(plan_id)
    ]
    return candidates, subjects


def _subjects(cache: dict[str, tuple[str, ...]], raw: Any) -> tuple[str, ...]:
    codes = tuple(_j(raw))
    if isinstance(raw, str):
        cache[raw] = codes
    return codes


def _summary(outcome: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in outcome.items() if k != "records"}


# The validated rows of the latest clean previews, kept in this process. Validation is a pure
# function of the file, the candidates, the subjects and the limits: committing an import whose
# candidates and subjects are unchanged since its preview writes the rows without reading and
# validating the file a second time (half the time of an import through the pages). Another
# instance, a restart or any change since the preview finds nothing usable here and validates again.
_PREVIEWS: OrderedDict[int, tuple[list[Any], list[Any], dict[str, Any]]] = OrderedDict()
_PREVIEWS_KEPT = 2  # a 100,000-row preview holds about 40 MB


def _remember_preview(import_id: int, candidates: list[Any], subjects: list[Any], outcome: dict[str, Any]) -> None:
    _PREVIEWS[import_id] = (candidates, subjects, outcome)
    while len(_PREVIEWS) > _PREVIEWS_KEPT:
        _PREVIEWS.popitem(last=False)


def _preview_still_valid(import_id: int, candidates: list[Any], subjects: list[Any]) -> dict[str, Any] | None:
    kept = _PREVIEWS.pop(import_id, None)
    if kept is None or kept[0] != candidates or kept[1] != subjects:
        return None
    return kept[2]


async def start_score_import(actor: Actor | None, plan_id: int, filename: str, data: bytes) -> int:
    """Store the upload and validate it in a background job; the preview is on the import."""
    _staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    # The archive checks (size, ratio, macros, forged sizes, DTDs) need no parsing and refuse a
    # hostile file at once, before anything is stored; the cell reading runs in the job.
    await anyio.to_thread.run_sync(check_archive, data, _limits())
    async with write_transaction():
        sha = await store_file(data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        record = ScoreImport(
            plan=plan_id,
            file_sha=sha,
            filename=filename[:200],
            state="validating",
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
        await record.save()
        await audit(
            actor,
            "exam.scores_uploaded",
            "exam_plan",
            plan_id,
            {"file": filename, "import": record.id},
            plan["society_id"],
        )
    import_id = int(record.id)
    candidates, subjects = await score_context(plan_id)

    async def store_preview(outcome: dict[str, Any]) -> dict[str, Any]:
        state = "invalid" if outcome["problems"] else "ready"
        await ScoreImport.update(
            {
                ScoreImport.state: state,
                ScoreImport.rows: outcome["rows"],
                ScoreImport.problems: json.dumps(outcome["problems"], ensure_ascii=False),
                ScoreImport.totals: json.dumps(outcome["totals"]),
            }
        ).where(ScoreImport.id == import_id)
        if state == "ready":
            _remember_preview(import_id, candidates, subjects, outcome)
        return _summary(outcome)

    job_id = await jobs.start_job(
        actor,
        "exams.score_validate",
        validate_score_file,
        data,
        candidates,
        subjects,
        _limits(),
        commit=store_preview,
        society_id=plan["society_id"],
    )
    async with write_transaction():
        await ScoreImport.update({ScoreImport.validate_job: job_id}).where(ScoreImport.id == import_id)
    return import_id


async def get_import(actor: Actor | None, import_id: int) -> dict[str, Any]:
    row = await ScoreImport.select().where(ScoreImport.id == import_id).first()
    if row is None:
        raise NotFound(Reason("import.not_found", "导入记录不存在或无权查看", "import not found or not visible to you"))
    plan = await plan_for_staff(actor, row["plan"])
    row["problems"] = _j(row["problems"])
    row["totals"] = _j(row["totals"])
    row["plan_row"] = plan
    job_id = row["commit_job"] or row["validate_job"]
    job = await jobs.get_job(None, job_id) if job_id else None
    if job is not None and job["state"] not in jobs.ACTIVE:
        # The job's outcome and the import's state are committed together: read the state again
        # after the job, so a job that finished between the two reads is never shown half-done.
        fresh = await ScoreImport.select().where(ScoreImport.id == import_id).first()
        row.update({k: _j(v) if k in ("problems", "totals") else v for k, v in fresh.items()} if fresh else {})
    row["job"] = job
    if row["job"] and row["job"]["state"] == "failed" and row["state"] in ("validating", "committing"):
        row["state"] = "failed"
    row["has_current"] = await _has_current_scores(plan["id"])
    return row


async def list_imports(actor: Actor | None, plan_id: int) -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    return await ScoreImport.select().where(ScoreImport.plan == plan_id).order_by(ScoreImport.id, ascending=False)


async def _has_current_scores(plan_id: int) -> bool:
    return bool(
        await Score.exists().where((Score.registration.plan == plan_id) & (Score.current == True))  # noqa: E712
    )


def _replace_refusal(plan: dict[str, Any], has_current: bool, confirm: bool) -> None:
    if plan["published_at"] is not None and has_current and not confirm:
        raise Conflict(
            Reason(
                "scores.confirm_replace",
                "成绩已公布，重新导入将替换已公布成绩（原版本保留），请勾选确认后再提交",
                "scores are published; re-importing replaces them (the previous version is kept): "
                "tick the confirmation",
                "confirm_replace",
            )
        )


async def write_scores(
    actor: Actor | None, plan: dict[str, Any], records: Sequence[tuple[int, str, str, str | None]]
) -> int:
    """Insert a new version of the plan's scores; the previous version stays, no longer current.
    Call inside the write transaction. Batched executemany: 100,000 rows in well under a second."""
    latest = (
        await Score.select(Score.version)
        .where(Score.registration.plan == plan["id"])
        .order_by(Score.version, ascending=False)
        .first()
    )
    version = (latest["version"] if latest else 0) + 1
    await engine().run_querystring(
        _qs(
            "UPDATE xh_exam_score SET current = FALSE WHERE current = TRUE AND registration IN "
            "(SELECT id FROM xh_exam_registration WHERE plan = {})",
            plan["id"],
        )
    )
    rows = [(reg, subject, status, score, version) for reg, subject, status, score in records]
    await _executemany(
        "INSERT INTO xh_exam_score (registration, subject_code, status, score, version, current) "
        "VALUES ({}, {}, {}, {}, {}, TRUE)",
        rows,
    )
    await audit(
        actor,
        "exam.scores_committed",
        "exam_plan",
        plan["id"],
        {"rows": len(rows), "version": version},
        plan["society_id"],
    )
    return version


async def _executemany(template: str, rows: list[tuple[Any, ...]]) -> None:
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("_executemany must run inside write_transaction")
    connection = transaction.connection
    if is_sqlite():
        sql = template.format(*["?"] * template.count("{}"))
        converted = [tuple(float(v) if isinstance(v, Decimal) else v for v in row) for row in rows]
        for start in range(0, len(converted), 20_000):
            await connection.executemany(sql, converted[start : start + 20_000])
    else:
        sql = template.format(*[f"${i + 1}" for i in range(template.count("{}"))])
        converted = [
            tuple(Decimal(v) if isinstance(v, str) and i == 3 else v for i, v in enumerate(row)) for row in rows
        ]
        for start in range(0, len(converted), 20_000):
            await connection.executemany(sql, converted[start : start + 20_000])


async def commit_score_import(actor: Actor | None, import_id: int, confirm_replace: bool = False) -> int:
    """Commit every row of a validated import in the job's own transaction, or nothing; the
    stored file is validated again unless its preview still holds. Returns the job id."""
    _staff(actor)
    current = await get_import(actor, import_id)
    plan = current["plan_row"]
    if current["state"] != "ready":
        raise Conflict(Reason("import.state", "只有校验通过的导入才能提交", "only a validated import can be committed"))
    _replace_refusal(plan, current["has_current"], confirm_replace)
    stored = await read_file(current["file_sha"])
    assert stored is not None
    candidates, subjects = await score_context(plan["id"])
    async with write_transaction():
        moved = await (
            ScoreImport.update({ScoreImport.state: "committing"})
            .where((ScoreImport.id == import_id) & (ScoreImport.state == "ready"))
            .returning(ScoreImport.id)
        )
        if not moved:
            raise Conflict(Reason("import.state", "该导入正在提交或已提交", "this import is being or was committed"))

    async def commit(outcome: dict[str, Any]) -> dict[str, Any]:
        if outcome["problems"]:
            raise InvalidInput(
                [
                    Reason(p["code"], p["zh"], p["en"], p.get("field"), p.get("row"), p.get("column"))
                    for p in outcome["problems"]
                ]
            )
        version = await write_scores(actor, plan, outcome["records"])
        await ScoreImport.update(
            {ScoreImport.state: "committed", ScoreImport.version: version, ScoreImport.committed_at: now()}
        ).where(ScoreImport.id == import_id)
        return {**_summary(outcome), "version": version}

    previewed = _preview_still_valid(import_id, candidates, subjects)
    work: Callable[..., Any]
    args: tuple[Any, ...]
    on_done: Callable[[Any], Awaitable[dict[str, Any]]]
    if previewed is None:
        work, args, on_done = validate_score_file, (stored[0], candidates, subjects, _limits()), commit
    else:
        work, args, on_done = validated_at_preview, (), lambda _: commit(previewed)
    job_id = await jobs.start_job(
        actor, "exams.score_commit", work, *args, commit=on_done, society_id=plan["society_id"]
    )
    async with write_transaction():
        await ScoreImport.update({ScoreImport.commit_job: job_id}).where(ScoreImport.id == import_id)
    return job_id


async def import_scores_now(plan: dict[str, Any], data: bytes, dry_run: bool, confirm_replace: bool) -> dict[str, Any]:
    """The command line's import: validate in this process, then commit in one transaction unless dry."""
    candidates, subjects = await score_context(plan["id"])
    outcome = validate_score_file(data, candidates, subjects, _limits())
    summary = _summary(outcome)
    if outcome["problems"] or dry_run:
        return summary
    _replace_refusal(plan, await _has_current_scores(plan["id"]), confirm_replace)
    async with write_transaction():
        summary["version"] = await write_scores(None, plan, outcome["records"])
    return summary


def report_lines(summary: dict[str, Any], lang: str) -> list[str]:
    """The validation report as the page shows it and the command line prints it."""

    def pick_text(zh: str, en: str) -> str:
        return en if lang == "en" else zh

    lines = []
    for p in summary.get("problems", []):
        where = pick_text(f"第{p.get('row')}行", f"Row {p.get('row')}") if p.get("row") else ""
        column = f" {p['column']}" if p.get("column") else ""
        lines.append(f"{where}{column}: {pick_text(p['zh'], p['en'])}" if where else pick_text(p["zh"], p["en"]))
    if not summary.get("problems"):
        lines.append(
            pick_text(f"共{summary.get('rows', 0)}行，全部通过校验", f"{summary.get('rows', 0)} rows, all valid")
        )
        for t in summary.get("totals", []):
            lines.append(
                pick_text(
                    f"科目{t['subject']}：{t['rows']}行，缺考{t['absent']}，违纪{t['violations']}，"
                    f"成绩合计{t['score_sum']}",
                    f"subject {t['subject']}: {t['rows']} rows, {t['absent']} absent, "
                    f"{t['violations']} violations, sum {t['score_sum']}",
                )
            )
    return lines


# --- results -------------------------------------------------------------------------------


async def _current_scores(reg_ids: list[int]) -> dict[int, dict[str, dict[str, Any]]]:
    out: dict[int, dict[str, dict[str, Any]]] = defaultdict(dict)
    for start in range(0, len(reg_ids), 5000):
        rows = await Score.select().where(
            Score.registration.is_in(reg_ids[start : start + 5000]) & (Score.current == True)  # noqa: E712 - Piccolo expression
        )
        for r in rows:
            out[r["registration"]][r["subject_code"]] = r
    return out


async def _violations_of(reg_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if reg_ids:
        for r in await Violation.select().where(Violation.registration.is_in(reg_ids)).order_by(Violation.id):
            out[r["registration"]].append(r)
    return out


def _subject_results(
    reg: dict[str, Any],
    scores: dict[str, dict[str, Any]],
    violations: list[dict[str, Any]],
    subjects: dict[str, Subject],
) -> list[dict[str, Any]]:
    results = [
        vl.SubjectResult(
            str(reg["id"]),
            "s",
            code,
            Decimal(scores[code]["score"]) if code in scores and scores[code]["score"] is not None else None,
            code in scores and scores[code]["status"] == "violation",
        )
        for code in _j(reg["subjects"])
    ]
    marked, _ = vl.apply_violations(
        results,
        [
            vl.Violation(
                str(reg["id"]),
                "s",
                v["subject_code"],
                vl.ViolationLevel(v["level"]),
                v["article"],
                v["facts"],
                v["decided_on"],
            )
            for v in violations
        ],
    )
    out = []
    for r in marked:
        row = scores.get(r.subject_code)
        status = row["status"] if row else ""
        passed = (
            bool(row)
            and not r.void
            and r.score is not None
            and status == "present"
            and is_pass(r.score, subjects[r.subject_code])
        )
        out.append({"subject": r.subject_code, "score": r.score, "status": status, "void": r.void, "passed": passed})
    return out


async def _exam_passes(plan: dict[str, Any], id_numbers: list[str]) -> dict[str, list[SubjectPass]]:
    """Passes of these people in every published sitting of the same exam (same society, exam code)."""
    plans = await ExamPlan.select(ExamPlan.id, ExamPlan.year).where(
        (ExamPlan.society_id == plan["society_id"])
        & (ExamPlan.exam_code == plan["exam_code"])
        & ExamPlan.published_at.is_not_null()
    )
    passes: dict[str, list[SubjectPass]] = defaultdict(list)
    wanted = set(id_numbers)
    for p in plans:
        subjects = {s["code"]: _subject(s) for s in await subjects_of(p["id"])}
        query = Registration.select().where(Registration.plan == p["id"])
        if len(wanted) <= 500:  # one candidate's results page: read only their rows
            query = query.where(Registration.id_number.is_in(sorted(wanted) or [""]))
        regs = [r for r in await query if r["id_number"] in wanted]
        ids = [r["id"] for r in regs]
        scores, violations = await _current_scores(ids), await _violations_of(ids)
        for reg in regs:
            for r in _subject_results(reg, scores.get(reg["id"], {}), violations.get(reg["id"], []), subjects):
                if r["passed"]:
                    passes[reg["id_number"]].append(SubjectPass(r["subject"], p["year"]))
    return passes


def _qualification(
    plan: dict[str, Any], reg: dict[str, Any], passes: list[SubjectPass], required: frozenset[str]
) -> Any:
    rule = RollingRule(required, plan["rolling"])
    group = reg["candidate_group"] if reg["candidate_group"] in plan["rolling"] else "full"
    return rolling_status(passes, rule, group, plan["year"], frozenset(_j(reg["exempt_subjects"])))


async def registration_results(reg: dict[str, Any]) -> dict[str, Any]:
    plan = reg["plan_row"]
    subjects = {s["code"]: _subject(s) for s in await subjects_of(plan["id"])}
    scores = (await _current_scores([reg["id"]])).get(reg["id"], {})
    violations = (await _violations_of([reg["id"]])).get(reg["id"], [])
    passes = (await _exam_passes(plan, [reg["id_number"]])).get(reg["id_number"], [])
    status = _qualification(plan, reg, passes, frozenset(subjects))
    return {
        "subjects": _subject_results(reg, scores, violations, subjects),
        "qualified": status.qualified,
        "missing": sorted(status.missing),
        "violations": violations,
    }


async def publish(actor: Actor | None, plan_id: int) -> None:
    _staff(actor)
    plan = await plan_for_staff(actor, plan_id)
    if plan["published_at"] is not None:
        raise Conflict(Reason("publish.done", "成绩已公布", "the scores are published already"))
    if today() < plan["publication_date"]:
        raise Conflict(
            Reason(
                "publish.early",
                f"成绩公布日期为{plan['publication_date']}",
                f"scores are published on {plan['publication_date']}",
            )
        )
    if not await _has_current_scores(plan_id):
        raise Conflict(Reason("publish.no_scores", "尚未导入成绩", "no scores were imported yet"))
    async with write_transaction():
        await ExamPlan.update({ExamPlan.published_at: now()}).where(ExamPlan.id == plan_id)
        await audit(actor, "exam.scores_published", "exam_plan", plan_id, {}, plan["society_id"])


def published_on(plan: dict[str, Any]) -> dt.date | None:
    return aware(plan["published_at"]).astimezone(CHINA).date() if plan["published_at"] else None


async def plan_results(actor: Actor | None, plan_id: int) -> dict[str, Any]:
    """Every candidate's results and the statistics per subject and per site."""
    plan = await plan_for_staff(actor, plan_id)
    subjects = {s["code"]: _subject(s) for s in await subjects_of(plan_id)}
    regs = await list_registrations(actor, plan_id)
    ids = [r["id"] for r in regs]
    scores, violations = await _current_scores(ids), await _violations_of(ids)
    passes = await _exam_passes(plan, [r["id_number"] for r in regs]) if plan["published_at"] else {}
    rows = []
    stats: dict[tuple[str, str], dict[str, Any]] = {}
    for reg in regs:
        if reg["id"] not in scores:
            continue
        results = _subject_results(reg, scores[reg["id"]], violations.get(reg["id"], []), subjects)
        qualified = _qualification(plan, reg, passes.get(reg["id_number"], []), frozenset(subjects)).qualified
        rows.append({"registration": reg, "results": results, "qualified": qualified})
        site = reg.get("room.site_code") or ""
        for r in results:
            for key in ((r["subject"], ""), (r["subject"], site)):
                s = stats.setdefault(
                    key,
                    {"subject": key[0], "site": key[1], "candidates": 0, "present": 0, "passed": 0, "sum": Decimal(0)},
                )
                s["candidates"] += 1
                if r["status"] == "present" and not r["void"]:
                    s["present"] += 1
                    s["sum"] += r["score"] or 0
                s["passed"] += int(r["passed"])
    for s in stats.values():
        s["pass_rate"] = round(100 * s["passed"] / s["present"], 1) if s["present"] else 0.0
        s["mean"] = round(float(s["sum"]) / s["present"], 1) if s["present"] else 0.0
    return {"plan": plan, "rows": rows, "stats": sorted(stats.values(), key=lambda s: (s["subject"], s["site"]))}


async def public_lookup(ticket_no: str, id_number: str) -> dict[str, Any]:
    """Published results by ticket and identity number; the same answer for any mismatch."""
    missing = NotFound(
        Reason(
            "lookup.not_found",
            "未查到成绩，请核对准考证号和身份证号",
            "no published result for this ticket and identity number",
        )
    )
    row = await Registration.select().where(Registration.ticket_no == ticket_no.strip()).first()
    if row is None or idcard.normalise(id_number) != row["id_number"]:
        raise missing
    reg = await get_registration(None, row["id"])
    if reg["plan_row"]["published_at"] is None:
        raise missing
    return {"registration": reg, "results": await registration_results(reg)}


# --- violations ------------------------------------------------------------------------------


async def record_violation(actor: Actor | None, registration_id: int, data: ViolationIn) -> int:
    require_clean(data)
    _staff(actor)
    reg = await get_registration(actor, registration_id)
    plan = reg["plan_row"]
    if data.level not in {lv.value for lv in vl.ViolationLevel}:
        raise InvalidInput(Reason("violation.level", "请选择违纪违规级别", "choose the level", "level"))
    if data.subject_code not in reg["subjects"]:
        raise InvalidInput(
            Reason("violation.subject", "考生未报考该科目", "the candidate did not sit this subject", "subject_code")
        )
    if not data.facts.strip() or not data.article.strip():
        raise InvalidInput(
            Reason("violation.facts", "请写明事实和依据条款", "state the facts and the article", "facts")
        )
    violation = vl.Violation(
        str(registration_id),
        plan["code"],
        data.subject_code,
        vl.ViolationLevel(data.level),
        data.article.strip(),
        data.facts.strip(),
        today(),
    )
    results = [vl.SubjectResult(str(registration_id), plan["code"], code, None) for code in reg["subjects"]]
    decision = vl.decide(violation, results)
    async with write_transaction():
        row = Violation(
            registration=registration_id,
            id_number=reg["id_number"],
            subject_code=data.subject_code,
            level=data.level,
            article=violation.article,
            facts=violation.facts,
            decided_on=violation.decided_on,
            record_until=decision.record_until,
            decision_zh=decision.text_zh,
            decision_en=decision.text_en,
            created_by=actor.user_id if actor else None,
            created_at=now(),
        )
        await row.save()
        await audit(
            actor,
            "exam.violation_recorded",
            "exam_registration",
            registration_id,
            {"level": data.level, "voided": decision.voided_subjects},
            plan["society_id"],
        )
    return int(row.id)


async def violations_of_registration(registration_id: int) -> list[dict[str, Any]]:
    return (await _violations_of([registration_id])).get(registration_id, [])


# --- re-checks -------------------------------------------------------------------------------


async def request_recheck(actor: Actor, registration_id: int, data: RecheckIn) -> int:
    require_clean(data)
    reg = await get_registration(actor, registration_id)
    if actor.role != "candidate":
        raise Forbidden(Reason("forbidden", "只有考生本人可以申请复查", "only the candidate asks for a re-check"))
    plan = reg["plan_row"]
    day = published_on(plan)
    subjects = {s["code"]: _subject(s) for s in await subjects_of(plan["id"])}
    code = data.subject_code.strip().upper()
    if code not in reg["subjects"] or day is None:
        raise InvalidInput(
            Reason("recheck.subject", "没有该科目的已公布成绩", "no published score for this subject", "subject_code")
        )
    score = (await _current_scores([registration_id])).get(registration_id, {}).get(code)
    if score is None:
        raise InvalidInput(
            Reason("recheck.subject", "没有该科目的已公布成绩", "no published score for this subject", "subject_code")
        )
    earlier = [
        r["subject_code"]
        for r in await Recheck.select(Recheck.subject_code).where(Recheck.registration == registration_id)
    ]
    refusal = rc.recheck_refusal(
        subjects[code],
        ScoreStatus(score["status"]),
        Decimal(score["score"]) if score["score"] is not None else None,
        day,
        today(),
        earlier,
    )
    if refusal is not None:
        raise Conflict(refusal)
    async with write_transaction():
        row = Recheck(
            registration=registration_id,
            subject_code=code,
            reason=data.reason.strip(),
            state="pending",
            old_score=score["score"],
            old_status=score["status"],
            requested_at=now(),
        )
        await row.save()
        await audit(
            actor, "exam.recheck_requested", "exam_registration", registration_id, {"subject": code}, plan["society_id"]
        )
    return int(row.id)


async def list_rechecks(actor: Actor | None, plan_id: int) -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    return await (
        Recheck.select(*Recheck.all_columns(), Recheck.registration.name, Recheck.registration.ticket_no)
        .where(Recheck.registration.plan == plan_id)
        .order_by(Recheck.id)
    )


async def decide_recheck(actor: Actor | None, recheck_id: int, data: RecheckDecisionIn) -> str:
    require_clean(data)
    _staff(actor)
    row = await Recheck.select().where(Recheck.id == recheck_id).first()
    if row is None:
        raise NotFound(
            Reason("recheck.not_found", "复查申请不存在或无权查看", "re-check not found or not visible to you")
        )
    reg = await get_registration(actor, row["registration"])
    plan = reg["plan_row"]
    if row["state"] != "pending":
        raise Conflict(Reason("recheck.done", "该复查已处理", "this re-check was handled already"))
    if data.new_status not in SCORE_STATUSES:
        raise InvalidInput(Reason("recheck.status", "状态无效", "unknown status", "new_status"))
    subject = _subject(next(s for s in await subjects_of(plan["id"]) if s["code"] == row["subject_code"]))
    new_score = data.new_score if data.new_status != "absent" else None
    if new_score is not None and (problem := check_score(new_score, subject, "new_score")):
        raise InvalidInput(problem)
    if data.new_status == "present" and new_score is None:
        raise InvalidInput(Reason("recheck.score", "请填写复查后的成绩", "give the re-checked score", "new_score"))
    old_score = Decimal(row["old_score"]) if row["old_score"] is not None else None
    outcome = rc.recheck_result(old_score, ScoreStatus(row["old_status"]), new_score, ScoreStatus(data.new_status))
    async with write_transaction():
        await Score.update({Score.score: new_score, Score.status: data.new_status}).where(
            (Score.registration == row["registration"])
            & (Score.subject_code == row["subject_code"])
            & (Score.current == True)  # noqa: E712
        )
        await Recheck.update(
            {
                Recheck.state: "done",
                Recheck.outcome: outcome.outcome.value,
                Recheck.new_score: new_score,
                Recheck.new_status: data.new_status,
                Recheck.note: data.note.strip(),
                Recheck.handled_by: actor.user_id if actor else None,
                Recheck.handled_at: now(),
            }
        ).where(Recheck.id == recheck_id)
        await audit(
            actor,
            "exam.recheck_decided",
            "exam_registration",
            row["registration"],
            {"outcome": outcome.outcome.value},
            plan["society_id"],
        )
    return outcome.outcome.value


# --- certificates ----------------------------------------------------------------------------


async def issue_certificates(actor: Actor | None, plan_id: int) -> int:
    """A certificate for every qualified candidate of the plan who has none.

    Numbers follow the scheme XH + year + exam code + sequence (`exams.rules.certificates`), so
    every plan of one exam code and year draws from one counter: the one on the first such plan,
    taken with a conditional UPDATE. The transaction first locks that counter row, then reads
    which candidates already hold a certificate: concurrent issuers of the same plan (or of a
    sister sitting) queue on the lock, so each candidate gets exactly one number and the numbers
    run without gaps or repeats, on both databases.
    """
    _staff(actor)
    results = await plan_results(actor, plan_id)
    plan = results["plan"]
    if plan["published_at"] is None:
        raise Conflict(Reason("certificate.unpublished", "成绩公布后才能发证", "certificates follow publication"))
    issued = 0
    async with write_transaction():
        counter = await _lock_certificate_counter(plan["year"], plan["exam_code"])
        have = {
            r["registration"]
            for r in await Certificate.select(Certificate.registration).where(Certificate.plan == plan_id)
        }
        for row in results["rows"]:
            reg = row["registration"]
            if not row["qualified"] or reg["id"] in have:
                continue
            taken = await engine().run_querystring(
                _qs(
                    "UPDATE xh_exam_plan SET certificate_seq = certificate_seq + 1 "
                    "WHERE id = {} AND certificate_seq < 999999 RETURNING certificate_seq",
                    counter,
                )
            )
            if not taken:
                raise Conflict(Reason("certificate.exhausted", "证书编号已用完", "certificate numbers are used up"))
            number = make_certificate_number(plan["year"], plan["exam_code"], int(taken[0]["certificate_seq"]))
            await Certificate.insert(
                Certificate(
                    plan=plan_id,
                    registration=reg["id"],
                    number=number,
                    name=reg["name"],
                    id_number=reg["id_number"],
                    issued_on=today(),
                )
            )
            issued += 1
        if issued:
            await audit(actor, "exam.certificates_issued", "exam_plan", plan_id, {"issued": issued}, plan["society_id"])
    return issued


async def _lock_certificate_counter(year: int, exam_code: str) -> int:
    """Lock and return the plan row holding the certificate counter of (year, exam code): the
    first plan of that exam and year. Inside a write transaction. A no-op UPDATE takes the row
    lock on PostgreSQL (and SQLite's write lock is already held), where `lock_rows()` would not
    run on SQLite."""
    rows = await engine().run_querystring(
        _qs(
            "UPDATE xh_exam_plan SET certificate_seq = certificate_seq WHERE id = "
            "(SELECT MIN(id) FROM xh_exam_plan WHERE year = {} AND exam_code = {}) RETURNING id",
            year,
            exam_code,
        )
    )
    return int(rows[0]["id"])


def _qs(template: str, *args: Any) -> Any:
    from piccolo.querystring import QueryString

    return QueryString(template, *args)


async def list_certificates(actor: Actor | None, plan_id: int) -> list[dict[str, Any]]:
    await plan_for_staff(actor, plan_id)
    return await Certificate.select().where(Certificate.plan == plan_id).order_by(Certificate.number)


async def verify_certificate(raw: str) -> dict[str, Any]:
    parsed = parse_certificate_number(raw)
    if isinstance(parsed, Reason):
        raise InvalidInput(parsed)
    row = (
        await Certificate.select(*Certificate.all_columns(), Certificate.plan.name)
        .where(Certificate.number == parsed.number)
        .first()
    )
    if row is None:
        raise NotFound(
            Reason("certificate.not_found", "查无此证书", "no certificate with this number", "certificate_no")
        )
    return {**row, "id_number": idcard.mask(row["id_number"])}


# --- pilot-project KPIs ----------------------------------------------------------------------


async def pilot_kpis(society_id: int, function_type: str = "exam_administration") -> list[LiveKpi]:
    """The society's exam-administration KPIs, computed live (the pilot page shows them through
    `xuehui.composition.kpi_providers`): candidates served (approved registrations), pass rate
    (subjects passed / subjects sat in published plans) and on-time publication (published plans
    published on or before their set date). `value` is for display, `number` the raw figure."""
    if function_type != "exam_administration":
        return []
    plans = await ExamPlan.select().where(ExamPlan.society_id == society_id)
    served = await Registration.count().where(
        Registration.plan.is_in([p["id"] for p in plans] or [0]) & (Registration.status == "approved")
    )
    sat = passed = 0
    published = on_time = 0
    for plan in plans:
        if plan["published_at"] is None:
            continue
        published += 1
        on_time += int(aware(plan["published_at"]).astimezone(CHINA).date() <= plan["publication_date"])
        for s in (await plan_results(None, plan["id"]))["stats"]:
            if not s["site"]:
                sat += s["present"]
                passed += s["passed"]
    pass_rate = round(100 * passed / sat, 1) if sat else None
    punctual = round(100 * on_time / published, 1) if published else None

    return [
        LiveKpi("candidates_served", "服务考生人数", "Candidates served", str(served), served),
        LiveKpi("pass_rate", "科目合格率", "Pass rate", percent(pass_rate), pass_rate),
        LiveKpi("on_time_publication", "按时公布成绩比例", "On-time publication", percent(punctual), punctual),
    ]
