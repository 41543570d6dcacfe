"""One award cycle as data: categories, grades, caps, limits, dates and rule parameters.

The reference notes insist that quotas, limits, periods and cut-offs change from year to year
and must be configuration, not constants (award_domain.md §0, F1). A cycle is a pydantic model
so that it round-trips through JSON (`to_dict` / `from_dict`) for storage and versioning; it
holds no behaviour beyond look-ups. `default_cycle(year)` follows the 2025 Shandong measures:

* categories and grades: 最高奖, 自然/发明/进步 with 特/一/二等, 科学技术青年奖, 国际合作奖 (§1.2, [S5]);
* caps: 最高奖 ≤2, 青年奖 ≤10, 国际合作 ≤5, NS+TI+STP ≤300 per round ([S5]); first prizes ≤35 in
  total (Shandong 2020, [S14]); ≤3 特等奖 per category (national 2025 baseline, [S19]);
* eligibility: first unit registered in Shandong, NS papers ≥2 years old with every contributor an
  author, TI/STP applied ≥2 years ([S6], F5);
* recent winners barred for two cycles, one person in one nomination per cycle (national 2019,
  [S24], F6: configurable because the Shandong rule was not found);
* repeat losers: unsuccessful in both of the two previous cycles and ≥50 % of the supporting
  material repeated ([S8]);
* fixed grade (定标定额, [S14]) and no withdrawal after nomination ([S27], F4).

Numbers the notes did NOT find (§10) are marked ``ASSUMED`` below: the contributor and unit limits
per (category, grade) (§1.5), the calendar dates (a template from another province, [S88]) and the
correction deadline. Admins must check them against the year's official notice.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from xuehui.errors import Reason


class Category(StrEnum):
    NATURAL_SCIENCE = "natural_science"
    TECHNOLOGICAL_INVENTION = "technological_invention"
    PROGRESS = "progress"
    TOP = "top"
    INTERNATIONAL_COOPERATION = "international_cooperation"
    YOUTH_SCIENCE = "youth_science"


class Grade(StrEnum):
    SPECIAL = "special"
    FIRST = "first"
    SECOND = "second"
    THIRD = "third"
    # Person awards (最高奖, 青年奖, 国际合作奖) have no grades; they use this single grade.
    UNGRADED = "ungraded"


CATEGORY_NAMES: Mapping[Category, tuple[str, str]] = {
    Category.NATURAL_SCIENCE: ("自然科学奖", "Natural Science Award"),
    Category.TECHNOLOGICAL_INVENTION: ("技术发明奖", "Technological Invention Award"),
    Category.PROGRESS: ("科学技术进步奖", "Science and Technology Progress Award"),
    Category.TOP: ("科学技术最高奖", "Top Science and Technology Award"),
    Category.INTERNATIONAL_COOPERATION: ("国际科学技术合作奖", "International Cooperation Award"),
    Category.YOUTH_SCIENCE: ("科学技术青年奖", "Youth Science and Technology Award"),
}

GRADE_NAMES: Mapping[Grade, tuple[str, str]] = {
    Grade.SPECIAL: ("特等奖", "special prize"),
    Grade.FIRST: ("一等奖", "first prize"),
    Grade.SECOND: ("二等奖", "second prize"),
    Grade.THIRD: ("三等奖", "third prize"),
    Grade.UNGRADED: ("不分等级", "ungraded"),
}

NoticeUnit = Literal["working_days", "calendar_days"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class GradeRule(_Frozen):
    """Limits for one (category, grade)."""

    max_contributors: int
    max_units: int
    cap: int | None = None  # awards at this grade in this category per cycle; None = no cap
    max_share: float | None = None  # awards at this grade / all awards of the category, e.g. 0.15


class CategoryRule(_Frozen):
    grades: dict[Grade, GradeRule]
    cap: int | None = None  # awards in the category per cycle, all grades together


class CombinedCap(_Frozen):
    """A cap over several categories, optionally only for one grade (e.g. NS+TI+STP ≤ 300)."""

    key: str
    categories: tuple[Category, ...]
    cap: int
    grade: Grade | None = None


class NoticeWindowConfig(_Frozen):
    key: str
    zh: str
    en: str
    starts: dt.date
    length: int
    unit: NoticeUnit = "working_days"


class CycleDates(_Frozen):
    nomination_opens: dt.date
    nomination_closes: dt.date
    formal_review_starts: dt.date
    formal_review_ends: dt.date
    notices: tuple[NoticeWindowConfig, ...] = ()


class HolidayCalendar(_Frozen):
    """Public holidays, and weekend days made working days by 调休."""

    holidays: tuple[dt.date, ...] = ()
    adjusted_working_days: tuple[dt.date, ...] = ()


class EligibilityParams(_Frozen):
    reference_date: dt.date  # ages of applications and papers are measured up to this day
    home_province_code: str = "370000"  # GB/T 2260 code of Shandong
    first_unit_categories: tuple[Category, ...] = (
        Category.NATURAL_SCIENCE,
        Category.TECHNOLOGICAL_INVENTION,
        Category.PROGRESS,
    )
    # Foreign candidates have no resident identity card; their document number is taken as given.
    id_card_exempt_categories: tuple[Category, ...] = (Category.INTERNATIONAL_COOPERATION,)
    application_years: int = 2
    application_categories: tuple[Category, ...] = (Category.TECHNOLOGICAL_INVENTION, Category.PROGRESS)
    paper_age_years: int = 2
    paper_categories: tuple[Category, ...] = (Category.NATURAL_SCIENCE,)
    contributors_must_be_authors: bool = True
    one_nomination_per_person: bool = True
    winner_bar_cycles: int = 2
    repeat_lookback_cycles: int = 2
    repeat_min_unsuccessful: int = 2
    repeat_material_threshold: float = 0.5


class CycleConfig(_Frozen):
    year: int
    version: int = 1
    years_per_cycle: int = 1  # 1 for a yearly award; 2 if the award runs every other year
    categories: dict[Category, CategoryRule]
    combined_caps: tuple[CombinedCap, ...] = ()
    dates: CycleDates
    calendar: HolidayCalendar = HolidayCalendar()
    eligibility: EligibilityParams
    fixed_grade: bool = True
    withdrawal_allowed: bool = False
    correction_deadline_days: int = 5  # working days to correct after a failed formal review

    def grade_rule(self, category: Category, grade: Grade) -> GradeRule | None:
        rule = self.categories.get(category)
        return None if rule is None else rule.grades.get(grade)

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CycleConfig:
        """Build from stored JSON; raises pydantic.ValidationError on a malformed document."""
        return cls.model_validate(dict(data))


def _project_grades(persons: tuple[int, int, int], units: tuple[int, int, int]) -> dict[Grade, GradeRule]:
    special, first, second = (GradeRule(max_contributors=p, max_units=u) for p, u in zip(persons, units, strict=True))
    return {
        Grade.SPECIAL: special.model_copy(update={"cap": 3}),
        Grade.FIRST: first,
        Grade.SECOND: second,
    }


def _person_award(cap: int) -> CategoryRule:
    return CategoryRule(grades={Grade.UNGRADED: GradeRule(max_contributors=1, max_units=1)}, cap=cap)


def default_cycle(year: int) -> CycleConfig:
    """The cycle of `year` under the 2025 Shandong measures (see the module docstring)."""
    big_three = (Category.NATURAL_SCIENCE, Category.TECHNOLOGICAL_INVENTION, Category.PROGRESS)
    closes = dt.date(year, 4, 30)  # ASSUMED: Mar–Apr nomination window ([S88] template)
    return CycleConfig(
        year=year,
        categories={
            # ASSUMED person/unit limits (§1.5 not found): the usual national figures.
            Category.NATURAL_SCIENCE: CategoryRule(grades=_project_grades((5, 5, 5), (5, 5, 5))),
            Category.TECHNOLOGICAL_INVENTION: CategoryRule(grades=_project_grades((6, 6, 6), (6, 6, 6))),
            Category.PROGRESS: CategoryRule(grades=_project_grades((15, 15, 10), (10, 10, 7))),
            Category.TOP: _person_award(2),
            Category.INTERNATIONAL_COOPERATION: _person_award(5),
            Category.YOUTH_SCIENCE: _person_award(10),
        },
        combined_caps=(
            CombinedCap(key="projects_total", categories=big_three, cap=300),
            CombinedCap(key="first_prizes_total", categories=big_three, cap=35, grade=Grade.FIRST),
        ),
        dates=CycleDates(
            nomination_opens=dt.date(year, 3, 1),
            nomination_closes=closes,
            formal_review_starts=dt.date(year, 5, 6),
            formal_review_ends=dt.date(year, 6, 15),
            notices=(
                NoticeWindowConfig(
                    key="accepted", zh="受理项目公示", en="accepted nominations", starts=dt.date(year, 6, 20), length=5
                ),
                NoticeWindowConfig(
                    key="initial_review",
                    zh="初评结果公示",
                    en="initial review results",
                    starts=dt.date(year, 8, 20),
                    length=10,
                    unit="calendar_days",
                ),
                NoticeWindowConfig(
                    key="proposed_awards",
                    zh="建议授奖公示",
                    en="proposed awards",
                    starts=dt.date(year, 9, 15),
                    length=30,
                    unit="calendar_days",
                ),
            ),
        ),
        eligibility=EligibilityParams(reference_date=closes),
    )


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


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
    for name in ("first_unit_categories", "application_categories", "paper_categories", "id_card_exempt_categories"):
        for category in getattr(p, name):
            if category not in cfg.categories:
                reasons.append(_unknown_category(category, f"eligibility.{name}"))
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
