"""A submission repeated 20 times at once (a double click, a retry after a lost response) creates
one record and takes one quota slot; every repeat gets the original answer. On both databases
(R-Q3). Nominations and talent recommendations carry idempotency keys; an exam registration is
keyed by the candidate's identity number within the plan."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import Counter
from typing import Any

from accounts.tables import AuditEntry
from exams import services as exams
from exams.tables import IdentityClash, Registration
from nominations import services
from nominations.tables import Nomination, Quota, Recommendation, TalentQuota
from tests.exams.exam_support import PNG, exam_society, person, plan_in
from tests.nominations.support import complete, demo_nomination, demo_person, nominating_society, recommending_society
from tests.support import make_user
from xuehui.clock import today
from xuehui.db import connection_pool, is_sqlite
from xuehui.errors import DomainError

REPEATS = 20


async def _outcomes(calls: list[Any]) -> Counter[str]:
    async def one(call: Any) -> str:
        try:
            return str(await call)
        except DomainError as refused:
            return refused.reasons[0].code

    async with connection_pool(0 if is_sqlite() else 20):
        return Counter(await asyncio.gather(*(one(c) for c in calls)))


async def test_one_nomination_submitted_20_times_at_once_with_one_key_is_submitted_once() -> None:
    cycle_id, _admin, nominator, _society = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    outcomes = await _outcomes([services.submit(nominator, nomination_id, "click-1") for _ in range(REPEATS)])
    assert outcomes == Counter({"submitted": REPEATS})
    assert [q["used"] for q in await Quota.select(Quota.used).where(Quota.category == "technological_invention")] == [1]
    assert await AuditEntry.count().where(AuditEntry.action == "nomination.submitted") == 1
    rows = await Nomination.select(Nomination.status, Nomination.idempotency_key)
    assert rows == [{"status": "submitted", "idempotency_key": "click-1"}]


async def test_one_key_sent_for_two_nominations_at_once_submits_one_and_refuses_the_other() -> None:
    cycle_id, _admin, nominator, _society = await nominating_society()
    first = await services.create_nomination(nominator, cycle_id, demo_nomination("第一项", 2))
    second = await services.create_nomination(nominator, cycle_id, demo_nomination("第二项", 2, start=10))
    calls = [services.submit(nominator, (first, second)[i % 2], "shared") for i in range(REPEATS)]
    outcomes = await _outcomes(calls)
    assert outcomes == Counter({"submitted": REPEATS // 2, "idempotency.reused": REPEATS // 2})
    rows = await Nomination.select(Nomination.status).where(Nomination.status == "submitted")
    assert len(rows) == 1
    assert [q["used"] for q in await Quota.select(Quota.used).where(Quota.category == "technological_invention")] == [1]


async def test_one_talent_recommendation_submitted_20_times_at_once_is_submitted_once() -> None:
    programme_id, _admin, nominator, society_id = await recommending_society()
    person_in = demo_person("张青", dt.date(today().year - 35, 3, 3), 1)
    recommendation_id = await services.create_recommendation(nominator, programme_id, person_in)
    await complete(nominator, programme_id, recommendation_id)
    calls = [services.submit_recommendation(nominator, recommendation_id, "click-2") for _ in range(REPEATS)]
    outcomes = await _outcomes(calls)
    assert outcomes == Counter({"submitted": REPEATS})
    quota = await TalentQuota.select(TalentQuota.used).where(TalentQuota.society_id == society_id)
    assert [q["used"] for q in quota] == [1]
    assert await AuditEntry.count().where(AuditEntry.action == "talent.submitted") == 1
    assert [r["status"] for r in await Recommendation.select(Recommendation.status)] == ["submitted"]


async def test_one_exam_registration_sent_20_times_at_once_creates_one_registration() -> None:
    _society, examadmin = await exam_society()
    plan_id = await exams.create_plan(examadmin, plan_in())
    candidate = await make_user("cand", "candidate")
    outcomes = await _outcomes([exams.register(candidate, plan_id, person(1), PNG) for _ in range(REPEATS)])
    registration_id = (await Registration.select(Registration.id).first())["id"]
    assert outcomes == Counter({str(registration_id): 1, "registration.exists": REPEATS - 1})
    assert await Registration.count() == 1
    assert await AuditEntry.count().where(AuditEntry.action == "exam.registered") == 1


async def test_one_identity_number_registered_from_two_accounts_at_once_is_registered_once() -> None:
    _society, examadmin = await exam_society()
    plan_id = await exams.create_plan(examadmin, plan_in())
    accounts = [await make_user(f"cand{n}", "candidate") for n in range(2)]
    calls = [exams.register(accounts[i % 2], plan_id, person(1), PNG) for i in range(REPEATS)]
    outcomes = await _outcomes(calls)
    # The winner's own repeats are told it registered; the other account learns nothing of the number.
    assert outcomes["registration.exists"] + outcomes["registration.identity_check"] == REPEATS - 1
    assert sum(1 for key in outcomes if key.isdigit()) == 1 and outcomes["registration.identity_check"] >= 1
    assert await Registration.count() == 1
    assert await IdentityClash.count() == 1
