import datetime as dt
from decimal import Decimal

import pytest

from societies import rules
from societies.rules import Agreement, Funding, Kpi, Leader, Milestone, Move, StagePlan

pytestmark = pytest.mark.pure

TODAY = dt.date(2026, 6, 1)


def leader(rank: str = "secretary_general", **changes: object) -> Leader:
    base = {
        "name": "王建国",
        "rank": rank,
        "approved_by": "council",
        "approval_date": dt.date(2026, 5, 1),
        "resolution_ref": "理字3号",
    }
    return Leader(**{**base, **changes})  # type: ignore[arg-type]


def agreement(**changes: object) -> Agreement:
    base: dict[str, object] = {
        "goals": "目标",
        "key_tasks": "任务",
        "quality_requirements": "质量",
        "stages": [
            StagePlan("mobilisation", dt.date(2026, 1, 1), dt.date(2026, 2, 28)),
            StagePlan("implementation", dt.date(2026, 3, 1), dt.date(2026, 10, 31)),
            StagePlan("summary", dt.date(2026, 11, 1), dt.date(2026, 12, 31)),
        ],
        "milestones": [Milestone("动员会", dt.date(2026, 1, 15))],
        "kpis": [Kpi("承接事项", "项", Decimal(10))],
        "funding": [Funding("财政", Decimal(1000))],
        "team": ["王建国"],
        "leader": leader(),
    }
    return Agreement(**{**base, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize("rank", ["secretary_general", "vice_president", "executive_vice_president", "president"])
def test_secretary_general_rank_or_above_may_lead(rank: str) -> None:
    assert rules.leader_problems(leader(rank), TODAY) == []


def test_a_deputy_secretary_general_is_refused_with_the_reason() -> None:
    problems = rules.leader_problems(leader("deputy_secretary_general"), TODAY)
    assert [p.code for p in problems] == ["leader.rank_too_low"]
    assert problems[0].zh == "项目负责人须由秘书长及以上职务人员担任，副秘书长不符合要求"
    assert problems[0].field == "leader_rank"


def test_leader_needs_council_approval_with_date_and_reference() -> None:
    problems = rules.leader_problems(leader(approved_by="office", approval_date=None, resolution_ref=" "), TODAY)
    assert [p.code for p in problems] == ["leader.approval_body", "leader.approval_date", "leader.resolution"]
    future = rules.leader_problems(leader(approval_date=TODAY + dt.timedelta(days=1)), TODAY)
    assert [p.code for p in future] == ["leader.approval_future"]
    assert rules.leader_problems(leader(approval_date=TODAY), TODAY) == []


def test_complete_agreement_has_no_problems() -> None:
    assert rules.agreement_problems(agreement(), TODAY) == []


def test_incomplete_agreement_lists_every_problem_at_once() -> None:
    bad = agreement(goals="", kpis=[], team=[], stages=[], leader=leader("deputy_secretary_general"))
    assert [p.code for p in rules.agreement_problems(bad, TODAY)] == [
        "agreement.goals",
        "schedule.missing",
        "schedule.missing",
        "schedule.missing",
        "agreement.kpis",
        "agreement.team",
        "leader.rank_too_low",
    ]


def test_schedule_stages_must_be_in_order_and_hold_the_milestones() -> None:
    overlapping = [
        StagePlan("mobilisation", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        StagePlan("implementation", dt.date(2026, 3, 1), dt.date(2026, 2, 1)),
        StagePlan("summary", dt.date(2026, 11, 1), dt.date(2026, 12, 31)),
    ]
    codes = [p.code for p in rules.agreement_problems(agreement(stages=overlapping), TODAY)]
    assert codes == ["schedule.reversed", "schedule.overlap"]
    late = agreement(milestones=[Milestone("迟到", dt.date(2027, 1, 1))])
    assert [p.code for p in rules.agreement_problems(late, TODAY)] == ["milestone.outside"]


def test_kpi_and_funding_lines_are_checked() -> None:
    bad = agreement(kpis=[Kpi("", "项", Decimal(-1))], funding=[Funding("", Decimal(5))])
    assert [(p.code, p.field) for p in rules.agreement_problems(bad, TODAY)] == [
        ("kpi.incomplete", "kpis[0]"),
        ("kpi.target", "kpis[0]"),
        ("funding.invalid", "funding[0]"),
    ]


def test_workflow_from_draft_to_closed() -> None:
    none: frozenset[str] = frozenset()
    assert rules.workflow_move("draft", "submit", "society", none) == Move("submitted")
    assert rules.workflow_move("submitted", "sign_society", "society", none) == Move("submitted", "society")
    assert rules.workflow_move("submitted", "sign_department", "admin", frozenset({"society"})) == Move(
        "submitted", "department"
    )
    assert rules.workflow_move("submitted", "sign_association", "admin", frozenset({"society", "department"})) == Move(
        "signed", "association"
    )
    assert rules.workflow_move("signed", "start", "society", none) == Move("implementing")
    assert rules.workflow_move("implementing", "summarise", "society", none) == Move("summarising")
    assert rules.workflow_move("summarising", "close", "admin", none) == Move("closed")
    assert rules.workflow_move("submitted", "return", "admin", none) == Move("draft")


@pytest.mark.parametrize(
    ("status", "action", "role", "code"),
    [
        ("draft", "sign_association", "admin", "workflow.wrong_state"),
        ("submitted", "sign_association", "society", "workflow.not_allowed"),
        ("submitted", "return", "society", "workflow.not_allowed"),
        ("summarising", "close", "society", "workflow.not_allowed"),
        ("closed", "submit", "society", "workflow.wrong_state"),
        ("draft", "submit", "expert", "workflow.not_allowed"),
        ("draft", "fly", "admin", "workflow.unknown_action"),
    ],
)
def test_workflow_refusals(status: str, action: str, role: str, code: str) -> None:
    result = rules.workflow_move(status, action, role, frozenset())
    assert not isinstance(result, Move)
    assert result.code == code


def test_a_party_cannot_sign_twice() -> None:
    result = rules.workflow_move("submitted", "sign_society", "society", frozenset({"society"}))
    assert not isinstance(result, Move) and result.code == "workflow.already_signed"


def test_current_stage_follows_the_schedule() -> None:
    stages = agreement().stages
    assert rules.current_stage(stages, dt.date(2026, 1, 1)) == "mobilisation"
    assert rules.current_stage(stages, dt.date(2026, 3, 1)) == "implementation"
    assert rules.current_stage(stages, dt.date(2027, 1, 1)) is None


def test_evaluation_score_range_and_grade() -> None:
    assert rules.evaluation_problems(Decimal(100), "good", "中心") == []
    assert [p.code for p in rules.evaluation_problems(Decimal("100.1"), "best", "")] == [
        "evaluation.evaluator",
        "evaluation.score",
        "evaluation.grade",
    ]
