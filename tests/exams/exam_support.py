"""Builders for the exam service and page tests: a society with a running exam pilot, a plan,
candidates, score sheets."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook

from accounts.rules import Actor
from exams import services
from exams.schemas import EligibilityRowIn, PlanIn, RegistrationIn, RoomIn, SubjectIn
from societies import services as societies
from societies.schemas import PilotIn
from societies.tables import PilotProject
from tests.support import make_society, make_user
from xuehui import idcard
from xuehui.clock import CHINA, aware, today

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
TODAY = today()


async def exam_society(code: str = "CCS", pilot: bool = True) -> tuple[int, Actor]:
    society_id = await make_society(code, f"{code}学会")
    examadmin = await make_user(f"exam_{code.lower()}", "exam_admin", society_id)
    if pilot:
        admin = Actor(user_id=0, username="setup", display_name="setup", role="admin", society_id=None)
        project_id = await societies.create_pilot(
            admin, PilotIn(society_id=society_id, title="考务试点", function_type="exam_administration")
        )
        # Test set-up: skip the signing workflow (tested in tests/societies) and mark it running.
        await PilotProject.update({PilotProject.status: "implementing"}).where(PilotProject.id == project_id)
    return society_id, examadmin


def subject(code: str, hour: int = 9) -> SubjectIn:
    start = dt.datetime.combine(TODAY + dt.timedelta(days=20), dt.time(hour), CHINA)
    return SubjectIn(
        code=code,
        name=f"科目{code}",
        full_marks=Decimal(100),
        pass_mark=Decimal(60),
        decimal_places=1,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2, minutes=30),
    )


def plan_in(code: str = "HG26", rooms: list[RoomIn] | None = None, **extra: Any) -> PlanIn:
    return PlanIn(
        **{
            "code": code,
            "exam_code": "HG",
            "name": "化工工程师职业资格考试",
            "year": TODAY.year,
            "registration_opens": TODAY - dt.timedelta(days=1),
            "registration_closes": TODAY + dt.timedelta(days=10),
            "fee": Decimal(120),
            "cutoff_date": dt.date(TODAY.year, 12, 31),
            "eligibility": [
                EligibilityRowIn(education=20, min_years=6),
                EligibilityRowIn(education=30, min_years=4),
                EligibilityRowIn(education=50, min_years=2),
            ],
            "rolling": {"full": 2, "exempt": 1},
            "publication_date": TODAY + dt.timedelta(days=30),
            "subjects": [subject("01", 9), subject("02", 14)],
            "rooms": rooms
            if rooms is not None
            else [RoomIn(site_code="01", site_name="第一考点", room_no=1, rows=2, columns=3, spare_seats=0)],
            **extra,
        }
    )


def person(n: int, years: int = 6, employer: str = "化工设计院") -> RegistrationIn:
    return RegistrationIn(
        id_number=idcard.make("320102", dt.date(1990, 1, 1) + dt.timedelta(days=n), n % 50, "male"),
        name=f"考生{n}",
        education=30,
        graduation_date=dt.date(2012, 7, 1),
        work_start=dt.date(TODAY.year - years, 1, 1),
        employer=employer,
        subjects=["01", "02"],
        route="commitment",
        commitment_signed=True,
    )


async def registered(plan_id: int, examadmin: Actor, n: int, pay: bool = True, **kwargs: Any) -> tuple[Actor, int]:
    """A candidate account that registered, was approved and (optionally) paid."""
    from exams.schemas import ReviewIn

    candidate = await make_user(f"cand{n}", "candidate")
    reg_id = await services.register(candidate, plan_id, person(n, **kwargs), PNG)
    await services.review(examadmin, reg_id, ReviewIn(decision="approve"))
    if pay:
        await services.mark_paid(examadmin, reg_id)
    return candidate, reg_id


async def approved_registrations(plan_id: int, numbers: range, ticket_prefix: str | None = None) -> list[int]:
    """Approved, paid candidates written directly (set-up for races), optionally with tickets."""
    from exams.tables import Registration
    from xuehui.clock import now

    await Registration.insert(
        *[
            Registration(
                plan=plan_id,
                id_number=f"ID{n:016d}",
                name=f"考生{n}",
                sex="male",
                birth_date=dt.date(1990, 1, 1),
                education=30,
                graduation_date=dt.date(2012, 7, 1),
                work_start=dt.date(2012, 7, 1),
                employer=f"单位{n}",
                subjects='["01", "02"]',
                status="approved",
                eligible=True,
                paid=True,
                ticket_no=f"{ticket_prefix}{n:06d}" if ticket_prefix else None,
                created_at=now(),
                updated_at=now(),
            )
            for n in numbers
        ]
    )
    rows = await Registration.select(Registration.id).where(Registration.plan == plan_id).order_by(Registration.id)
    return [row["id"] for row in rows]


def score_sheet(rows: list[list[Any]], header: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header or ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"])
    for row in rows:
        sheet.append(row)
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:2]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def decided_violation(examadmin: Actor, reg_id: int, data: Any, note: str = "") -> int:
    """A violation case taken to its decision: recorded, notified, the candidate's statement
    recorded by the office, decided with the level and article it was recorded with."""
    from exams.schemas import StatementIn, ViolationDecisionIn

    case_id = await services.record_violation(examadmin, reg_id, data)
    await services.notify_violation(examadmin, case_id)
    await services.submit_statement(examadmin, case_id, StatementIn(text="考生当场表示无异议"))
    await services.decide_violation(
        examadmin, case_id, ViolationDecisionIn(level=data.level, article=data.article, note=note)
    )
    return case_id


async def exam_held(plan_id: int) -> None:
    """Set-up for publication: move the plan's dates into the past as if the exam had been held
    (registration three days ago, the exam yesterday, publication today), keeping them in order."""
    from exams.tables import ExamPlan, ExamSubject

    await ExamPlan.update(
        {
            ExamPlan.registration_opens: TODAY - dt.timedelta(days=4),
            ExamPlan.registration_closes: TODAY - dt.timedelta(days=3),
            ExamPlan.publication_date: TODAY,
        }
    ).where(ExamPlan.id == plan_id)
    for row in await ExamSubject.select(ExamSubject.id, ExamSubject.starts_at).where(ExamSubject.plan == plan_id):
        start = dt.datetime.combine(
            TODAY - dt.timedelta(days=1), aware(row["starts_at"]).astimezone(CHINA).time(), CHINA
        )
        await ExamSubject.update(
            {ExamSubject.starts_at: start, ExamSubject.ends_at: start + dt.timedelta(hours=2)}
        ).where(ExamSubject.id == row["id"])
