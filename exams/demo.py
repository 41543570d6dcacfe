"""Demo data for exams, run by the chemical-engineering society's exam office: a sitting held
last week (candidates approved, paid and seated with tickets, scores imported and published, one
re-check decided and one waiting, certificates issued) and the next sitting open for registration
with registrations in every state (awaiting review, not eligible, returned, approved and paid,
rejected, and one voided: made by another account under a candidate's identity number).
Everything goes through the services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook

from accounts.rules import Actor
from accounts.services import create_user
from exams import services
from exams.schemas import (
    EligibilityRowIn,
    PlanIn,
    RecheckDecisionIn,
    RecheckIn,
    RegistrationIn,
    ReviewIn,
    RoomIn,
    SubjectIn,
)
from xuehui import idcard
from xuehui.clock import CHINA, today
from xuehui.errors import Conflict

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64  # a stand-in photo: the file store checks the magic bytes
SUBJECTS = [("01", "专业基础", 9), ("02", "专业案例", 14)]
# name, sex, employer, scores of 01 and 02 in the held sitting (None: absent)
CANDIDATES = [
    ("李娜", "female", "省化工设计院", (85, 90)),
    ("王强", "male", "齐鲁石化公司", (59, 62)),
    ("刘敏", "female", "省化学工业研究院", (None, None)),
    ("陈刚", "male", "鲁西化工集团", (70, 66)),
    ("杨洁", "female", "万华化学集团", (64, 52)),
]
CANDIDATE_SCORES: tuple[int | None, int | None] = (78, 58)  # the demo candidate's own


def subject(code: str, name: str, hour: int, day: dt.date) -> SubjectIn:
    start = dt.datetime.combine(day, dt.time(hour), CHINA)
    return SubjectIn(
        code=code,
        name=name,
        full_marks=Decimal(100),
        pass_mark=Decimal(60),
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2, minutes=30),
    )


def plan_in(code: str, name: str, closes: dt.date, exam_day: dt.date) -> PlanIn:
    on = today()
    return PlanIn(
        code=code,
        exam_code="HG",
        name=name,
        year=on.year,
        registration_opens=on - dt.timedelta(days=5),
        registration_closes=closes,
        fee=Decimal(120),
        cutoff_date=dt.date(on.year, 12, 31),
        eligibility=[
            EligibilityRowIn(education=20, min_years=6),
            EligibilityRowIn(education=30, min_years=4),
            EligibilityRowIn(education=50, min_years=2),
        ],
        rolling={"full": 2, "exempt": 1},
        publication_date=exam_day + dt.timedelta(days=20),
        subjects=[subject(c, n, h, exam_day) for c, n, h in SUBJECTS],
        rooms=[RoomIn(site_code="01", site_name="省化工职业学院考点", room_no=1, rows=4, columns=5)],
    )


def person(seq: int, name: str, sex: str, employer: str, years: int = 8) -> RegistrationIn:
    birth = dt.date(1988 + seq % 6, 1 + seq, 3 + seq)
    return RegistrationIn(
        id_number=idcard.make("370102", birth, 20 + seq, "male" if sex == "male" else "female"),
        name=name,
        education=30,
        graduation_date=dt.date(birth.year + 22, 7, 1),
        work_start=today() - dt.timedelta(days=365 * years),
        employer=employer,
        subjects=[c for c, _n, _h in SUBJECTS],
        commitment_signed=True,
    )


def _days(closes_in: int, exam_in: int) -> tuple[dt.date, dt.date]:
    """Registration closing and the exam day, that many days from today."""
    return today() + dt.timedelta(days=closes_in), today() + dt.timedelta(days=exam_in)


def score_sheet(rows: list[tuple[str, str, str, str, int | None]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"])
    for ticket, id_number, name, code, score in rows:
        sheet.append([ticket, id_number, name, code, score, "正常" if score is not None else "缺考"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _candidates(password: str) -> list[Actor]:
    out = []
    for seq, (name, _sex, _employer, _scores) in enumerate(CANDIDATES, start=1):
        username = f"candidate{seq + 1}"
        user_id = await create_user(
            None, username=username, display_name=f"考生 {name}", role="candidate", password=password
        )
        out.append(Actor(user_id=user_id, username=username, display_name=name, role="candidate"))
    return out


async def load(examadmin: Actor, candidate: Actor, password: str) -> None:
    """`candidate` is the demo candidate (张三); five more candidate accounts are made here."""
    on = today()
    others = await _candidates(password)
    held = await services.create_plan(
        examadmin,
        plan_in(f"HG{on:%y}A", f"{on.year}年化工工程师职业资格考试（第一次）", *_days(3, 10)),
    )
    people: list[tuple[Actor, RegistrationIn, tuple[int | None, int | None]]]
    people = [(candidate, person(0, "张三", "male", "省化工设计院"), CANDIDATE_SCORES)]
    people += [
        (actor, person(seq, name, sex, employer), scores)
        for seq, (actor, (name, sex, employer, scores)) in enumerate(zip(others, CANDIDATES, strict=True), start=1)
    ]
    regs = []
    for actor, data, _scores in people:
        reg_id = await services.register(actor, held, data, PNG)
        await services.review(examadmin, reg_id, ReviewIn(decision="approve"))
        await services.mark_paid(examadmin, reg_id)
        regs.append(reg_id)
    await services.allocate_seats(examadmin, held)
    await _hold(examadmin, held)
    tickets = {r["id"]: r["ticket_no"] for r in await services.list_registrations(examadmin, held)}
    rows: list[tuple[str, str, str, str, int | None]] = [
        (tickets[reg_id], data.id_number, data.name, code, score)
        for reg_id, (_actor, data, scores) in zip(regs, people, strict=True)
        for (code, _n, _h), score in zip(SUBJECTS, scores, strict=True)
    ]
    await services.import_scores_now(await services.plan_by_code(f"HG{on:%y}A"), score_sheet(rows), False, False)
    await services.publish(examadmin, held)
    await services.request_recheck(candidate, regs[0], RecheckIn(subject_code="02", reason="请核对合分"))
    decided = await services.request_recheck(others[1], regs[2], RecheckIn(subject_code="01", reason="第三题漏评"))
    await services.decide_recheck(
        examadmin, decided, RecheckDecisionIn(new_score=Decimal(63), note="复核发现第三题漏评6分，已更正")
    )
    await services.issue_certificates(examadmin, held)
    await _open_sitting(examadmin, others, password)


async def _hold(examadmin: Actor, plan_id: int) -> None:
    """Move the sitting into the past as if it had been held: registration closed a month ago, the
    exam a week ago, the scores due two days ago. Each edit keeps the dates in order."""
    on = today()
    plan = await services.get_plan(examadmin, plan_id)
    data = plan_in(plan["code"], plan["name"], *_days(3, 10))
    await services.update_plan(
        examadmin,
        plan_id,
        data.model_copy(
            update={"registration_opens": on - dt.timedelta(days=40), "registration_closes": on - dt.timedelta(days=30)}
        ),
    )
    for row in plan["subjects"]:
        hour = next(h for c, _n, h in SUBJECTS if c == row["code"])
        await services.update_subject(
            examadmin, plan_id, row["id"], subject(row["code"], row["name"], hour, on - dt.timedelta(days=7))
        )
    await services.update_plan(
        examadmin,
        plan_id,
        data.model_copy(
            update={
                "registration_opens": on - dt.timedelta(days=40),
                "registration_closes": on - dt.timedelta(days=30),
                "publication_date": on - dt.timedelta(days=2),
            }
        ),
    )


async def _squatter(password: str) -> Actor:
    username = f"candidate{len(CANDIDATES) + 2}"
    user_id = await create_user(None, username=username, display_name="考生 马六", role="candidate", password=password)
    return Actor(user_id=user_id, username=username, display_name="马六", role="candidate")


async def _open_sitting(examadmin: Actor, others: list[Actor], password: str) -> None:
    """The next sitting, open for registration: the five other candidates and each state once,
    and a registration voided by the office as made under someone else's identity number."""
    on = today()
    plan_id = await services.create_plan(
        examadmin,
        plan_in(f"HG{on:%y}B", f"{on.year}年化工工程师职业资格考试（第二次）", *_days(20, 45)),
    )
    decisions = [
        ("", ""),  # awaiting review
        ("", ""),  # awaiting review
        ("return", "照片不清晰，请重新上传近期免冠照片"),
        ("approve", "paid"),
        ("reject", "工作单位证明与报名信息不符"),
    ]
    # Someone registered first under 李娜's identity number from their own account: 李娜 is
    # refused with the neutral message, the office voids the other registration, she registers.
    squatter = await _squatter(password)
    await services.register(squatter, plan_id, person(1, "李娜", "female", "某咨询公司"), PNG)
    for seq, (actor, (name, sex, employer, _scores), (decision, note)) in enumerate(
        zip(others, CANDIDATES, decisions, strict=True), start=1
    ):
        # 杨洁 (the fifth) is rejected; 刘敏 (the third) returned; the second's work years fall short.
        years = 2 if seq == 2 else 8
        data = person(seq, name, sex, employer, years)
        if seq == 1:
            try:
                await services.register(actor, plan_id, data, PNG)
            except Conflict:
                clash = (await services.clashes(examadmin, plan_id))[0]
                await services.void_clashing_registration(examadmin, plan_id, clash["id"])
        reg_id = await services.register(actor, plan_id, data, PNG)
        if decision == "approve":
            await services.review(examadmin, reg_id, ReviewIn(decision="approve"))
            await services.mark_paid(examadmin, reg_id)
        elif decision:
            await services.review(examadmin, reg_id, ReviewIn(decision=decision, note=note))
