"""Talent programmes as data: one edition of the youth award, academician recommendation or
outstanding-worker selection, with every number a rule needs.

Sources are the facts in `shared/reference/award_domain.md` (section and source tags quoted):

* F12, youth award (§4): national men <= 40 and women <= 45, written as "born on or after
  1 January of year Y" [S45][S47][S49]; Shandong <= 40, 2024 "male born on or after 1984-01-01"
  [S6][S8]; one slot per provincial society [S45]; forms 提名表 + 人选征求意见表 [S50];
  7-day notice, 11-07..11-13 counted inclusive, i.e. calendar days [S46]. The age limits,
  quota and steps of the provincial 青年科技奖 itself are NOT FOUND (§4.2, §10 item 5).
* F13, academician candidates (§5): a provincial association forwards CAE candidates only
  [S34]; normal age <= 65, above 65 needs 6 academician nominators (>= 4 from the candidate's
  division), above 70 only once [S38][S39]; one channel only (2019 rule, relaxed in 2021
  [S43]); recommendation committee with an anonymous vote and a 5-day notice [S36][S37]. The
  vote threshold and whether the 5 days are working days are NOT FOUND.
* F14, outstanding workers (§6): Shandong every 3 years [S55] (yet the 10th edition is 2021 and
  the 11th 2023 [S55][S56], so the cycle is data); title granted once [S52]; exclusions of
  party/state organ staff, full-time 科协/学会 staff and enterprise administrators [S54] (national
  2014 rule); each unit recommends 1 [S54].

The rules change from edition to edition (§0), so nothing here is a constant: `default_programme`
proposes values, `unsourced` names the ones no source backs for this award, and the association
confirms them before opening the edition. A programme is stored as JSON (`programme_to_dict`,
`programme_from_dict`) with a schema version.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Any, TypeVar

from xuehui.errors import InvalidInput, Reason

SCHEMA_VERSION = 1


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

_RULES_TYPE: dict[ProgrammeKind, type[KindRules]] = {
    ProgrammeKind.YOUTH_AWARD: YouthRules,
    ProgrammeKind.ACADEMICIAN: AcademicianRules,
    ProgrammeKind.OUTSTANDING_WORKER: WorkerRules,
}


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


_MAJORITY = Fraction(1, 2)


def default_programme(kind: ProgrammeKind, edition_year: int) -> Programme:
    """The proposed programme for an edition, following award_domain.md §4-6 (see module docstring)."""
    year_end = dt.date(edition_year, 12, 31)
    if kind is ProgrammeKind.YOUTH_AWARD:
        # Counting ages on 31 December makes "<= 40" equal to "born on or after 1 January of
        # year - 40", the form of the Shandong 2024 [S8] and national 2019 [S45] notices.
        return Programme(
            kind=kind,
            edition_year=edition_year,
            window_opens=dt.date(edition_year, 3, 1),
            window_closes=dt.date(edition_year, 4, 30),
            age_cutoff=year_end,
            quota_per_society=1,
            materials=("nomination_form", "opinion_form"),
            rules=YouthRules(max_age_male=40, max_age_female=45),
            stages=(
                ReviewStage("formal_review"),
                ReviewStage("expert_review"),
                ReviewStage("committee_vote", _MAJORITY, approval_strict=True),
                ReviewStage("public_notice"),
            ),
            notice=NoticeWindow(7, DayKind.CALENDAR),
            unsourced=(
                "window_opens",
                "window_closes",
                "rules.max_age_male",
                "rules.max_age_female",
                "stages.committee_vote.approval",
            ),
        )
    if kind is ProgrammeKind.ACADEMICIAN:
        # CAE takes materials from 1 January to 31 March [S38x]; the provincial window must
        # close earlier, by a date the association sets.
        return Programme(
            kind=kind,
            edition_year=edition_year,
            window_opens=dt.date(edition_year, 1, 1),
            window_closes=dt.date(edition_year, 3, 31),
            age_cutoff=year_end,
            quota_per_society=1,
            materials=("nomination_form",),
            rules=AcademicianRules(
                allowed_academies=frozenset({Academy.CAE}),
                normal_age_limit=65,
                extended_min_nominators=6,
                extended_min_same_division=4,
                once_only_above_age=70,
                single_channel=True,
            ),
            stages=(
                ReviewStage("formal_review"),
                ReviewStage("committee_vote", _MAJORITY, approval_strict=True),
                ReviewStage("public_notice"),
            ),
            notice=NoticeWindow(5, DayKind.CALENDAR),
            unsourced=(
                "window_opens",
                "window_closes",
                "age_cutoff",
                "quota_per_society",
                "materials",
                "rules.single_channel",
                "stages.committee_vote.approval",
                "notice.day_kind",
            ),
        )
    # Shandong disclosures elsewhere run 5 working days [S8][S15]; no worker-specific period was found.
    return Programme(
        kind=kind,
        edition_year=edition_year,
        window_opens=dt.date(edition_year, 3, 1),
        window_closes=dt.date(edition_year, 4, 30),
        age_cutoff=year_end,
        quota_per_society=1,
        materials=("recommendation_form",),
        rules=WorkerRules(
            cycle_years=3,
            excluded_categories=frozenset(ExclusionCategory),
            per_unit_quota=1,
        ),
        stages=(
            ReviewStage("formal_review"),
            ReviewStage("expert_review"),
            ReviewStage("committee_vote", _MAJORITY, approval_strict=True),
            ReviewStage("public_notice"),
        ),
        notice=NoticeWindow(5, DayKind.WORKING),
        unsourced=(
            "window_opens",
            "window_closes",
            "quota_per_society",
            "materials",
            "rules.excluded_categories",
            "stages.committee_vote.approval",
            "notice",
        ),
    )


# --- validation ---------------------------------------------------------------------------

_MIN_EDITION_YEAR = 1989  # the Shandong youth award began in 1989 [S51]
_MAX_EDITION_YEAR = 2200
_MIN_AGE_LIMIT = 18
_MAX_AGE_LIMIT = 100


def _invalid(field: str, zh: str, en: str) -> Reason:
    return Reason("programme.invalid", zh, en, field)


def _check_age_limit(field: str, value: int) -> list[Reason]:
    if _MIN_AGE_LIMIT <= value <= _MAX_AGE_LIMIT:
        return []
    return [
        _invalid(
            field,
            f"年龄上限应在{_MIN_AGE_LIMIT}至{_MAX_AGE_LIMIT}之间，实际为{value}",
            f"an age limit must lie between {_MIN_AGE_LIMIT} and {_MAX_AGE_LIMIT}, not {value}",
        )
    ]


def _check_at_least(field: str, value: int, minimum: int) -> list[Reason]:
    if value >= minimum:
        return []
    return [_invalid(field, f"应不小于{minimum}，实际为{value}", f"must be at least {minimum}, not {value}")]


def _check_dates(cfg: Programme) -> list[Reason]:
    reasons: list[Reason] = []
    if not _MIN_EDITION_YEAR <= cfg.edition_year <= _MAX_EDITION_YEAR:
        reasons.append(
            _invalid(
                "edition_year",
                f"届次年份应在{_MIN_EDITION_YEAR}至{_MAX_EDITION_YEAR}之间",
                f"the edition year must lie between {_MIN_EDITION_YEAR} and {_MAX_EDITION_YEAR}",
            )
        )
    if cfg.window_closes < cfg.window_opens:
        reasons.append(
            _invalid(
                "window_closes",
                "推荐截止日期早于开始日期",
                "the nomination window closes before it opens",
            )
        )
    return reasons


def _check_stages(stages: Sequence[ReviewStage]) -> list[Reason]:
    reasons: list[Reason] = []
    if not stages:
        reasons.append(_invalid("stages", "至少需要一个评审环节", "at least one review stage is needed"))
    names = [stage.name for stage in stages]
    if len(set(names)) != len(names):
        reasons.append(_invalid("stages", "评审环节名称重复", "review stage names repeat"))
    for stage in stages:
        if not stage.name.strip():
            reasons.append(_invalid("stages", "评审环节名称为空", "a review stage has no name"))
        # A zero threshold would pass everyone, one above 1 nobody.
        if stage.approval is not None and not Fraction(0) < stage.approval <= 1:
            reasons.append(
                _invalid(
                    f"stages.{stage.name}.approval",
                    "通过比例应大于0且不超过1",
                    "the approval share must be above 0 and at most 1",
                )
            )
        if stage.approval == 1 and stage.approval_strict:
            reasons.append(
                _invalid(
                    f"stages.{stage.name}.approval",
                    "“超过全部票数”无法达到",
                    "“more than all votes” can never be reached",
                )
            )
    return reasons


def _check_youth(rules: YouthRules) -> list[Reason]:
    return _check_age_limit("rules.max_age_male", rules.max_age_male) + _check_age_limit(
        "rules.max_age_female", rules.max_age_female
    )


def _check_academician(rules: AcademicianRules) -> list[Reason]:
    reasons: list[Reason] = []
    if not rules.allowed_academies:
        reasons.append(
            _invalid("rules.allowed_academies", "至少允许一个学部（院）", "at least one academy must be allowed")
        )
    if Academy.CAS in rules.allowed_academies:
        # The provincial association forwards CAE candidates only [S34].
        reasons.append(
            Reason(
                "programme.academy_not_forwardable",
                "省级科协只能推荐中国工程院院士候选人",
                "a provincial association may forward CAE candidates only",
                "rules.allowed_academies",
            )
        )
    reasons += _check_age_limit("rules.normal_age_limit", rules.normal_age_limit)
    reasons += _check_at_least("rules.once_only_above_age", rules.once_only_above_age, rules.normal_age_limit)
    reasons += _check_at_least("rules.extended_min_same_division", rules.extended_min_same_division, 0)
    reasons += _check_at_least(
        "rules.extended_min_nominators", rules.extended_min_nominators, rules.extended_min_same_division
    )
    return reasons


def _check_worker(rules: WorkerRules) -> list[Reason]:
    return _check_at_least("rules.cycle_years", rules.cycle_years, 1) + _check_at_least(
        "rules.per_unit_quota", rules.per_unit_quota, 1
    )


def validate_programme(cfg: Programme) -> list[Reason]:
    """Every inconsistency in a programme; an empty list means it may be opened."""
    reasons = _check_dates(cfg)
    if not isinstance(cfg.rules, _RULES_TYPE[cfg.kind]):
        reasons.append(
            Reason(
                "programme.rules_kind",
                "规则参数与人才项目类别不符",
                "the rule parameters do not belong to this kind of programme",
                "rules",
            )
        )
    reasons += _check_at_least("quota_per_society", cfg.quota_per_society, 1)
    if len(set(cfg.materials)) != len(cfg.materials) or any(not m.strip() for m in cfg.materials):
        reasons.append(_invalid("materials", "材料清单有空项或重复项", "the materials list has blanks or repeats"))
    reasons += _check_stages(cfg.stages)
    reasons += _check_at_least("notice.days", cfg.notice.days, 1)
    if isinstance(cfg.rules, YouthRules):
        reasons += _check_youth(cfg.rules)
    elif isinstance(cfg.rules, AcademicianRules):
        reasons += _check_academician(cfg.rules)
    else:
        reasons += _check_worker(cfg.rules)
    return reasons


# --- JSON form ----------------------------------------------------------------------------


def _rules_to_dict(rules: KindRules) -> dict[str, Any]:
    if isinstance(rules, YouthRules):
        return {"max_age_male": rules.max_age_male, "max_age_female": rules.max_age_female}
    if isinstance(rules, AcademicianRules):
        return {
            "allowed_academies": sorted(rules.allowed_academies),
            "normal_age_limit": rules.normal_age_limit,
            "extended_min_nominators": rules.extended_min_nominators,
            "extended_min_same_division": rules.extended_min_same_division,
            "once_only_above_age": rules.once_only_above_age,
            "single_channel": rules.single_channel,
        }
    return {
        "cycle_years": rules.cycle_years,
        "excluded_categories": sorted(rules.excluded_categories),
        "per_unit_quota": rules.per_unit_quota,
    }


def programme_to_dict(cfg: Programme) -> dict[str, Any]:
    """A JSON-ready dict; fractions are written "p/q" so they stay exact."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": cfg.kind.value,
        "edition_year": cfg.edition_year,
        "window_opens": cfg.window_opens.isoformat(),
        "window_closes": cfg.window_closes.isoformat(),
        "age_cutoff": cfg.age_cutoff.isoformat(),
        "quota_per_society": cfg.quota_per_society,
        "materials": list(cfg.materials),
        "rules": _rules_to_dict(cfg.rules),
        "stages": [
            {
                "name": s.name,
                "approval": None if s.approval is None else str(s.approval),
                "approval_strict": s.approval_strict,
            }
            for s in cfg.stages
        ],
        "notice": {"days": cfg.notice.days, "day_kind": cfg.notice.day_kind.value},
        "unsourced": list(cfg.unsourced),
    }


