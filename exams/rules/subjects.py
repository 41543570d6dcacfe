"""Subjects (科目): full marks, pass mark and whether decimals are allowed.

Pass marks are stored per subject and sitting, never hard-coded: since 2022 many national exams
use 60 % of full marks, but older sittings used absolute marks such as 84/140
(``shared/reference/exam_domain.md`` §1.7).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xuehui.errors import Reason


@dataclass(frozen=True, slots=True)
class Subject:
    code: str
    name: str
    full_marks: Decimal
    pass_mark: Decimal
    decimal_places: int = 0  # 0: whole marks only; 1: half marks such as 72.5 allowed
    objective: bool = False  # machine-marked: re-checked only for 0 / absent / violation

    def __post_init__(self) -> None:
        if not Decimal(0) < self.full_marks or not Decimal(0) <= self.pass_mark <= self.full_marks:
            raise ValueError(f"subject {self.code}: need 0 < full marks and 0 <= pass mark <= full marks")
        if self.decimal_places < 0:
            raise ValueError("decimal_places must be >= 0")


def pass_mark_from_percent(full_marks: Decimal, percent: Decimal = Decimal(60)) -> Decimal:
    """The pass mark as a percentage of full marks (软考: 60 % of 75 is 45)."""
    return full_marks * percent / Decimal(100)


def check_score(score: Decimal, subject: Subject, field: str = "score") -> Reason | None:
    """Why a score cannot be stored for this subject, or None: range 0..full marks and decimal places."""
    if not score.is_finite() or score < 0 or score > subject.full_marks:
        return Reason(
            "score.out_of_range",
            f"成绩{score}超出范围（0～{subject.full_marks}）",
            f"score {score} is outside 0..{subject.full_marks}",
            field,
        )
    exponent = score.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > subject.decimal_places:
        allowed_zh = "整数" if subject.decimal_places == 0 else f"最多{subject.decimal_places}位小数"
        allowed_en = (
            "whole marks" if subject.decimal_places == 0 else f"at most {subject.decimal_places} decimal places"
        )
        return Reason(
            "score.decimals",
            f"科目{subject.code}成绩只允许{allowed_zh}，实际为{score}",
            f"subject {subject.code} allows {allowed_en}; got {score}",
            field,
        )
    return None


def is_pass(score: Decimal, subject: Subject) -> bool:
    """A subject is passed when the score reaches its pass mark."""
    return score >= subject.pass_mark
