"""A talent programme's shape: its kinds, academies, day kinds, excluded categories, material
labels, review stages, the rules of each kind, and `Programme`, one edition of one programme.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction


class ProgrammeKind(StrEnum):
    YOUTH_AWARD = "youth_award"
    ACADEMICIAN = "academician"
    OUTSTANDING_WORKER = "outstanding_worker"


class Academy(StrEnum):
    CAS = "cas"  # 中国科学院
    CAE = "cae"  # 中国工程院


class DayKind(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class ExclusionCategory(StrEnum):
    """Who may not be an outstanding worker (national 2014 rule [S54])."""

    PARTY_STATE_ORGAN_STAFF = "party_state_organ_staff"  # 党政机关工作人员
    ASSOCIATION_SOCIETY_STAFF = "association_society_staff"  # 科协、学会机关专职工作人员
    ENTERPRISE_ADMIN_STAFF = "enterprise_admin_staff"  # 企业行政管理人员


# Material keys with their labels (zh, en); a programme lists the keys it requires.
MATERIAL_LABELS: dict[str, tuple[str, str]] = {
    "nomination_form": ("提名表", "nomination form"),
    "opinion_form": ("人选征求意见表", "consultation form on the candidate"),
    "recommendation_form": ("推荐表", "recommendation form"),
}


@dataclass(frozen=True, slots=True)
class NoticeWindow:
    """How long a public notice (公示) stays open."""

    days: int
    day_kind: DayKind


@dataclass(frozen=True, slots=True)
class ReviewStage:
    """One step of the review; `approval` is the share of votes cast a candidate needs.

    `approval_strict` says "more than" (a majority: > 1/2) rather than "at least" (CAS: >= 2/3
    [S40]); a stage without a vote has `approval=None`.
    """

    name: str
    approval: Fraction | None = None
    approval_strict: bool = False

    def passes(self, yes: int, cast: int) -> bool:
        if self.approval is None:
            return True
        if cast <= 0:
            return False
        share = Fraction(yes, cast)
        return share > self.approval if self.approval_strict else share >= self.approval


@dataclass(frozen=True, slots=True)
class YouthRules:
    max_age_male: int
    max_age_female: int
    # Academicians may nominate one candidate within their own first-level discipline [S49].
    academician_channel: bool = True


@dataclass(frozen=True, slots=True)
class AcademicianRules:
    allowed_academies: frozenset[Academy]
    normal_age_limit: int  # up to this age the ordinary channel suffices
    extended_min_nominators: int  # above the normal limit: academician nominators needed
    extended_min_same_division: int  # ... of whom from the candidate's own division
    once_only_above_age: int  # above this age a person may be put forward only once
    single_channel: bool  # the candidate may come through no other channel


@dataclass(frozen=True, slots=True)
class WorkerRules:
    cycle_years: int
    excluded_categories: frozenset[ExclusionCategory]
    per_unit_quota: int


KindRules = YouthRules | AcademicianRules | WorkerRules


@dataclass(frozen=True, slots=True)
class Programme:
    """One edition of one talent programme. `age_cutoff` is the day ages are counted on."""

    kind: ProgrammeKind
    edition_year: int
    window_opens: dt.date
    window_closes: dt.date  # inclusive
    age_cutoff: dt.date
    quota_per_society: int
    materials: tuple[str, ...]
    rules: KindRules
    stages: tuple[ReviewStage, ...]
    notice: NoticeWindow
    unsourced: tuple[str, ...] = ()  # parameter paths whose default no source backs