_E = TypeVar("_E", bound=StrEnum)


class _Reader:
    """Typed access to a stored dict; the first bad value raises InvalidInput naming its path."""

    def __init__(self, data: object, path: str = "") -> None:
        if not isinstance(data, Mapping):
            raise _malformed(path or "programme", "an object")
        self.data: Mapping[str, object] = data
        self.path = path

    def _field(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def _raw(self, key: str, expected: str) -> object:
        if key not in self.data:
            raise _malformed(self._field(key), expected)
        return self.data[key]

    def integer(self, key: str) -> int:
        value = self._raw(key, "an integer")
        # bool is an int subclass; `true` is not a count.
        if isinstance(value, bool) or not isinstance(value, int):
            raise _malformed(self._field(key), "an integer")
        return value

    def flag(self, key: str) -> bool:
        value = self._raw(key, "true or false")
        if not isinstance(value, bool):
            raise _malformed(self._field(key), "true or false")
        return value

    def text(self, key: str) -> str:
        value = self._raw(key, "a string")
        if not isinstance(value, str):
            raise _malformed(self._field(key), "a string")
        return value

    def date(self, key: str) -> dt.date:
        try:
            return dt.date.fromisoformat(self.text(key))
        except ValueError:
            raise _malformed(self._field(key), "a YYYY-MM-DD date") from None

    def texts(self, key: str) -> list[str]:
        value = self._raw(key, "a list of strings")
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _malformed(self._field(key), "a list of strings")
        return [str(v) for v in value]

    def choice(self, key: str, enum: type[_E]) -> _E:
        try:
            return enum(self.text(key))
        except ValueError:
            raise _malformed(self._field(key), f"one of {', '.join(enum)}") from None

    def choices(self, key: str, enum: type[_E]) -> frozenset[_E]:
        try:
            return frozenset(enum(v) for v in self.texts(key))
        except ValueError:
            raise _malformed(self._field(key), f"a list of {', '.join(enum)}") from None

    def fraction(self, key: str) -> Fraction | None:
        expected = "a fraction such as 2/3, or null"
        value = self._raw(key, expected)
        if value is None:
            return None
        if not isinstance(value, str):
            raise _malformed(self._field(key), expected)
        try:
            return Fraction(value)
        except (ValueError, ZeroDivisionError):
            raise _malformed(self._field(key), expected) from None

    def child(self, key: str) -> _Reader:
        return _Reader(self._raw(key, "an object"), self._field(key))

    def children(self, key: str) -> list[_Reader]:
        value = self._raw(key, "a list of objects")
        if not isinstance(value, list):
            raise _malformed(self._field(key), "a list of objects")
        return [_Reader(item, f"{self._field(key)}[{i}]") for i, item in enumerate(value)]


def _malformed(field: str, expected: str) -> InvalidInput:
    return InvalidInput(
        Reason(
            "programme.malformed",
            f"人才项目配置中的“{field}”缺失或格式不正确",
            f"“{field}” in the programme configuration is missing or is not {expected}",
            field,
        )
    )


def _rules_from(kind: ProgrammeKind, r: _Reader) -> KindRules:
    if kind is ProgrammeKind.YOUTH_AWARD:
        return YouthRules(max_age_male=r.integer("max_age_male"), max_age_female=r.integer("max_age_female"))
    if kind is ProgrammeKind.ACADEMICIAN:
        return AcademicianRules(
            allowed_academies=r.choices("allowed_academies", Academy),
            normal_age_limit=r.integer("normal_age_limit"),
            extended_min_nominators=r.integer("extended_min_nominators"),
            extended_min_same_division=r.integer("extended_min_same_division"),
            once_only_above_age=r.integer("once_only_above_age"),
            single_channel=r.flag("single_channel"),
        )
    return WorkerRules(
        cycle_years=r.integer("cycle_years"),
        excluded_categories=r.choices("excluded_categories", ExclusionCategory),
        per_unit_quota=r.integer("per_unit_quota"),
    )


def programme_from_dict(data: Mapping[str, Any]) -> Programme:
    """Read a stored programme; raises InvalidInput (code programme.malformed or programme.schema_version)."""
    r = _Reader(data)
    version = r.integer("schema_version")
    if version != SCHEMA_VERSION:
        raise InvalidInput(
            Reason(
                "programme.schema_version",
                f"不支持的人才项目配置版本{version}",
                f"programme configuration version {version} is not supported",
                "schema_version",
            )
        )
    kind = r.choice("kind", ProgrammeKind)
    notice = r.child("notice")
    return Programme(
        kind=kind,
        edition_year=r.integer("edition_year"),
        window_opens=r.date("window_opens"),
        window_closes=r.date("window_closes"),
        age_cutoff=r.date("age_cutoff"),
        quota_per_society=r.integer("quota_per_society"),
        materials=tuple(r.texts("materials")),
        rules=_rules_from(kind, r.child("rules")),
        stages=tuple(
            ReviewStage(s.text("name"), s.fraction("approval"), s.flag("approval_strict")) for s in r.children("stages")
        ),
        notice=NoticeWindow(notice.integer("days"), notice.choice("day_kind", DayKind)),
        unsourced=tuple(r.texts("unsourced")),
    )
