"""API contracts for award cycles, nominations, quotas, notices and objections."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from nominations.rules import eligibility as rules
from nominations.rules.cycle.model import Category, Grade
from xuehui.openapi import Input


class ContributorIn(Input):
    name: str = Field(default="", max_length=50)
    id_number: str = Field(default="", max_length=30)
    birth_date: dt.date | None = None
    sex: str = Field(default="", max_length=6)  # male | female; both filled from the identity number when blank
    administrative: bool = False  # purely administrative or support staff
    technical_role: str = Field(default="", max_length=200)  # such a person's technical role, if any
    unit: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=50)
    contribution: str = Field(default="", max_length=2000)


class UnitIn(Input):
    name: str = Field(default="", max_length=200)
    province_code: str = Field(default="", max_length=6)


class PaperIn(Input):
    title: str = Field(default="", max_length=300)
    published_on: dt.date | None = None
    authors: list[str] = Field(default_factory=list, max_length=100)


class PatentIn(Input):
    number: str = Field(default="", max_length=50)
    title: str = Field(default="", max_length=300)
    granted_on: dt.date | None = None


class ExclusionIn(Input):
    """An expert the nominee asks to be kept away from the review (回避专家)."""

    name: str = Field(default="", max_length=50)
    unit: str = Field(default="", max_length=200)
    reason: str = Field(default="", max_length=500)


class NominationBody(Input):
    """Everything of a nomination besides its headline fields; stored as one JSON document."""

    model_config = ConfigDict(extra="forbid")
    summary: str = Field(default="", max_length=10000)
    innovations: str = Field(default="", max_length=10000)
    application_benefits: str = Field(default="", max_length=10000)
    application_started_on: dt.date | None = None
    contributors: list[ContributorIn] = Field(default_factory=list, max_length=60)
    units: list[UnitIn] = Field(default_factory=list, max_length=30)
    papers: list[PaperIn] = Field(default_factory=list, max_length=50)
    patents: list[PatentIn] = Field(default_factory=list, max_length=50)
    # more than the cycle allows (3) is refused by the rules with a reason beside the field
    exclusions: list[ExclusionIn] = Field(default_factory=list, max_length=10)
    registration_number: str = Field(default="", max_length=40)  # 成果登记号
    single_channel: bool = False  # committed: nominated through this one channel only
    prior_use_declared: bool = False  # declared: innovations not used in an awarded project
    first_unit_share: int | None = Field(default=None, ge=0, le=100)  # % of the key material (joint projects)
    first_contributor_share: int | None = Field(default=None, ge=0, le=100)
    unit_notice_starts: dt.date | None = None  # every completer publicised in their own unit
    unit_notice_ends: dt.date | None = None
    # the society's own selection before it forwards
    society_review_on: dt.date | None = None
    society_review_experts: int | None = Field(default=None, ge=0, le=100)
    society_review_result: str = Field(default="", max_length=500)
    society_notice_starts: dt.date | None = None
    society_notice_ends: dt.date | None = None


class NominationIn(Input):
    model_config = ConfigDict(extra="forbid")
    cycle_year: int | None = Field(default=None, ge=2000, le=2100)
    title: str = Field(default="", max_length=200)
    category: str = Field(default="", max_length=40)
    grade: str = Field(default="", max_length=20)
    discipline_code: str = Field(default="", max_length=20)
    body: NominationBody = Field(default_factory=NominationBody)

    def facts(self, nomination_id: int | None = None) -> rules.NominationFacts:
        category = Category(self.category) if self.category in set(Category) else None
        grade = Grade(self.grade) if self.grade in set(Grade) else None
        b = self.body
        return rules.NominationFacts(
            nomination_id=str(nomination_id) if nomination_id is not None else None,
            title=self.title,
            category=category,
            grade=grade,
            summary=self.body.summary,
            application_started_on=self.body.application_started_on,
            contributors=tuple(
                rules.Contributor(
                    c.name,
                    c.id_number,
                    c.birth_date,
                    c.unit,
                    c.title,
                    c.contribution,
                    c.sex,
                    c.administrative,
                    c.technical_role,
                )
                for c in self.body.contributors
            ),
            units=tuple(rules.ContributingUnit(u.name, u.province_code or None) for u in self.body.units),
            papers=tuple(rules.Paper(p.title, p.published_on, tuple(p.authors)) for p in self.body.papers),
            patents=tuple(rules.Patent(p.number, p.title, p.granted_on) for p in self.body.patents),
            exclusions=tuple(rules.ExcludedExpert(e.name, e.unit, e.reason) for e in b.exclusions),
            registration_number=b.registration_number,
            single_channel=b.single_channel,
            prior_use_declared=b.prior_use_declared,
            first_unit_share=b.first_unit_share,
            first_contributor_share=b.first_contributor_share,
            unit_notice=rules.Period(b.unit_notice_starts, b.unit_notice_ends),
            society_selection=rules.SocietySelection(
                b.society_review_on,
                b.society_review_experts,
                b.society_review_result,
                rules.Period(b.society_notice_starts, b.society_notice_ends),
            ),
        )


class SubmitIn(Input):
    model_config = ConfigDict(extra="forbid")
    idempotency_key: str = Field(default="", max_length=64)


class ReasonOut(BaseModel):
    code: str
    zh: str
    en: str
    field: str | None = None


class CheckOut(BaseModel):
    ok: bool
    problems: list[ReasonOut]
    incomplete: list[ReasonOut]


class NominationOut(BaseModel):
    id: int
    cycle_year: int
    society_id: int
    status: str
    title: str
    category: str
    grade: str
    discipline_code: str
    body: NominationBody
    return_reasons: str
    correction_deadline: dt.date | None
    submitted_at: dt.datetime | None


class QuotaOut(BaseModel):
    category: str
    quota: int
    used: int


class FormalReviewIn(Input):
    model_config = ConfigDict(extra="forbid")
    decision: str = Field(max_length=20)  # pass | return | reject
    reasons: str = Field(default="", max_length=5000)


class CycleIn(Input):
    model_config = ConfigDict(extra="forbid")
    config: dict[str, Any]
    policy: dict[str, Any] | None = None
    note: str = Field(default="", max_length=2000)


class NoticeIn(Input):
    """A notice to publish: one of the cycle's configured windows, by its key."""

    model_config = ConfigDict(extra="forbid")
    window: str = Field(max_length=40)  # accepted | initial_review | proposed_awards (as the cycle names them)
    title: str = Field(max_length=200)
    starts_on: dt.date | None = None  # None: the window's configured first day


