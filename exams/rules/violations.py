"""Violations (违纪违规, 人社部令第31号) and their effect on a candidate's results.

- general (一般, Art. 6, also 雷同 under Art. 11): that subject of that sitting is void;
- serious (严重, Art. 7): every subject of the sitting is void, and a 5-year integrity record;
- especially serious (特别严重, Art. 8): every subject void, and a long-term record.
The decision (处理决定书) is written out in both languages so it can be served and archived.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from xuehui.vocabulary import Labelled


class ViolationLevel(Labelled, vocabulary="exams.violation_level"):
    GENERAL = "general", "一般违纪违规", "general violation"
    SERIOUS = "serious", "严重违纪违规", "serious violation"
    ESPECIALLY_SERIOUS = "especially_serious", "特别严重违纪违规", "especially serious violation"


class ViolationKind(Labelled, vocabulary="exams.violation_kind"):
    """What the case is about: conduct in the exam, or a false commitment at registration (告知承诺不实)."""

    EXAM_CONDUCT = "exam_conduct", "考试违纪违规", "misconduct in the exam"
    FALSE_COMMITMENT = "false_commitment", "虚假承诺", "false commitment"


SERIOUS_RECORD_YEARS = 5
# How long a decided false commitment closes the commitment route (告知承诺制) when the plan sets
# nothing else. The reference gives no period; five years mirrors the serious-violation record.
DEFAULT_COMMITMENT_BAR_YEARS = 5


@dataclass(frozen=True, slots=True)
class Violation:
    candidate_id: str
    sitting_id: str
    subject_code: str  # where it happened; for general violations the only subject voided
    level: ViolationLevel
    article: str  # e.g. "第六条第二项"
    facts: str
    decided_on: dt.date
    kind: ViolationKind = ViolationKind.EXAM_CONDUCT

    @property
    def record_until(self) -> dt.date | None:
        """Last day of the integrity record: 5 years for serious, None (long-term) for especially serious."""
        if self.level is ViolationLevel.SERIOUS:
            return add_years(self.decided_on, SERIOUS_RECORD_YEARS)
        return None


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def commitment_barred_until(violations: Iterable[Violation], bar_years: int) -> dt.date | None:
    """The last day a decided false commitment keeps the candidate off the commitment route, or
    None when there is none: `bar_years` from the latest such decision."""
    days = [add_years(v.decided_on, bar_years) for v in violations if v.kind is ViolationKind.FALSE_COMMITMENT]
    return max(days, default=None)


def record_active(violation: Violation, on: dt.date) -> bool:
    """Whether the violation is still in the integrity record (诚信档案) on that day."""
    if violation.level is ViolationLevel.GENERAL:
        return False
    until = violation.record_until
    return violation.decided_on <= on and (until is None or on <= until)


@dataclass(frozen=True, slots=True)
class SubjectResult:
    candidate_id: str
    sitting_id: str
    subject_code: str
    score: Decimal | None
    void: bool = False


@dataclass(frozen=True, slots=True)
class ViolationDecision:
    violation: Violation
    voided_subjects: tuple[str, ...]
    record_until: dt.date | None
    long_term_record: bool
    text_zh: str
    text_en: str


def decide(violation: Violation, results: Sequence[SubjectResult]) -> ViolationDecision:
    """The written decision for one violation over the candidate's results of that sitting."""
    sitting = [r for r in results if r.candidate_id == violation.candidate_id and r.sitting_id == violation.sitting_id]
    if violation.level is ViolationLevel.GENERAL:
        voided = tuple(r.subject_code for r in sitting if r.subject_code == violation.subject_code)
    else:
        voided = tuple(sorted(r.subject_code for r in sitting))
    level_zh, level_en = violation.level.zh, violation.level.en
    subjects = "、".join(voided) or "无"
    text_zh = (
        f"经查，考生在{violation.sitting_id}考试{violation.subject_code}科目中{violation.facts}，"
        f"属{level_zh}，依据《专业技术人员资格考试违纪违规行为处理规定》{violation.article}，"
        f"给予以下处理：{subjects}科目考试成绩无效"
    )
    text_en = (
        f"In sitting {violation.sitting_id}, subject {violation.subject_code}, the candidate: {violation.facts}. "
        f"This is a {level_en} under {violation.article} of MOHRSS Order No. 31; "
        f"results void for subjects: {', '.join(voided) or 'none'}"
    )
    until = violation.record_until
    if violation.level is ViolationLevel.SERIOUS:
        text_zh += f"；记入专业技术人员资格考试诚信档案库，记录期限五年（至{until}）"
        text_en += f"; entered in the integrity record for five years (until {until})"
    elif violation.level is ViolationLevel.ESPECIALLY_SERIOUS:
        text_zh += "；记入专业技术人员资格考试诚信档案库，长期记录"
        text_en += "; entered in the integrity record long-term"
    text_zh += "。如不服本决定，可依法申请行政复议或者提起行政诉讼。"
    text_en += ". You may apply for administrative review or bring an administrative lawsuit."
    return ViolationDecision(
        violation,
        voided,
        until,
        violation.level is ViolationLevel.ESPECIALLY_SERIOUS,
        text_zh,
        text_en,
    )


def apply_violations(
    results: Sequence[SubjectResult], violations: Iterable[Violation]
) -> tuple[tuple[SubjectResult, ...], tuple[ViolationDecision, ...]]:
    """Results with the voided ones marked, and one decision per violation."""
    decisions = tuple(decide(v, results) for v in violations)
    void = {(d.violation.candidate_id, d.violation.sitting_id, code) for d in decisions for code in d.voided_subjects}
    marked = tuple(
        replace(r, void=True) if (r.candidate_id, r.sitting_id, r.subject_code) in void else r for r in results
    )
    return marked, decisions
