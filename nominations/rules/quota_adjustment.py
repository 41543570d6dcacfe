"""Dynamic eligibility adjustment of nominating societies (遴选和动态调整机制, F3).

Sources: the Shandong 2015 quality assessment — formal-review pass rate ≥90 % and award rate ≥
the average keep a unit's recommendations, units below either bar get a reduced quota ([S10],
§1.3); no violations in the last 5 years (MOST 2019 [S21], §3.1); false material suspends or
cancels the right to nominate (条例 Art 31 [S1]), faking material costs the next year ([S16]);
the pilot-project evaluation feeds the record (§3.4, F15: a client requirement, not a sourced
rule). The numbers are policy parameters stored per cycle.

The formula, for each society, evaluated ``as_of`` a date:

1. Barred (``may_nominate = False``, every quota 0) when any holds:
   a. a sanction is active: ``starts <= as_of`` and (``ends`` is None or ``as_of <= ends``);
   b. more than ``max_violations`` integrity violations dated in
      ``(as_of - violation_lookback_years, as_of]``.
2. Otherwise an adjustment ``delta`` (the same for every category) is summed from:
   a. record of the last cycle, only when ``submitted >= min_submitted_for_rates`` (else 0, "no
      record"), passed and awarded counted from the official results where imported:
      pass rate = passed formal review / submitted; award rate = awarded / submitted;
      the average award rate is pooled over every society given with a record
      (Σ awarded / Σ submitted). ``-pass_rate_penalty`` if the pass rate is below
      ``pass_rate_threshold``; ``-award_rate_penalty`` if the award rate is below the average;
      ``+good_record_bonus`` if both bars are met;
   b. ``-recent_sanction_penalty`` if a sanction ended within ``recent_sanction_years`` before
      ``as_of`` (a sanction feeds the next adjustment);
   c. ``evaluation_delta[grade]`` of the latest pilot evaluation on or before ``as_of`` and no
      older than ``evaluation_max_age_years`` (unknown grades count 0).
3. ``quota[c] = clamp(base_quota[c] + delta, 0, max_quota[c])``; a category whose base quota is
   0 stays 0 (the society was never given it).
4. ``may_nominate = sum(quota) > 0``.

Every figure carries its reasons: field ``may_nominate`` for bars, ``quota`` for adjustments that
apply to every category, ``quota.<category>`` for the base and the clamp of one category.
Rates are compared as exact fractions so that 9/10 meets a 0.90 threshold. One pass computes
the average, one pass the rows: linear in the number of societies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from pydantic import BaseModel, ConfigDict

from nominations.rules.cycle.model import CATEGORY_NAMES, Category, add_years
from xuehui.errors import Reason


class AdjustmentPolicy(BaseModel):
    """The parameters of one cycle's adjustment; stored as JSON with the cycle."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # CAST default 2 per society for the three big awards and ≤2 最高奖 ([S27]); 青年奖 1 ([S45]).
    base_quota: dict[Category, int] = {
        Category.NATURAL_SCIENCE: 2,
        Category.TECHNOLOGICAL_INVENTION: 2,
        Category.PROGRESS: 2,
        Category.TOP: 1,
        Category.INTERNATIONAL_COOPERATION: 1,
        Category.YOUTH_SCIENCE: 1,
    }
    max_quota: dict[Category, int] = {}  # no entry: no upper bound
    pass_rate_threshold: float = 0.90
    min_submitted_for_rates: int = 1
    pass_rate_penalty: int = 1
    award_rate_penalty: int = 1
    good_record_bonus: int = 1
    violation_lookback_years: int = 5
    max_violations: int = 0
    recent_sanction_years: int = 1
    recent_sanction_penalty: int = 1
    evaluation_delta: dict[str, int] = {"excellent": 1, "good": 0, "qualified": 0, "unqualified": -1}
    evaluation_max_age_years: int = 3
    # Days after publication in which a society may object to its row (a 7-day notice, as the
    # award notices use; an assumed default, set per cycle).
    objection_days: int = 7


def validate_policy(policy: AdjustmentPolicy) -> list[Reason]:
    """Every out-of-range parameter (empty when the policy can be run)."""
    reasons = []
    if not 0 <= policy.pass_rate_threshold <= 1:
        reasons.append(
            Reason(
                "adjustment.policy_range",
                "通过率阈值应在0到1之间",
                "the pass-rate threshold lies in 0..1",
                "pass_rate_threshold",
            )
        )
    counts = {
        **{f"base_quota.{c.value}": q for c, q in policy.base_quota.items()},
        **{f"max_quota.{c.value}": q for c, q in policy.max_quota.items()},
        **{
            name: getattr(policy, name)
            for name in (
                "min_submitted_for_rates",
                "pass_rate_penalty",
                "award_rate_penalty",
                "good_record_bonus",
                "violation_lookback_years",
                "max_violations",
                "recent_sanction_years",
                "recent_sanction_penalty",
                "evaluation_max_age_years",
                "objection_days",
            )
        },
    }
    for name, value in counts.items():
        if value < 0:
            reasons.append(Reason("adjustment.policy_negative", "不能为负数", "must not be negative", name))
    return reasons