class NoticeEntryOut(BaseModel):
    nomination_id: int
    title: str
    category: str
    grade: str
    society: str
    contributors: list[str]
    units: list[str]


class NoticeOut(BaseModel):
    id: int
    kind: str
    title: str
    starts_on: dt.date
    ends_on: dt.date
    entries: list[NoticeEntryOut]


class StageIn(Input):
    model_config = ConfigDict(extra="forbid")
    stage: str = Field(max_length=30)  # remote_review | panel_review | award_committee
    outcome: str = Field(max_length=30)  # passed | failed | awarded | not_awarded
    grade: str = Field(default="", max_length=20)
    note: str = Field(default="", max_length=2000)


# --- talent recommendations ------------------------------------------------------------------


class RecommendationIn(Input):
    """A person put forward in a talent programme, as the form or the API gives it."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(default="", max_length=50)
    sex: str = Field(default="", max_length=6)  # male | female
    birth_date: dt.date | None = None
    id_number: str = Field(default="", max_length=30)
    unit: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=50)
    discipline: str = Field(default="", max_length=50)
    career: str = Field(default="", max_length=10000)
    achievements: str = Field(default="", max_length=10000)
    works: str = Field(default="", max_length=10000)
    honours: str = Field(default="", max_length=5000)
    integrity_statement: bool = False
    # the channel: recommended by the society, or nominated by an academician (youth award)
    channel: Literal["society", "academician"] = "society"
    nominating_academician: str = Field(default="", max_length=50)
    academician_discipline: str = Field(default="", max_length=50)
    # academician candidates
    academy: str = Field(default="", max_length=10)
    academician_nominators: int | None = Field(default=None, ge=0, le=100)
    same_division_nominators: int | None = Field(default=None, ge=0, le=100)
    # outstanding workers: the exclusion categories that apply (empty: none); None: not declared
    categories: list[Annotated[str, Field(max_length=40)]] | None = Field(default=None, max_length=20)
