"""Award-committee outcomes against the cycle's caps, and the nomination KPIs.

Caps come from the cycle (F1): per (category, grade) counts (≤3 特等奖 per category, national
2025 [S19]), per-grade shares (一等奖 ≤15 % of a category, [S19]), per-category totals (最高奖 ≤2,
青年奖 ≤10, 国际合作 ≤5 [S5]) and combined caps (NS+TI+STP ≤300 [S5]; first prizes ≤35 [S14]).
Under 定标定额 ([S14], F8) an outcome may only confirm the nominated grade or not award it.

KPIs, over submitted nominations only (drafts are not counted):
* ``submitted``: nominations submitted;
* ``pass_rate``: passed formal review / formal review decided (pending ones left out);
* ``award_rate``: awarded / submitted.
These are the rates the eligibility adjustment reads (§1.3, [S10]).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from nominations.rules.cycle.model import CATEGORY_NAMES, GRADE_NAMES, Category, CycleConfig, Grade
from xuehui.errors import Reason


@dataclass(frozen=True, slots=True)
class Outcome:
    nomination_id: str
    category: Category
    nominated_grade: Grade
    awarded_grade: Grade | None  # None: not awarded


def _outcome_reasons(outcomes: list[Outcome], cycle: CycleConfig) -> list[Reason]:
    reasons = []
    for row, o in enumerate(outcomes):
        if o.awarded_grade is None:
            continue
        zh, en = CATEGORY_NAMES[o.category]
        if cycle.grade_rule(o.category, o.awarded_grade) is None:
            reasons.append(
                Reason(
                    "results.grade_invalid",
                    f"{zh}本周期不设{GRADE_NAMES[o.awarded_grade][0]}",
                    f"the {en} has no {GRADE_NAMES[o.awarded_grade][1]} this cycle",
                    "awarded_grade",
                    row=row,
                )
            )
        elif cycle.fixed_grade and o.awarded_grade != o.nominated_grade:
            reasons.append(
                Reason(
                    "results.grade_changed",
                    "定标定额：只能按提名等级授奖或不授奖",
                    "fixed grade: an award is made at the nominated grade or not at all",
                    "awarded_grade",
                    row=row,
                )
            )
    return reasons


def _over(code: str, zh_what: str, en_what: str, count: int, cap: int, field: str) -> Reason:
    return Reason(code, f"{zh_what}不得超过{cap}项，现为{count}项", f"{en_what}: at most {cap}, now {count}", field)


def _cap_reasons(counts: Counter[tuple[Category, Grade]], cycle: CycleConfig) -> list[Reason]:
    reasons = []
    per_category: Counter[Category] = Counter()
    for (category, _), n in counts.items():
        per_category[category] += n
    for category, rule in cycle.categories.items():
        zh, en = CATEGORY_NAMES[category]
        total = per_category[category]
        if rule.cap is not None and total > rule.cap:
            reasons.append(
                _over("results.category_cap_exceeded", zh, en, total, rule.cap, f"categories.{category.value}")
            )
        for grade, g in rule.grades.items():
            n = counts[(category, grade)]
            field = f"categories.{category.value}.grades.{grade.value}"
            gzh, gen = GRADE_NAMES[grade]
            if g.cap is not None and n > g.cap:
                reasons.append(_over("results.grade_cap_exceeded", f"{zh}{gzh}", f"{en} {gen}", n, g.cap, field))
            if g.max_share is not None and n > Fraction(str(g.max_share)) * total:
                reasons.append(
                    Reason(
                        "results.grade_share_exceeded",
                        f"{zh}{gzh}不得超过该奖种授奖数的{g.max_share:.0%}，现为{n}/{total}",
                        f"{en} {gen}: at most {g.max_share:.0%} of the category's awards, now {n}/{total}",
                        field,
                    )
                )
    for i, combined in enumerate(cycle.combined_caps):
        n = sum(
            count
            for (category, grade), count in counts.items()
            if category in combined.categories and (combined.grade is None or grade == combined.grade)
        )
        if n > combined.cap:
            reasons.append(
                _over(
                    "results.combined_cap_exceeded", combined.key, combined.key, n, combined.cap, f"combined_caps[{i}]"
                )
            )
    return reasons


def check_outcomes(outcomes: Iterable[Outcome], cycle: CycleConfig) -> list[Reason]:
    """Every way the proposed outcomes break the cycle's grade rules and caps (row = outcome index)."""
    listed = list(outcomes)
    counts: Counter[tuple[Category, Grade]] = Counter(
        (o.category, o.awarded_grade) for o in listed if o.awarded_grade is not None
    )
    return [*_outcome_reasons(listed, cycle), *_cap_reasons(counts, cycle)]


FormalReview = Literal["pending", "passed", "failed"]


@dataclass(frozen=True, slots=True)
class NominationRecord:
    nomination_id: str
    society_id: str
    submitted: bool
    formal_review: FormalReview = "pending"
    awarded: bool = False


@dataclass(frozen=True, slots=True)
class Kpis:
    submitted: int
    formal_review_decided: int
    formal_review_passed: int
    awarded: int

    @property
    def pass_rate(self) -> float | None:
        return self.formal_review_passed / self.formal_review_decided if self.formal_review_decided else None

    @property
    def award_rate(self) -> float | None:
        return self.awarded / self.submitted if self.submitted else None


def compute_kpis(records: Iterable[NominationRecord]) -> Kpis:
    submitted = decided = passed = awarded = 0
    for r in records:
        if not r.submitted:
            continue
        submitted += 1
        decided += r.formal_review != "pending"
        passed += r.formal_review == "passed"
        awarded += r.awarded
    return Kpis(submitted, decided, passed, awarded)


def kpis_by_society(records: Iterable[NominationRecord]) -> dict[str, Kpis]:
    grouped: dict[str, list[NominationRecord]] = {}
    for r in records:
        grouped.setdefault(r.society_id, []).append(r)
    return {society: compute_kpis(rs) for society, rs in grouped.items()}
