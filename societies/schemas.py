"""API contracts for societies and pilot projects, and the stored task-agreement document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from societies import rules
from xuehui.openapi import Input, RecordId


class SocietyIn(Input):
    model_config = ConfigDict(extra="forbid")
    code: str = Field(min_length=1, max_length=20)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field(default="", max_length=200)
    discipline_field: str = Field(default="", max_length=100)
    registration_no: str = Field(default="", max_length=50)
    secretary_general: str = Field(default="", max_length=50)
    president: str = Field(default="", max_length=50)
    vice_presidents: list[Annotated[str, Field(max_length=50)]] = Field(default_factory=list, max_length=20)


class SocietyOut(BaseModel):
    id: int
    code: str
    name_zh: str
    name_en: str
    discipline_field: str
    registration_no: str
    secretary_general: str
    president: str
    vice_presidents: list[str]
    status: str


class StageDoc(Input):
    stage: str = Field(max_length=20)
    start: dt.date | None = None
    end: dt.date | None = None


class MilestoneDoc(Input):
    title: str = Field(default="", max_length=200)
    due: dt.date | None = None


class KpiDoc(Input):
    key: str = Field(default="", max_length=60)
    name: str = Field(default="", max_length=100)
    unit: str = Field(default="", max_length=20)
    target: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


class FundingDoc(Input):
    source: str = Field(default="", max_length=100)
    amount: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)


class LeaderDoc(Input):
    name: str = Field(default="", max_length=50)
    rank: str = Field(default="", max_length=40)
    approved_by: str = Field(default="", max_length=40)
    approval_date: dt.date | None = None
    resolution_ref: str = Field(default="", max_length=100)


class AgreementDoc(Input):
    """The task agreement (任务书). Drafts may be incomplete; submission checks completeness."""

    model_config = ConfigDict(extra="forbid")
    goals: str = Field(default="", max_length=5000)
    key_tasks: str = Field(default="", max_length=5000)
    quality_requirements: str = Field(default="", max_length=5000)
    stages: list[StageDoc] = Field(default_factory=lambda: [StageDoc(stage=s.value) for s in rules.Stage], max_length=3)
    milestones: list[MilestoneDoc] = Field(default_factory=list, max_length=50)
    kpis: list[KpiDoc] = Field(default_factory=list, max_length=50)
    funding: list[FundingDoc] = Field(default_factory=list, max_length=20)
    team: list[str] = Field(default_factory=list, max_length=50)
    leader: LeaderDoc = Field(default_factory=LeaderDoc)

    def to_rules(self) -> rules.Agreement:
        return rules.Agreement(
            goals=self.goals,
            key_tasks=self.key_tasks,
            quality_requirements=self.quality_requirements,
            stages=[rules.StagePlan(s.stage, s.start, s.end) for s in self.stages],
            milestones=[rules.Milestone(m.title, m.due) for m in self.milestones],
            kpis=[rules.Kpi(k.name, k.unit, k.target) for k in self.kpis],
            funding=[rules.Funding(f.source, f.amount) for f in self.funding],
            team=self.team,
            leader=rules.Leader(
                self.leader.name,
                self.leader.rank,
                self.leader.approved_by,
                self.leader.approval_date,
                self.leader.resolution_ref,
            ),
        )

    def with_kpi_keys(self) -> AgreementDoc:
        """Give every KPI a stable key so that readings stay attached when the text changes."""
        used = {k.key for k in self.kpis if k.key}
        kpis = []
        n = 1
        for kpi in self.kpis:
            if not kpi.key:
                while f"k{n}" in used:
                    n += 1
                kpi = kpi.model_copy(update={"key": f"k{n}"})
                used.add(kpi.key)
            kpis.append(kpi)
        return self.model_copy(update={"kpis": kpis})


class PilotIn(Input):
    model_config = ConfigDict(extra="forbid")
    society_id: RecordId | None = None
    title: str = Field(min_length=1, max_length=200)
    function_type: str = Field(max_length=40)
    department: str = Field(default="", max_length=100)
    agreement: AgreementDoc = Field(default_factory=AgreementDoc)


class PilotOut(BaseModel):
    id: int
    society_id: int
    society_name: str
    title: str
    function_type: str
    department: str
    status: str
    agreement: AgreementDoc
    signed_department_on: dt.date | None
    signed_society_on: dt.date | None
    signed_association_on: dt.date | None
    return_reason: str
    current_stage: str | None


class ActionIn(Input):
    model_config = ConfigDict(extra="forbid")
    action: str = Field(max_length=30)
    reason: str = Field(default="", max_length=2000)
    signed_on: dt.date | None = None


class ReportIn(Input):
    model_config = ConfigDict(extra="forbid")
    kind: str = Field(default="progress", max_length=20)
    period: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=20000)
    published: bool = False


class ReportOut(BaseModel):
    id: int
    kind: str
    period: str
    title: str
    body: str
    published: bool
    created_at: dt.datetime


class MeetingIn(Input):
    model_config = ConfigDict(extra="forbid")
    held_on: dt.date
    attendees: str = Field(default="", max_length=2000)
    minutes: str = Field(min_length=1, max_length=20000)


class MeetingOut(BaseModel):
    id: int
    held_on: dt.date
    attendees: str
    minutes: str


class EvaluationIn(Input):
    model_config = ConfigDict(extra="forbid")
    evaluator: str = Field(min_length=1, max_length=200)
    evaluated_on: dt.date
    score: Decimal = Field(max_digits=5, decimal_places=1)
    grade: str = Field(max_length=20)
    findings: str = Field(default="", max_length=20000)


class EvaluationOut(BaseModel):
    id: int
    evaluator: str
    evaluated_on: dt.date
    score: Decimal
    grade: str
    findings: str


class KpiReadingIn(Input):
    model_config = ConfigDict(extra="forbid")
    kpi_key: str = Field(max_length=60)
    actual: Decimal = Field(max_digits=14, decimal_places=2)
    recorded_on: dt.date
    note: str = Field(default="", max_length=1000)


class AmendmentIn(Input):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=1, max_length=5000)
    agreement: AgreementDoc


class AmendmentOut(BaseModel):
    id: int
    number: int
    reason: str
    status: str
    proposed_at: dt.datetime
    decision_note: str


class DecisionIn(Input):
    model_config = ConfigDict(extra="forbid")
    approve: bool
    note: str = Field(default="", max_length=2000)


class PublicPilotOut(BaseModel):
    id: int
    society_name: str
    title: str
    function_type: str
    department: str
    status: str
    current_stage: str | None
    reports: list[ReportOut]


class IntegrityViolationIn(Input):
    """An integrity violation found against a society (kinds: societies.rules.IntegrityViolationKind)."""

    model_config = ConfigDict(extra="forbid")

    kind: str = Field(max_length=30)
    found_on: dt.date
    description: str = Field(max_length=2000)
    source: str = Field(default="", max_length=200)


class IntegrityViolationOut(BaseModel):
    id: int
    kind: str
    found_on: dt.date
    description: str
    source: str