@dataclass(frozen=True, slots=True)
class Sanction:
    kind: str  # e.g. "false_material", "lobbying"
    starts: dt.date
    ends: dt.date | None = None  # None: until lifted


@dataclass(frozen=True, slots=True)
class PilotEvaluation:
    evaluated_on: dt.date
    grade: str  # a key of AdjustmentPolicy.evaluation_delta, e.g. "excellent"


@dataclass(frozen=True, slots=True)
class SocietyStats:
    """A society's record; counts are those of the last completed cycle."""

    society_id: str
    submitted: int = 0
    passed_formal_review: int = 0
    awarded: int = 0
    violations: tuple[dt.date, ...] = ()
    sanctions: tuple[Sanction, ...] = ()
    evaluations: tuple[PilotEvaluation, ...] = ()
    official: bool = False  # passed and awarded counted from the provincial official results


@dataclass(frozen=True, slots=True)
class ProposedRow:
    society_id: str
    may_nominate: bool
    quota: Mapping[Category, int]
    reasons: tuple[Reason, ...]
    pass_rate: float | None = None
    award_rate: float | None = None
    average_award_rate: float | None = None
    delta: int = 0  # the adjustment added to every non-zero base quota


def _pct(rate: Fraction) -> str:
    return f"{float(rate) * 100:.1f}%"


def average_award_rate(policy: AdjustmentPolicy, stats: Iterable[SocietyStats]) -> Fraction | None:
    """Σ awarded / Σ submitted over societies with a record; None when nobody has one."""
    awarded = submitted = 0
    for s in stats:
        if s.submitted >= max(policy.min_submitted_for_rates, 1):
            awarded += s.awarded
            submitted += s.submitted
    return Fraction(awarded, submitted) if submitted else None


def _bars(policy: AdjustmentPolicy, s: SocietyStats, as_of: dt.date) -> list[Reason]:
    reasons = []
    for sanction in s.sanctions:
        if sanction.starts <= as_of and (sanction.ends is None or as_of <= sanction.ends):
            until_zh = f"至{sanction.ends}" if sanction.ends else "至解除"
            until_en = f"until {sanction.ends}" if sanction.ends else "until lifted"
            reasons.append(
                Reason(
                    "adjustment.sanction_active",
                    f"处分（{sanction.kind}）生效中，暂停提名资格{until_zh}",
                    f"sanction ({sanction.kind}) in force: nominating suspended {until_en}",
                    "may_nominate",
                )
            )
    since = add_years(as_of, -policy.violation_lookback_years)
    recent = sum(1 for day in s.violations if since < day <= as_of)
    if recent > policy.max_violations:
        reasons.append(
            Reason(
                "adjustment.integrity_violations",
                f"近{policy.violation_lookback_years}年有{recent}次违规失信记录",
                f"{recent} integrity violation(s) in the last {policy.violation_lookback_years} years",
                "may_nominate",
            )
        )
    return reasons


def _record_delta(policy: AdjustmentPolicy, s: SocietyStats, average: Fraction | None) -> tuple[int, list[Reason]]:
    if s.submitted < max(policy.min_submitted_for_rates, 1) or average is None:
        return 0, [
            Reason(
                "adjustment.no_record",
                "上一周期提名数量不足，不按通过率和获奖率调整",
                "too few nominations last cycle to adjust by pass and award rates",
                "quota",
            )
        ]
    delta, reasons = 0, []
    if s.official:
        reasons.append(
            Reason(
                "adjustment.official_results",
                "通过率和获奖率依据省级评审结果计算",
                "pass and award rates are counted from the provincial official results",
                "quota",
            )
        )
    pass_rate = Fraction(s.passed_formal_review, s.submitted)
    award_rate = Fraction(s.awarded, s.submitted)
    threshold = Fraction(str(policy.pass_rate_threshold))
    pass_ok, award_ok = pass_rate >= threshold, award_rate >= average
    if not pass_ok:
        delta -= policy.pass_rate_penalty
        reasons.append(
            Reason(
                "adjustment.pass_rate_low",
                f"形式审查通过率{_pct(pass_rate)}低于{_pct(threshold)}，名额减{policy.pass_rate_penalty}",
                f"formal-review pass rate {_pct(pass_rate)} below {_pct(threshold)}: quota -{policy.pass_rate_penalty}",
                "quota",
            )
        )
    if not award_ok:
        delta -= policy.award_rate_penalty
        reasons.append(
            Reason(
                "adjustment.award_rate_low",
                f"获奖率{_pct(award_rate)}低于平均{_pct(average)}，名额减{policy.award_rate_penalty}",
                f"award rate {_pct(award_rate)} below the average {_pct(average)}: quota -{policy.award_rate_penalty}",
                "quota",
            )
        )
    if pass_ok and award_ok:
        delta += policy.good_record_bonus
        reasons.append(
            Reason(
                "adjustment.good_record",
                f"通过率{_pct(pass_rate)}且获奖率{_pct(award_rate)}不低于平均{_pct(average)}，"
                f"名额加{policy.good_record_bonus}",
                f"pass rate {_pct(pass_rate)} and award rate {_pct(award_rate)} at or above the average "
                f"{_pct(average)}: quota +{policy.good_record_bonus}",
                "quota",
            )
        )
    return delta, reasons


