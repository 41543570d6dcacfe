"""A violation is a case: recorded with evidence, notified, answered within the statement period,
decided in writing and served; its effects start from the decision. Rules without a database,
then the use cases on a real one."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from accounts.tables import AuditEntry
from exams import services
from exams.rules import violation_cases as vc
from exams.rules.lifecycles import VIOLATION_CASE, ViolationCaseState
from exams.rules.violations import SubjectResult, Violation, ViolationLevel, add_years
from exams.schemas import StatementIn, ViolationDecisionIn, ViolationIn
from exams.tables import ViolationCase
from tests.exams.exam_support import PNG, TODAY, exam_society, person, plan_in, registered
from tests.support import make_user
from xuehui import files
from xuehui.errors import Conflict, Forbidden, InvalidInput, NotFound

D = dt.date
SERIOUS = ViolationIn(subject_code="01", level="serious", article="第七条第一项", facts="抄袭他人答案")
PDF = b"%PDF-1.4 on-site record"


def test_the_statement_period_is_three_working_days_and_the_appeal_window_sixty_days() -> None:
    # Notified on a Thursday: Friday, Monday, Tuesday.
    assert vc.statement_due(D(2026, 12, 3)) == D(2026, 12, 8)
    assert vc.statement_refusal(D(2026, 12, 8), D(2026, 12, 8)) is None
    late = vc.statement_refusal(D(2026, 12, 8), D(2026, 12, 9))
    assert late is not None and late.zh == "陈述申辩期已于2026-12-08届满，不能再提交陈述申辩"
    assert vc.appeal_until(D(2026, 12, 10)) == D(2027, 2, 8)
    assert vc.decision_refusal(ViolationCaseState.NOTIFIED, D(2026, 12, 8), D(2026, 12, 8)) is not None
    assert vc.decision_refusal(ViolationCaseState.NOTIFIED, D(2026, 12, 8), D(2026, 12, 9)) is None
    assert vc.decision_refusal(ViolationCaseState.STATED, D(2026, 12, 8), D(2026, 12, 4)) is None


def test_the_case_moves_notify_state_decide_serve_and_only_staff_decide() -> None:
    s = ViolationCaseState
    assert VIOLATION_CASE.targets(s.RECORDED, "exam_admin") == [s.NOTIFIED]
    assert VIOLATION_CASE.targets(s.NOTIFIED, "candidate") == [s.STATED]
    assert VIOLATION_CASE.targets(s.NOTIFIED, "exam_admin") == [s.STATED, s.DECIDED]
    assert VIOLATION_CASE.targets(s.DECIDED, "admin") == [s.SERVED]
    assert VIOLATION_CASE.targets(s.SERVED, "admin") == []
    with pytest.raises(Forbidden):
        VIOLATION_CASE.move(s.STATED, s.DECIDED, "candidate")
    with pytest.raises(Conflict):
        VIOLATION_CASE.move(s.RECORDED, s.DECIDED, "admin")


def test_the_written_decision_carries_the_reasons_before_the_appeal_sentence() -> None:
    violation = Violation("c1", "HG26", "01", ViolationLevel.GENERAL, "第六条第一项", "携带手机", D(2026, 12, 3))
    decision = vc.written_decision(violation, [SubjectResult("c1", "HG26", "01", None)], "申辩理由不成立。")
    assert decision.text_zh == (
        "经查，考生在HG26考试01科目中携带手机，属一般违纪违规，依据《专业技术人员资格考试违纪违规行为处理规定》"
        "第六条第一项，给予以下处理：01科目考试成绩无效。处理理由：申辩理由不成立。"
        "如不服本决定，可依法申请行政复议或者提起行政诉讼。"
    )
    assert decision.text_en.endswith(
        "results void for subjects: 01. Reasons: 申辩理由不成立. You may apply for administrative review "
        "or bring an administrative lawsuit."
    )


async def _case() -> tuple[int, Any, Any, int, int]:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate, reg_id = await registered(plan_id, examadmin, 1)
    case_id = await services.record_violation(examadmin, reg_id, SERIOUS, [("现场记录.pdf", PDF)])
    return plan_id, examadmin, candidate, reg_id, case_id


async def test_a_recorded_case_has_no_effect_and_is_hidden_from_the_candidate_until_notified() -> None:
    _plan_id, examadmin, candidate, reg_id, case_id = await _case()
    case = await services.violation_case(examadmin, case_id)
    assert (case["state"], case["recorded_on"], case["decided_on"], case["next"]) == (
        "recorded",
        TODAY,
        None,
        ["notified"],
    )
    assert [e["name"] for e in case["evidence"]] == ["现场记录.pdf"]
    assert await services.violation_evidence(examadmin, case_id, 0) == (PDF, files.PDF, "现场记录.pdf")
    with pytest.raises(NotFound):
        await services.violation_case(candidate, case_id)
    assert (await services.my_registrations(candidate))[0]["cases"] == []
    # Not decided: the commitment route stays open and nothing is voided.
    second = await services.create_plan(examadmin, plan_in(code="HG27"))
    assert await services.register(await make_user("cand1b", "candidate"), second, person(1), PNG)
    assert await services.violations_of_registration(reg_id) == []


async def test_notice_statement_decision_and_service_with_their_dates_and_audit() -> None:
    _plan_id, examadmin, candidate, reg_id, case_id = await _case()
    due = await services.notify_violation(examadmin, case_id)
    assert due == vc.statement_due(TODAY)
    with pytest.raises(Conflict) as refused:
        await services.decide_violation(
            examadmin, case_id, ViolationDecisionIn(level="serious", article="第七条第一项")
        )
    assert refused.value.reasons[0].code == "violation_case.statement_pending"
    seen = (await services.my_registrations(candidate))[0]["cases"]
    assert [(c["state"], c["statement_due"], c["statement_open"]) for c in seen] == [("notified", due, True)]
    assert f"请于{due.isoformat()}前（含当日）提交" in seen[0]["notice_zh"]
    await services.submit_statement(candidate, case_id, StatementIn(text="我没有抄袭，答案相似是巧合"))
    with pytest.raises(Conflict):
        await services.submit_statement(candidate, case_id, StatementIn(text="再补充"))
    await services.decide_violation(
        examadmin,
        case_id,
        ViolationDecisionIn(level="general", article="第六条第四项", note="雷同未经专家组认定，按一般违纪处理"),
    )
    case = await services.violation_case(examadmin, case_id)
    assert (case["state"], case["level"], case["decided_on"], case["record_until"]) == (
        "decided",
        "general",
        TODAY,
        None,
    )
    assert case["statement"] == "我没有抄袭，答案相似是巧合" and case["stated_by_candidate"] is True
    assert "处理理由：雷同未经专家组认定，按一般违纪处理。如不服本决定" in case["decision_zh"]
    assert [v["subject_code"] for v in await services.violations_of_registration(reg_id)] == ["01"]
    with pytest.raises(InvalidInput) as refused:
        await services.serve_violation(examadmin, case_id, TODAY + dt.timedelta(days=1))
    assert refused.value.reasons[0].field == "served_on"
    until = await services.serve_violation(examadmin, case_id, TODAY)
    assert until == TODAY + dt.timedelta(days=60)
    assert (await services.my_registrations(candidate))[0]["cases"][0]["appeal_until"] == until
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions[-5:] == [
        "exam.violation_recorded",
        "exam.violation_notified",
        "exam.violation_stated",
        "exam.violation_decided",
        "exam.violation_served",
    ]


async def test_a_statement_after_the_period_is_refused_and_the_case_can_then_be_decided() -> None:
    _plan_id, examadmin, candidate, _reg_id, case_id = await _case()
    await services.notify_violation(examadmin, case_id)
    # Set-up: the notice went out ten days ago, so the statement period is over.
    past = TODAY - dt.timedelta(days=10)
    await ViolationCase.update(
        {ViolationCase.notified_on: past, ViolationCase.statement_due: vc.statement_due(past)}
    ).where(ViolationCase.id == case_id)
    with pytest.raises(Conflict) as refused:
        await services.submit_statement(candidate, case_id, StatementIn(text="我要申辩"))
    due = vc.statement_due(past).isoformat()
    assert [(r.code, r.zh) for r in refused.value.reasons] == [
        ("violation_case.statement_late", f"陈述申辩期已于{due}届满，不能再提交陈述申辩")
    ]
    await services.decide_violation(examadmin, case_id, ViolationDecisionIn(level="serious", article="第七条第一项"))
    case = await services.violation_case(examadmin, case_id)
    assert (case["state"], case["statement"], case["record_until"]) == (
        "decided",
        "",
        add_years(TODAY, 5),
    )


async def test_evidence_is_checked_by_content_and_a_stranger_sees_no_case() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _candidate, reg_id = await registered(plan_id, examadmin, 1)
    with pytest.raises(InvalidInput) as refused:
        await services.record_violation(examadmin, reg_id, SERIOUS, [("notes.pdf", b"MZ not a pdf")])
    assert refused.value.reasons[0].field == "evidence"
    assert await ViolationCase.count() == 0
    case_id = await services.record_violation(examadmin, reg_id, SERIOUS)
    await services.notify_violation(examadmin, case_id)
    _b, other_office = await exam_society("CMES")
    stranger = await make_user("stranger", "candidate")
    for actor in (other_office, stranger):
        with pytest.raises(NotFound):
            await services.violation_case(actor, case_id)
        with pytest.raises(NotFound):
            await services.submit_statement(actor, case_id, StatementIn(text="x"))
