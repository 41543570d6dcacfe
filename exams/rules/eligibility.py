"""Eligibility review (资格审核): education x years of relevant work, exemptions, commitment route.

Years are counted per exam from each relevant work period up to the exam's cut-off date
(``shared/reference/exam_domain.md`` §1.2 leaves the counting rule to each exam's notice, so it is
data here). Convention, month-exact and in full years:

- a period counts its *completed calendar months*, the cut-off day included: 2020-07-01 to a
  2024-06-30 cut-off is exactly 48 months (4 years); 2020-07-15 to 2024-07-14 is also 48, and
  2020-07-15 to 2024-07-13 is 47;
- overlapping periods count once; the months of all periods are added, then divided by 12 (full years);
- when the exam's notice says "after graduation", work before the graduation date is not counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum

from exams.rules.violations import Violation, record_active
from xuehui.errors import Reason


class Education(IntEnum):
    """Education levels in ascending order, so a higher degree can use a lower row of the table."""

    HIGH_SCHOOL = 10  # 高中/中专
    JUNIOR_COLLEGE = 20  # 大专
    BACHELOR = 30  # 本科/学士
    SECOND_BACHELOR = 40  # 第二学士/研究生班
    MASTER = 50  # 硕士
    DOCTOR = 60  # 博士


EDUCATION_NAMES: dict[Education, tuple[str, str]] = {
    Education.HIGH_SCHOOL: ("高中或中专", "high school"),
    Education.JUNIOR_COLLEGE: ("大专", "junior college"),
    Education.BACHELOR: ("本科", "bachelor"),
    Education.SECOND_BACHELOR: ("第二学士或研究生班", "second bachelor"),
    Education.MASTER: ("硕士", "master"),
    Education.DOCTOR: ("博士", "doctor"),
}


@dataclass(frozen=True, slots=True)
class EligibilityRow:
    """One row of an exam's table: this education (or higher) plus this many years of relevant work."""

    education: Education
    min_years: int
    related_major: bool | None = None  # True: only 相关专业 (e.g. 工程类); False: other majors; None: any
    label_zh: str = ""
    label_en: str = ""


@dataclass(frozen=True, slots=True)
class EligibilityTable:
    exam_code: str
    rows: tuple[EligibilityRow, ...]
    cutoff: dt.date  # 工作年限计算截止日期
    count_after_graduation_only: bool = False


@dataclass(frozen=True, slots=True)
class WorkPeriod:
    start: dt.date
    end: dt.date | None = None  # None: still working there


@dataclass(frozen=True, slots=True)
class Applicant:
    education: Education
    graduation_date: dt.date
    related_major: bool
    work: tuple[WorkPeriod, ...]


@dataclass(frozen=True, slots=True)
class EligibilityDecision:
    eligible: bool
    row_index: int | None  # the table row that decided (0-based), None if no row applies
    years_needed: int | None
    years_had: int
    months_had: int
    reason: Reason


def _months_between(start: dt.date, last_day: dt.date) -> int:
    """Completed months from `start` through `last_day` inclusive."""
    day_after = last_day + dt.timedelta(days=1)
    months = (day_after.year - start.year) * 12 + (day_after.month - start.month)
    if day_after.day < start.day:
        months -= 1
    return max(months, 0)


def experience_months(periods: Iterable[WorkPeriod], cutoff: dt.date, not_before: dt.date | None = None) -> int:
    """Completed months of relevant work up to the cut-off, overlaps counted once."""
    spans: list[tuple[dt.date, dt.date]] = []
    for p in periods:
        start = max(p.start, not_before) if not_before else p.start
        end = min(p.end or cutoff, cutoff)
        if start <= end:
            spans.append((start, end))
    spans.sort()
    merged: list[tuple[dt.date, dt.date]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1] + dt.timedelta(days=1):
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return sum(_months_between(start, end) for start, end in merged)


def experience_years(periods: Iterable[WorkPeriod], cutoff: dt.date, not_before: dt.date | None = None) -> int:
    """Full years of relevant work at the cut-off (see the module docstring for the convention)."""
    return experience_months(periods, cutoff, not_before) // 12


