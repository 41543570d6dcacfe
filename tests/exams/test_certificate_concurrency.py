"""Certificate numbers under 200 concurrent issuance requests: one certificate per qualified
candidate, numbers unique and gap-free in their scheme (XH + year + exam code + sequence), also
when two sittings of the same exam in the same year issue at once. A naive read-max-then-insert
issuer, run the same way, produces duplicates or fails: the test has the power to see the bug."""

from __future__ import annotations

import asyncio
from typing import Any

from piccolo.querystring import QueryString

from accounts.rules import Actor
from accounts.tables import AuditEntry
from exams import services
from exams.rules.certificates import make_certificate_number, parse_certificate_number
from exams.tables import Certificate, ExamPlan, Registration, Score
from tests.exams.exam_support import TODAY, approved_registrations, exam_society, plan_in
from xuehui.clock import now
from xuehui.db import connection_pool, engine, is_sqlite

REQUESTS = 200
PER_PLAN = 12


async def _published_plan(examadmin: Actor, code: str, first: int) -> tuple[int, list[int]]:
    """A published plan whose PER_PLAN candidates passed both subjects (written directly: set-up)."""
    plan_id = await services.create_plan(examadmin, plan_in(code))
    regs = await approved_registrations(plan_id, range(first, first + PER_PLAN), ticket_prefix=code)
    await Score.insert(
        *[
            Score(registration=reg, subject_code=subject, status="present", score=80, version=1, current=True)
            for reg in regs
            for subject in ("01", "02")
        ]
    )
    await ExamPlan.update({ExamPlan.published_at: now()}).where(ExamPlan.id == plan_id)
    return plan_id, regs


async def _two_sittings() -> tuple[Actor, list[int], list[int]]:
    _society, examadmin = await exam_society()
    spring, spring_regs = await _published_plan(examadmin, "HG26A", 0)
    autumn, autumn_regs = await _published_plan(examadmin, "HG26B", 100)
    return examadmin, [spring, autumn], spring_regs + autumn_regs


def _scheme(sequence: int) -> str:
    return make_certificate_number(TODAY.year, "HG", sequence)


async def test_200_concurrent_issuance_requests_give_one_gap_free_number_per_candidate() -> None:
    examadmin, plans, regs = await _two_sittings()

    async def issue(plan_id: int) -> int | str:
        try:
            return await services.issue_certificates(examadmin, plan_id)
        except Exception as error:  # counted and shown below: none is expected
            return f"{type(error).__name__}: {error}"

    async with connection_pool(0 if is_sqlite() else 20):
        outcomes = await asyncio.gather(*(issue(plans[i % 2]) for i in range(REQUESTS)))
    assert [o for o in outcomes if not isinstance(o, int)] == []
    assert sum(o for o in outcomes if isinstance(o, int)) == len(regs)
    rows = await Certificate.select(Certificate.number, Certificate.registration, Certificate.plan)
    numbers = sorted(r["number"] for r in rows)
    # Unique, gap-free and in the scheme: exactly sequences 1..24 of XH<year>HG.
    assert numbers == sorted(_scheme(n) for n in range(1, len(regs) + 1))
    assert sorted(r["registration"] for r in rows) == sorted(regs)
    assert [type(parse_certificate_number(n)).__name__ for n in set(numbers)] == ["CertificateNumber"] * len(regs)
    assert await AuditEntry.count().where(AuditEntry.action == "exam.certificates_issued") == sum(
        1 for o in outcomes if o
    )
    # A later request finds nothing left to issue and takes no number.
    assert await services.issue_certificates(examadmin, plans[0]) == 0
    counters = await ExamPlan.select(ExamPlan.certificate_seq).order_by(ExamPlan.id)
    assert [c["certificate_seq"] for c in counters] == [len(regs), 0]


async def _naive_issue(plan_id: int, regs: list[int]) -> int:
    """Read the highest number of the scheme, then insert the next ones: no lock, no counter."""
    rows = await engine().run_querystring(
        QueryString("SELECT MAX(number) AS top FROM xh_exam_certificate WHERE number LIKE {}", f"XH{TODAY.year}HG%")
    )
    top = rows[0]["top"]
    sequence = int(top[-7:-1]) if top else 0
    held = {r["registration"] for r in await Certificate.select(Certificate.registration)}
    await asyncio.sleep(0.01)  # any real handler awaits something between the read and the write
    issued = 0
    for reg in regs:
        if reg in held:
            continue
        sequence += 1
        await Certificate.insert(
            Certificate(
                plan=plan_id,
                registration=reg,
                number=_scheme(sequence),
                name="考生",
                id_number="ID",
                issued_on=TODAY,
            )
        )
        issued += 1
    return issued


async def test_a_naive_read_max_then_insert_issuer_repeats_numbers_or_fails() -> None:
    _examadmin, plans, _regs = await _two_sittings()
    by_plan: dict[int, list[int]] = {}
    for row in await Registration.select(Registration.id, Registration.plan):
        by_plan.setdefault(row["plan"], []).append(row["id"])

    async def attempt(plan_id: int) -> Any:
        try:
            return await _naive_issue(plan_id, by_plan[plan_id])
        except Exception as error:  # a unique index or a locked database stops the naive writer
            return type(error).__name__

    async with connection_pool(0 if is_sqlite() else 20):
        outcomes = await asyncio.gather(*(attempt(plans[i % 2]) for i in range(50)))
    failures = [o for o in outcomes if isinstance(o, str)]
    numbers = [r["number"] for r in await Certificate.select(Certificate.number)]
    # The database's unique index is the last line of defence: the naive issuer hits it (or the
    # lock), where the real one never does.
    assert failures or len(set(numbers)) < len(numbers)
