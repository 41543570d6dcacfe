"""Rolling window (滚动管理): all required subjects passed within N consecutive exam years.

A pass is valid while ``current_exam_year - pass_year < N``; the candidate qualifies once every
required subject (minus exemptions) has a pass with ``max(year) - min(year) < N``
(``shared/reference/exam_domain.md`` §1.8). N is data per exam and candidate group (e.g. 4 years
for all subjects, 2 for exempt candidates; 1 means no rolling: everything in one sitting).
Years are *exam* years: a cancelled sitting can be handled by an extended window in the data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from exams.rules.subjects import Subject, is_pass
from exams.rules.violations import SubjectResult


@dataclass(frozen=True, slots=True)
class SubjectPass:
    subject_code: str
    exam_year: int


@dataclass(frozen=True, slots=True)
class RollingRule:
    required_subjects: frozenset[str]
    window_years: Mapping[str, int]  # candidate group -> N, e.g. {"full": 4, "exempt": 2}

    def window_for(self, group: str) -> int:
        if group not in self.window_years:
            raise ValueError(f"no rolling window configured for candidate group {group!r}")
        return self.window_years[group]


@dataclass(frozen=True, slots=True)
class RollingStatus:
    qualified: bool
    window: tuple[int, int] | None  # first and last exam year of the qualifying window
    required: frozenset[str]
    valid: frozenset[str]  # subjects with a pass still inside the window at `current_year`
    lapsed: tuple[SubjectPass, ...]  # passes too old to count at `current_year`
    missing: frozenset[str]  # required subjects without a valid pass


def rolling_status(
    passes: Iterable[SubjectPass],
    rule: RollingRule,
    group: str,
    current_year: int,
    exempt: frozenset[str] = frozenset(),
) -> RollingStatus:
    """Whether the candidate has qualified, and which passes still count in `current_year`."""
    n = rule.window_for(group)
    required = rule.required_subjects - exempt
    relevant = sorted((p for p in passes if p.subject_code in required), key=lambda p: (p.exam_year, p.subject_code))
    window: tuple[int, int] | None = None
    for start in sorted({p.exam_year for p in relevant}):
        inside = {p.subject_code for p in relevant if start <= p.exam_year < start + n}
        if inside >= required and required:
            last = max(p.exam_year for p in relevant if start <= p.exam_year < start + n)
            window = (start, last)
            break
    valid = frozenset(p.subject_code for p in relevant if 0 <= current_year - p.exam_year < n)
    lapsed = tuple(p for p in relevant if current_year - p.exam_year >= n and p.subject_code not in valid)
    return RollingStatus(
        qualified=window is not None,
        window=window,
        required=required,
        valid=valid,
        lapsed=lapsed,
        missing=required - valid if window is None else frozenset(),
    )


def passes_in_sitting(
    results: Iterable[SubjectResult], subjects: Mapping[str, Subject], exam_year: int
) -> list[SubjectPass]:
    """The subjects passed in one sitting: a score at or above the pass mark, not voided by a violation."""
    return [
        SubjectPass(r.subject_code, exam_year)
        for r in results
        if not r.void and r.score is not None and is_pass(r.score, subjects[r.subject_code])
    ]
