"""The task agreement (任务书) of a pilot project: the leader requirement, the schedule and the
completeness checked when the agreement is submitted.

Source: the provincial pilot plan (shared/seed/pilot-plan-2017.txt): the pilot leader holds
secretary-general rank or above and is approved by the society's council or standing
council; the task agreement is signed by the department, the society and the association;
the pilot runs in three stages (mobilisation, implementation, summary).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from societies.rules.vocabulary import MIN_LEADER_RANK, ApprovingBody, LeaderRank, Stage
from xuehui.errors import Reason


@dataclass(frozen=True, slots=True)
class Leader:
    name: str
    rank: str
    approved_by: str
    approval_date: dt.date | None
    resolution_ref: str


def leader_problems(leader: Leader, today: dt.date) -> list[Reason]:
    problems = []
    if not leader.name.strip():
        problems.append(Reason("leader.name", "请填写项目负责人姓名", "name the project leader", "leader_name"))
    ranks = list(LeaderRank)
    rank = LeaderRank.parse(leader.rank)
    if rank is None:
        problems.append(Reason("leader.rank_unknown", "请选择负责人职务", "choose the leader's rank", "leader_rank"))
    elif ranks.index(rank) < ranks.index(MIN_LEADER_RANK):
        problems.append(
            Reason(
                "leader.rank_too_low",
                f"项目负责人须由秘书长及以上职务人员担任，{rank.zh}不符合要求",
                f"the project leader must hold secretary-general rank or above; {rank.en.lower()} is not enough",
                "leader_rank",
            )
        )
    if ApprovingBody.parse(leader.approved_by) is None:
        problems.append(
            Reason(
                "leader.approval_body",
                "负责人须经学会理事会或常务理事会审议通过",
                "the leader must be approved by the society's council or standing council",
                "leader_approved_by",
            )
        )
    if leader.approval_date is None:
        problems.append(
            Reason(
                "leader.approval_date",
                "请填写理事会审议通过日期",
                "give the date of the council's approval",
                "leader_approval_date",
            )
        )
    elif leader.approval_date > today:
        problems.append(
            Reason(
                "leader.approval_future",
                "审议通过日期不能晚于今天",
                "the approval date cannot be in the future",
                "leader_approval_date",
            )
        )
    if not leader.resolution_ref.strip():
        problems.append(
            Reason(
                "leader.resolution",
                "请填写理事会决议文号",
                "give the reference of the council's resolution",
                "leader_resolution_ref",
            )
        )
    return problems


@dataclass(frozen=True, slots=True)
class StagePlan:
    stage: str
    start: dt.date | None
    end: dt.date | None


@dataclass(frozen=True, slots=True)
class Milestone:
    title: str
    due: dt.date | None


@dataclass(frozen=True, slots=True)
class Kpi:
    name: str
    unit: str
    target: Decimal | None


@dataclass(frozen=True, slots=True)
class Funding:
    source: str
    amount: Decimal | None


@dataclass(frozen=True, slots=True)
class Agreement:
    goals: str
    key_tasks: str
    quality_requirements: str
    stages: Sequence[StagePlan]
    milestones: Sequence[Milestone]
    kpis: Sequence[Kpi]
    funding: Sequence[Funding]
    team: Sequence[str]
    leader: Leader


def agreement_problems(agreement: Agreement, today: dt.date) -> list[Reason]:
    """Everything that keeps a task agreement from being submitted, all at once."""
    problems: list[Reason] = []
    for name, zh, en in (
        ("goals", "请填写工作目标", "state the goals"),
        ("key_tasks", "请填写主要任务", "list the key tasks"),
        ("quality_requirements", "请填写质量要求", "state the quality requirements"),
    ):
        if not getattr(agreement, name).strip():
            problems.append(Reason(f"agreement.{name}", zh, en, name))
    problems += _schedule_problems(agreement.stages, agreement.milestones)
    if not agreement.kpis:
        problems.append(Reason("agreement.kpis", "至少需要一项量化考核指标", "at least one KPI is required", "kpis"))
    for i, kpi in enumerate(agreement.kpis):
        if not kpi.name.strip() or not kpi.unit.strip():
            problems.append(
                Reason(
                    "kpi.incomplete",
                    f"第{i + 1}项指标缺少名称或单位",
                    f"KPI {i + 1} needs a name and a unit",
                    f"kpis[{i}]",
                )
            )
        if kpi.target is None or kpi.target < 0:
            problems.append(
                Reason(
                    "kpi.target",
                    f"第{i + 1}项指标的目标值须为非负数",
                    f"KPI {i + 1} needs a target of zero or more",
                    f"kpis[{i}]",
                )
            )
    for i, fund in enumerate(agreement.funding):
        if not fund.source.strip() or fund.amount is None or fund.amount < 0:
            problems.append(
                Reason(
                    "funding.invalid",
                    f"第{i + 1}项经费须有来源和非负金额",
                    f"funding line {i + 1} needs a source and an amount of zero or more",
                    f"funding[{i}]",
                )
            )
    if not any(member.strip() for member in agreement.team):
        problems.append(Reason("agreement.team", "请填写实施团队成员", "name the implementation team", "team"))
    problems += leader_problems(agreement.leader, today)
    return problems


def _schedule_problems(stages: Sequence[StagePlan], milestones: Sequence[Milestone]) -> list[Reason]:
    problems: list[Reason] = []
    by_stage = {s.stage: s for s in stages}
    previous_end: dt.date | None = None
    for stage in Stage:
        key, zh, en = stage.value, stage.zh, stage.en
        plan = by_stage.get(key)
        if plan is None or plan.start is None or plan.end is None:
            problems.append(
                Reason(
                    "schedule.missing",
                    f"请填写{zh}的起止日期",
                    f"give start and end dates for the {en.lower()} stage",
                    f"stage_{key}",
                )
            )
            continue
        if plan.end < plan.start:
            problems.append(
                Reason(
                    "schedule.reversed",
                    f"{zh}的结束日期早于开始日期",
                    f"the {en.lower()} stage ends before it starts",
                    f"stage_{key}",
                )
            )
        if previous_end is not None and plan.start < previous_end:
            problems.append(
                Reason(
                    "schedule.overlap",
                    f"{zh}须在上一阶段结束后开始",
                    f"the {en.lower()} stage must start after the previous stage ends",
                    f"stage_{key}",
                )
            )
        previous_end = plan.end
    starts = [s.start for s in stages if s.start]
    ends = [s.end for s in stages if s.end]
    for i, milestone in enumerate(milestones):
        if not milestone.title.strip() or milestone.due is None:
            problems.append(
                Reason(
                    "milestone.incomplete",
                    f"第{i + 1}个里程碑缺少名称或日期",
                    f"milestone {i + 1} needs a title and a date",
                    f"milestones[{i}]",
                )
            )
        elif starts and ends and not (min(starts) <= milestone.due <= max(ends)):
            problems.append(
                Reason(
                    "milestone.outside",
                    f"第{i + 1}个里程碑不在项目周期内",
                    f"milestone {i + 1} lies outside the schedule",
                    f"milestones[{i}]",
                )
            )
    return problems


def current_stage(stages: Sequence[StagePlan], today: dt.date) -> str | None:
    for plan in stages:
        if plan.start and plan.end and plan.start <= today <= plan.end:
            return plan.stage
    return None
