"""The proposed cycle of a year under the 2025 Shandong measures (sources in `cycle`'s docstring);
numbers no source gives are marked ``ASSUMED``.
"""

from __future__ import annotations

import datetime as dt

from nominations.rules.cycle.model import (
    Category,
    CategoryRule,
    CombinedCap,
    CycleConfig,
    CycleDates,
    EligibilityParams,
    Grade,
    GradeRule,
    NoticeUnit,
    NoticeWindowConfig,
)

# Caps of the 2025 Shandong measures [S5][S14][S19]; a cycle's admin may change each.
SPECIAL_PRIZES_PER_CATEGORY = 3  # ≤3 特等奖 per category (national 2025 baseline, [S19])
TOP_AWARD_CAP = 2  # 最高奖 ≤2 [S5]
INTERNATIONAL_COOPERATION_CAP = 5  # 国际合作奖 ≤5 [S5]
YOUTH_SCIENCE_CAP = 10  # 科学技术青年奖 ≤10 [S5]
PROJECTS_TOTAL_CAP = 300  # NS+TI+STP ≤300 per round [S5]
FIRST_PRIZES_TOTAL_CAP = 35  # first prizes ≤35 in total (Shandong 2020, [S14])

# The notices of a cycle: key, labels (zh, en), first day (month, day), length, unit of the length.
_NOTICES: tuple[tuple[str, str, str, tuple[int, int], int, NoticeUnit], ...] = (
    ("accepted", "受理项目公示", "accepted nominations", (6, 20), 5, "working_days"),
    ("initial_review", "初评结果公示", "initial review results", (8, 20), 10, "calendar_days"),
    ("proposed_awards", "建议授奖公示", "proposed awards", (9, 15), 30, "calendar_days"),
)


def _project_grades(persons: tuple[int, int, int], units: tuple[int, int, int]) -> dict[Grade, GradeRule]:
    special, first, second = (GradeRule(max_contributors=p, max_units=u) for p, u in zip(persons, units, strict=True))
    return {
        Grade.SPECIAL: special.model_copy(update={"cap": SPECIAL_PRIZES_PER_CATEGORY}),
        Grade.FIRST: first,
        Grade.SECOND: second,
    }


def _person_award(cap: int) -> CategoryRule:
    return CategoryRule(
        grades={Grade.UNGRADED: GradeRule(max_contributors=1, max_units=1)}, cap=cap, required_attachments=SIGNED
    )


# The attachments the provincial nomination form asks for by category (提名书 附件): the signed and
# sealed pages always; papers for natural science, patents for invention, proof of application and
# benefit for invention and progress. ASSUMED: evaluation reports are optional everywhere.
SIGNED = ("signed_pages",)
_ATTACHMENTS: dict[Category, tuple[str, ...]] = {
    Category.NATURAL_SCIENCE: ("papers", *SIGNED),
    Category.TECHNOLOGICAL_INVENTION: ("patents", "application_benefit", *SIGNED),
    Category.PROGRESS: ("application_benefit", *SIGNED),
}


def _project(grades: dict[Grade, GradeRule], category: Category) -> CategoryRule:
    return CategoryRule(grades=grades, required_attachments=_ATTACHMENTS[category])


def default_cycle(year: int) -> CycleConfig:
    """The cycle of `year` under the 2025 Shandong measures (see the module docstring)."""
    big_three = (Category.NATURAL_SCIENCE, Category.TECHNOLOGICAL_INVENTION, Category.PROGRESS)
    closes = dt.date(year, 4, 30)  # ASSUMED: Mar–Apr nomination window ([S88] template)
    return CycleConfig(
        year=year,
        categories={
            # ASSUMED person/unit limits (§1.5 not found): the usual national figures.
            Category.NATURAL_SCIENCE: _project(_project_grades((5, 5, 5), (5, 5, 5)), Category.NATURAL_SCIENCE),
            Category.TECHNOLOGICAL_INVENTION: _project(
                _project_grades((6, 6, 6), (6, 6, 6)), Category.TECHNOLOGICAL_INVENTION
            ),
            Category.PROGRESS: _project(_project_grades((15, 15, 10), (10, 10, 7)), Category.PROGRESS),
            Category.TOP: _person_award(TOP_AWARD_CAP),
            Category.INTERNATIONAL_COOPERATION: _person_award(INTERNATIONAL_COOPERATION_CAP),
            Category.YOUTH_SCIENCE: _person_award(YOUTH_SCIENCE_CAP),
        },
        combined_caps=(
            CombinedCap(key="projects_total", categories=big_three, cap=PROJECTS_TOTAL_CAP),
            CombinedCap(key="first_prizes_total", categories=big_three, cap=FIRST_PRIZES_TOTAL_CAP, grade=Grade.FIRST),
        ),
        dates=CycleDates(
            nomination_opens=dt.date(year, 3, 1),
            nomination_closes=closes,
            formal_review_starts=dt.date(year, 5, 6),
            formal_review_ends=dt.date(year, 6, 15),
            notices=tuple(
                NoticeWindowConfig(key=key, zh=zh, en=en, starts=dt.date(year, month, day), length=length, unit=unit)
                for key, zh, en, (month, day), length, unit in _NOTICES
            ),
        ),
        eligibility=EligibilityParams(reference_date=closes, age_cut_off=dt.date(year, 12, 31)),
    )
