"""An award cycle's shape: categories and grades with their labels, caps, limits, dates, the holiday
calendar and the eligibility parameters, as frozen pydantic models that round-trip through JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict


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
    # The attachment kinds (nominations.rules.attachments) a nomination must carry on submission.
    required_attachments: tuple[str, ...] = ()


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
    # Person awards with an age limit: the oldest age a candidate may be on `age_cut_off`
    # (科学技术青年奖 ≤ 40 [S6]; 2024 "born on or after 1984-01-01" [S8], i.e. 40 on 31 December).
    age_limits: dict[Category, int] = {Category.YOUTH_SCIENCE: 40}
    age_cut_off: dt.date | None = None  # None: 31 December of the cycle's year
    max_exclusions: int = 3  # experts a nominee may ask to be kept away from the review (回避专家)
    # Purely administrative or support staff are no contributors unless technical lead or chief
    # scientist (2024 [S7]); such a person is flagged on the form with their technical role.
    administrative_staff_excluded: bool = True
    # The main innovations (patents, papers) not used in an awarded project: declared, and checked
    # against the awarded projects on record (2024 [S8]).
    prior_use_categories: tuple[Category, ...] = (
        Category.NATURAL_SCIENCE,
        Category.TECHNOLOGICAL_INVENTION,
        Category.PROGRESS,
    )
    # Joint projects (more than one unit): the first unit owns ≥ 40 % of the key supporting
    # material and the first contributor ≥ 30 % (Shandong 2020 [S14]); None switches a share off.
    joint_first_unit_min_share: int | None = 40
    joint_first_contributor_min_share: int | None = 30
    # The achievement-registration number (成果登记号; Jinan 2019 [S15]); ASSUMED for these categories.
    registration_categories: tuple[Category, ...] = (
        Category.NATURAL_SCIENCE,
        Category.TECHNOLOGICAL_INVENTION,
        Category.PROGRESS,
    )
    single_channel_required: bool = True  # one channel only, as a commitment (ASSUMED for every category)
    # Every completer publicised in their own unit for ≥ 5 working days before submission (Jinan 2019 [S15]).
    unit_notice_working_days: int = 5
    # The society's own selection before it forwards: an expert review of at least this many experts
    # (ASSUMED: the reference gives no number) and its own notice of ≥ 5 working days ([S8]).
    society_review_min_experts: int = 3
    society_notice_working_days: int = 5

    def age_cut_off_for(self, year: int) -> dt.date:
        return self.age_cut_off or dt.date(year, 12, 31)


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


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (or earlier); 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