def _row_text(row: EligibilityRow) -> tuple[str, str]:
    zh, en = EDUCATION_NAMES[row.education]
    major_zh = {True: "相关专业", False: "其他专业", None: ""}[row.related_major]
    major_en = {True: " (related major)", False: " (other major)", None: ""}[row.related_major]
    return row.label_zh or f"{zh}{major_zh}", row.label_en or f"{en}{major_en}"


def decide_eligibility(applicant: Applicant, table: EligibilityTable) -> EligibilityDecision:
    """Eligible if any row the applicant's education reaches is met; the reason names the row and the years."""
    not_before = applicant.graduation_date if table.count_after_graduation_only else None
    months = experience_months(applicant.work, table.cutoff, not_before)
    years = months // 12
    usable = [
        (i, row)
        for i, row in enumerate(table.rows)
        if row.education <= applicant.education
        and (row.related_major is None or row.related_major == applicant.related_major)
    ]
    cutoff = table.cutoff.isoformat()
    if not usable:
        zh, en = EDUCATION_NAMES[applicant.education]
        return EligibilityDecision(
            False,
            None,
            None,
            years,
            months,
            Reason(
                "eligibility.education",
                f"学历（{zh}）不符合本考试报名条件",
                f"the education ({en}) does not meet any row of this exam's requirements",
                "education",
            ),
        )
    index, row = min(usable, key=lambda item: (item[1].min_years, item[0]))
    row_zh, row_en = _row_text(row)
    if years >= row.min_years:
        return EligibilityDecision(
            True,
            index,
            row.min_years,
            years,
            months,
            Reason(
                "eligibility.ok",
                f"符合第{index + 1}行条件（{row_zh}，需工作满{row.min_years}年），截至{cutoff}已满{years}年",
                f"meets row {index + 1} ({row_en}, {row.min_years} years needed): {years} full years by {cutoff}",
            ),
        )
    return EligibilityDecision(
        False,
        index,
        row.min_years,
        years,
        months,
        Reason(
            "eligibility.years",
            f"不符合第{index + 1}行条件（{row_zh}）：需相关工作满{row.min_years}年，"
            f"截至{cutoff}仅满{years}年（{months}个月）",
            f"row {index + 1} ({row_en}) needs {row.min_years} years of relevant work; "
            f"only {years} full years ({months} months) by {cutoff}",
            "work",
        ),
    )


@dataclass(frozen=True, slots=True)
class ExemptionRule:
    """Holding `certificate` exempts from `subjects` (免考), and moves the candidate to `candidate_group`."""

    certificate: str
    subjects: frozenset[str]
    candidate_group: str = "exempt"


def exemptions(held_certificates: Iterable[str], rules: Sequence[ExemptionRule]) -> tuple[frozenset[str], str | None]:
    """Subjects the candidate is exempt from, and the candidate group that brings (None: no exemption)."""
    held = set(held_certificates)
    matched = [r for r in rules if r.certificate in held]
    if not matched:
        return frozenset(), None
    return frozenset().union(*(r.subjects for r in matched)), matched[0].candidate_group


def commitment_refusal(
    violations: Iterable[Violation], on: dt.date, false_commitment_until: dt.date | None = None
) -> Reason | None:
    """Why the commitment route (告知承诺制) is refused, or None when it is open to the candidate.

    `false_commitment_until` is the last day a decided false commitment bars the route
    (`violations.commitment_barred_until`); from the day after, the route is open again."""
    if false_commitment_until is not None and on <= false_commitment_until:
        until = false_commitment_until.isoformat()
        return Reason(
            "eligibility.commitment_false_before",
            f"曾有虚假承诺记录，{until}前（含当日）不适用告知承诺制，请上传证明材料",
            f"a false commitment is on record: the commitment route is closed until {until} (inclusive); "
            "upload your proof instead",
            "commitment",
        )
    for v in violations:
        if record_active(v, on):
            until = "长期" if v.record_until is None else v.record_until.isoformat()
            until_en = "long-term" if v.record_until is None else f"until {v.record_until.isoformat()}"
            return Reason(
                "eligibility.commitment_violation",
                f"有严重违纪违规记录仍在记录期内（{until}），不适用告知承诺制，请上传证明材料",
                f"a serious violation is still on record ({until_en}); upload your proof instead of a commitment",
                "commitment",
            )
    return None