def _history_delta(policy: AdjustmentPolicy, s: SocietyStats, as_of: dt.date) -> tuple[int, list[Reason]]:
    delta, reasons = 0, []
    since = add_years(as_of, -policy.recent_sanction_years)
    if any(x.ends is not None and since <= x.ends < as_of for x in s.sanctions):
        delta -= policy.recent_sanction_penalty
        reasons.append(
            Reason(
                "adjustment.recent_sanction",
                f"近{policy.recent_sanction_years}年内受过处分，名额减{policy.recent_sanction_penalty}",
                f"sanctioned within the last {policy.recent_sanction_years} year(s): "
                f"quota -{policy.recent_sanction_penalty}",
                "quota",
            )
        )
    oldest = add_years(as_of, -policy.evaluation_max_age_years)
    current = [e for e in s.evaluations if oldest <= e.evaluated_on <= as_of]
    if current:
        latest = max(current, key=lambda e: e.evaluated_on)
        step = policy.evaluation_delta.get(latest.grade, 0)
        delta += step
        reasons.append(
            Reason(
                "adjustment.pilot_evaluation",
                f"最近一次第三方评估（{latest.evaluated_on}）等级为{latest.grade}，名额{step:+d}",
                f"latest third-party evaluation ({latest.evaluated_on}) graded {latest.grade}: quota {step:+d}",
                "quota",
            )
        )
    return delta, reasons


def _quotas(policy: AdjustmentPolicy, delta: int) -> tuple[dict[Category, int], list[Reason]]:
    quota, reasons = {}, []
    for category, base in policy.base_quota.items():
        zh, en = CATEGORY_NAMES[category]
        field_name = f"quota.{category.value}"
        reasons.append(Reason("adjustment.base_quota", f"{zh}基础名额{base}", f"{en}: base quota {base}", field_name))
        if base <= 0:
            quota[category] = 0
            continue
        upper = policy.max_quota.get(category)
        value = max(0, base + delta)
        if upper is not None:
            value = min(value, upper)
        if value != base + delta:
            reasons.append(
                Reason(
                    "adjustment.clamped",
                    f"{zh}名额限定在0到{'不限' if upper is None else upper}之间，取{value}",
                    f"{en}: quota kept within 0..{'no limit' if upper is None else upper}, set to {value}",
                    field_name,
                )
            )
        quota[category] = value
    return quota, reasons


def _row(policy: AdjustmentPolicy, s: SocietyStats, as_of: dt.date, average: Fraction | None) -> ProposedRow:
    pass_rate = s.passed_formal_review / s.submitted if s.submitted else None
    award_rate = s.awarded / s.submitted if s.submitted else None
    average_rate = None if average is None else float(average)
    bars = _bars(policy, s, as_of)
    if bars:
        zero = dict.fromkeys(policy.base_quota, 0)
        return ProposedRow(s.society_id, False, zero, tuple(bars), pass_rate, award_rate, average_rate)
    record_delta, record_reasons = _record_delta(policy, s, average)
    history_delta, history_reasons = _history_delta(policy, s, as_of)
    delta = record_delta + history_delta
    quota, quota_reasons = _quotas(policy, delta)
    reasons = [*record_reasons, *history_reasons, *quota_reasons]
    may_nominate = sum(quota.values()) > 0
    if not may_nominate:
        reasons.append(
            Reason(
                "adjustment.no_quota", "调整后没有提名名额", "no nominating quota left after adjustment", "may_nominate"
            )
        )
    return ProposedRow(s.society_id, may_nominate, quota, tuple(reasons), pass_rate, award_rate, average_rate, delta)


def propose(policy: AdjustmentPolicy, society_stats: list[SocietyStats], as_of: dt.date) -> list[ProposedRow]:
    """The proposed table, one row per society in the given order (see the module docstring)."""
    average = average_award_rate(policy, society_stats)
    return [_row(policy, s, as_of, average) for s in society_stats]
