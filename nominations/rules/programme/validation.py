"""Validation of a programme: every out-of-range or inconsistent value as a bilingual `Reason`."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from nominations.rules.programme.model import (
    AcademicianRules,
    Academy,
    KindRules,
    Programme,
    ProgrammeKind,
    ReviewStage,
    WorkerRules,
    YouthRules,
)
from xuehui.errors import Reason

_RULES_TYPE: dict[ProgrammeKind, type[KindRules]] = {
    ProgrammeKind.YOUTH_AWARD: YouthRules,
    ProgrammeKind.ACADEMICIAN: AcademicianRules,
    ProgrammeKind.OUTSTANDING_WORKER: WorkerRules,
}


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
