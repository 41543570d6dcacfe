"""Validation of a cycle: dates, limits, rule parameters and the holiday calendar, every
inconsistency as a bilingual `Reason`; `load_cycle` parses and validates a stored document.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from nominations.rules.attachments import ATTACHMENT_KINDS
from nominations.rules.cycle.model import (
    CATEGORY_NAMES,
    GRADE_NAMES,
    Category,
    CycleConfig,
    Grade,
)
from xuehui.errors import Reason


def _reason(code: str, zh: str, en: str, field: str) -> Reason:
    return Reason(code, zh, en, field)


def _check_dates(cfg: CycleConfig) -> list[Reason]:
    d = cfg.dates
    reasons: list[Reason] = []
    order = [
        ("dates.nomination_opens", d.nomination_opens),
        ("dates.nomination_closes", d.nomination_closes),
        ("dates.formal_review_starts", d.formal_review_starts),
        ("dates.formal_review_ends", d.formal_review_ends),
    ]
    for (before_field, before), (after_field, after) in itertools.pairwise(order):
        if after < before:
            reasons.append(
                _reason(
                    "cycle.dates_out_of_order",
                    f"{after_field}（{after}）早于{before_field}（{before}）",
                    f"{after_field} ({after}) is before {before_field} ({before})",
                    after_field,
                )
            )
    for i, notice in enumerate(d.notices):
        field = f"dates.notices[{i}]"
        if notice.length < 1:
            reasons.append(
                _reason("cycle.notice_length", "公示期至少1天", "a notice window lasts at least one day", field)
            )
        if notice.starts <= d.nomination_closes:
            reasons.append(
                _reason(
                    "cycle.notice_before_close",
                    f"公示“{notice.zh}”应在提名截止之后开始",
                    f"notice '{notice.en}' must start after the nomination window closes",
                    f"{field}.starts",
                )
            )
    keys = [n.key for n in d.notices]
    if len(set(keys)) != len(keys):
        reasons.append(
            _reason("cycle.notice_key_duplicate", "公示的键重复", "two notice windows share a key", "dates.notices")
        )
    return reasons


def _check_limits(cfg: CycleConfig) -> list[Reason]:
    reasons: list[Reason] = []
    if not cfg.categories:
        reasons.append(_reason("cycle.no_category", "至少开放一个奖种", "open at least one category", "categories"))
    for category, rule in cfg.categories.items():
        base = f"categories.{category.value}"
        if not rule.grades:
            reasons.append(_reason("cycle.no_grade", "奖种至少设一个等级", "a category needs a grade", base))
        if rule.cap is not None and rule.cap < 0:
            reasons.append(_reason("cycle.negative", "数量不能为负", "must not be negative", f"{base}.cap"))
        unknown = [k for k in rule.required_attachments if k not in ATTACHMENT_KINDS]
        if unknown or len(set(rule.required_attachments)) != len(rule.required_attachments):
            reasons.append(
                _reason(
                    "cycle.attachments",
                    "必备附件清单有未知或重复的类别",
                    "the required attachments list unknown or repeated kinds",
                    f"{base}.required_attachments",
                )
            )
        ungraded = Grade.UNGRADED in rule.grades
        if ungraded and len(rule.grades) > 1:
            reasons.append(
                _reason(
                    "cycle.ungraded_mixed",
                    "不分等级的奖种不能再设其他等级",
                    "an ungraded category cannot have other grades",
                    f"{base}.grades",
                )
            )
        for grade, g in rule.grades.items():
            field = f"{base}.grades.{grade.value}"
            for name, value in (("cap", g.cap), ("max_contributors", g.max_contributors), ("max_units", g.max_units)):
                if value is not None and value < 0:
                    reasons.append(_reason("cycle.negative", "数量不能为负", "must not be negative", f"{field}.{name}"))
            if g.max_contributors == 0 or g.max_units == 0:
                reasons.append(
                    _reason(
                        "cycle.zero_limit",
                        "完成人和完成单位上限至少为1",
                        "contributor and unit limits must be at least 1",
                        field,
                    )
                )
            if g.max_share is not None and not 0 <= g.max_share <= 1:
                reasons.append(
                    _reason(
                        "cycle.share_range", "比例应在0到1之间", "a share lies between 0 and 1", f"{field}.max_share"
                    )
                )
    for i, combined in enumerate(cfg.combined_caps):
        field = f"combined_caps[{i}]"
        if combined.cap < 0:
            reasons.append(_reason("cycle.negative", "数量不能为负", "must not be negative", f"{field}.cap"))
        for category in combined.categories:
            if category not in cfg.categories:
                reasons.append(_unknown_category(category, f"{field}.categories"))
            elif combined.grade is not None and combined.grade not in cfg.categories[category].grades:
                reasons.append(_unknown_grade(category, combined.grade, f"{field}.grade"))
    return reasons


def _unknown_category(category: Category, field: str) -> Reason:
    zh, en = CATEGORY_NAMES[category]
    return _reason("cycle.unknown_category", f"本周期未设奖种“{zh}”", f"the cycle has no category '{en}'", field)


def _unknown_grade(category: Category, grade: Grade, field: str) -> Reason:
    return _reason(
        "cycle.unknown_grade",
        f"奖种“{CATEGORY_NAMES[category][0]}”本周期未设“{GRADE_NAMES[grade][0]}”",
        f"category '{CATEGORY_NAMES[category][1]}' has no {GRADE_NAMES[grade][1]} this cycle",
        field,
    )


def _check_params(cfg: CycleConfig) -> list[Reason]:
    p = cfg.eligibility
    reasons: list[Reason] = []
    counts = {
        "years_per_cycle": cfg.years_per_cycle - 1,  # at least 1
        "correction_deadline_days": cfg.correction_deadline_days,
        "eligibility.application_years": p.application_years,
        "eligibility.paper_age_years": p.paper_age_years,
        "eligibility.winner_bar_cycles": p.winner_bar_cycles,
        "eligibility.repeat_lookback_cycles": p.repeat_lookback_cycles,
        "eligibility.repeat_min_unsuccessful": p.repeat_min_unsuccessful,
        "eligibility.max_exclusions": p.max_exclusions,
        "eligibility.unit_notice_working_days": p.unit_notice_working_days,
        "eligibility.society_review_min_experts": p.society_review_min_experts,
        "eligibility.society_notice_working_days": p.society_notice_working_days,
        "eligibility.joint_first_unit_min_share": p.joint_first_unit_min_share or 0,
        "eligibility.joint_first_contributor_min_share": p.joint_first_contributor_min_share or 0,
    }
    for field, value in counts.items():
        if value < 0:
            reasons.append(_reason("cycle.negative", "数值超出允许范围", "value out of the allowed range", field))
    if not 0 < p.repeat_material_threshold <= 1:
        reasons.append(
            _reason(
                "cycle.share_range",
                "重复材料比例应大于0且不超过1",
                "the repeated-material threshold lies in (0, 1]",
                "eligibility.repeat_material_threshold",
            )
        )
    for name in ("joint_first_unit_min_share", "joint_first_contributor_min_share"):
        if (getattr(p, name) or 0) > 100:
            reasons.append(
                _reason(
                    "cycle.share_range", "比例应在0到100之间", "a share lies between 0 and 100", f"eligibility.{name}"
                )
            )
    for name in (
        "first_unit_categories",
        "application_categories",
        "paper_categories",
        "id_card_exempt_categories",
        "prior_use_categories",
        "registration_categories",
    ):
        for category in getattr(p, name):
            if category not in cfg.categories:
                reasons.append(_unknown_category(category, f"eligibility.{name}"))
    for category, age in p.age_limits.items():
        if category not in cfg.categories:
            reasons.append(_unknown_category(category, "eligibility.age_limits"))
        if age < 1:
            reasons.append(
                _reason("cycle.negative", "年龄上限至少为1岁", "an age limit is at least 1", "eligibility.age_limits")
            )
    return reasons


def _check_calendar(cfg: CycleConfig) -> list[Reason]:
    reasons: list[Reason] = []
    both = set(cfg.calendar.holidays) & set(cfg.calendar.adjusted_working_days)
    for day in sorted(both):
        reasons.append(
            _reason(
                "cycle.calendar_conflict",
                f"{day}不能既是假日又是调休工作日",
                f"{day} cannot be both a holiday and an adjusted working day",
                "calendar",
            )
        )
    for day in cfg.calendar.adjusted_working_days:
        if day.weekday() < 5:
            reasons.append(
                _reason(
                    "cycle.calendar_not_weekend",
                    f"调休工作日{day}应为周末",
                    f"adjusted working day {day} should be a Saturday or Sunday",
                    "calendar.adjusted_working_days",
                )
            )
    return reasons


def validate_cycle(cfg: CycleConfig) -> list[Reason]:
    """Every inconsistency in a cycle (empty when it can be published)."""
    return [*_check_dates(cfg), *_check_limits(cfg), *_check_params(cfg), *_check_calendar(cfg)]


def load_cycle(data: Mapping[str, Any]) -> CycleConfig | list[Reason]:
    """Parse an admin-edited or stored document and validate it: the cycle, or every reason it is refused."""
    try:
        cfg = CycleConfig.from_dict(data)
    except ValidationError as error:
        return [
            Reason(
                "cycle.invalid_value",
                f"取值无效：{err['msg']}",
                f"invalid value: {err['msg']}",
                ".".join(str(part) for part in err["loc"]),
            )
            for err in error.errors()
        ]
    return validate_cycle(cfg) or cfg
