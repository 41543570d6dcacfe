"""Review forms, validation of a filled review, and aggregation of reviews per item.

Normalisation (per-expert z-scores, as Evalato does): each expert's totals become
z = (total - expert mean) / expert standard deviation (population sd), so a harsh or lenient
expert does not decide an item's place. An expert with a single review or with all-equal totals
has no scale of their own; their totals are standardised with the pooled mean and sd of all
reviews instead, so they still count, on the common scale. If every total is equal, every z is 0.
An item's normalised mean is the mean of its z-scores, reported also on the raw scale as
pooled mean + pooled sd x z-mean so users read familiar numbers.

Ranking: within each (category, grade) group by normalised mean (or raw mean), competition
ranking (1, 2, 2, 4); equal scores share a rank and are reported as ties, never broken silently.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from xuehui.errors import Reason

TIE_DECIMALS = 9  # totals equal to 9 decimals are a tie (float sums of weighted criteria)


@dataclass(frozen=True, slots=True)
class Criterion:
    code: str
    name_zh: str
    name_en: str
    weight: float
    min_score: float
    max_score: float
    step: float | None = None  # e.g. 1 for whole points, 0.5 for half points; None = any number


@dataclass(frozen=True, slots=True)
class ReviewForm:
    criteria: tuple[Criterion, ...]

    @property
    def max_total(self) -> float:
        return sum(c.weight * c.max_score for c in self.criteria)


def validate_form(form: ReviewForm) -> list[Reason]:
    reasons = []
    codes = [c.code for c in form.criteria]
    if len(set(codes)) != len(codes):
        reasons.append(Reason("duplicate_criterion", "评分指标代码重复", "criterion codes repeat"))
    for c in form.criteria:
        if not (c.weight > 0 and c.min_score < c.max_score):
            reasons.append(
                Reason(
                    "bad_criterion",
                    f"评分指标 {c.code} 的权重须为正数且最低分须小于最高分",
                    f"criterion {c.code} needs a positive weight and a minimum below its maximum",
                    field=c.code,
                )
            )
    return reasons


def _off_step(steps: float) -> bool:
    return abs(steps - round(steps)) > 1e-9


def validate_review(form: ReviewForm, scores: Mapping[str, float]) -> list[Reason]:
    """Every problem with a filled review: missing, unknown, non-numeric, out of range, off-step."""
    reasons = []
    known = {c.code for c in form.criteria}
    for code in sorted(set(scores) - known):
        reasons.append(Reason("unknown_criterion", f"未知的评分指标：{code}", f"unknown criterion: {code}", field=code))
    for c in form.criteria:
        if c.code not in scores:
            reasons.append(Reason("score_missing", f"请为“{c.name_zh}”打分", f"score “{c.name_en}”", field=c.code))
            continue
        value = scores[c.code]
        if not math.isfinite(value) or not c.min_score <= value <= c.max_score:
            reasons.append(
                Reason(
                    "score_out_of_range",
                    f"“{c.name_zh}”的分数须在 {c.min_score:g} 到 {c.max_score:g} 之间",
                    f"“{c.name_en}” must be between {c.min_score:g} and {c.max_score:g}",
                    field=c.code,
                )
            )
        elif c.step is not None and _off_step((value - c.min_score) / c.step):
            reasons.append(
                Reason(
                    "score_off_step",
                    f"“{c.name_zh}”的分数须以 {c.step:g} 为单位",
                    f"“{c.name_en}” must be given in steps of {c.step:g}",
                    field=c.code,
                )
            )
    return reasons


def weighted_total(form: ReviewForm, scores: Mapping[str, float]) -> float:
    """The review's total: sum of weight x score (validate first)."""
    return sum(c.weight * scores[c.code] for c in form.criteria)


@dataclass(frozen=True, slots=True)
class Review:
    item_id: str
    expert_id: str
    total: float


@dataclass(frozen=True, slots=True)
class ItemScore:
    item_id: str
    reviews: int
    raw_mean: float
    normalised_mean: float  # mean z-score
    normalised_on_raw_scale: float


def _mean_sd(values: Sequence[float]) -> tuple[float, float]:
    mean = sum(values) / len(values)
    # Equal scores have no spread; rounding in the mean must not invent one (it would turn
    # identical scores into z = -1 or +1).
    if max(values) - min(values) <= 1e-9 * max(1.0, abs(mean)):
        return mean, 0.0
    return mean, math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def aggregate(reviews: Sequence[Review]) -> dict[str, ItemScore]:
    """Raw and per-expert normalised means per item (see the module docstring for the edge cases)."""
    if not reviews:
        return {}
    pooled_mean, pooled_sd = _mean_sd([r.total for r in reviews])
    by_expert: dict[str, list[float]] = defaultdict(list)
    for r in reviews:
        by_expert[r.expert_id].append(r.total)
    scale: dict[str, tuple[float, float]] = {}
    for expert, totals in by_expert.items():
        mean, sd = _mean_sd(totals)
        scale[expert] = (mean, sd) if len(totals) >= 2 and sd > 0 else (pooled_mean, pooled_sd)
    raw: dict[str, list[float]] = defaultdict(list)
    z: dict[str, list[float]] = defaultdict(list)
    for r in reviews:
        mean, sd = scale[r.expert_id]
        raw[r.item_id].append(r.total)
        z[r.item_id].append((r.total - mean) / sd if sd > 0 else 0.0)
    result = {}
    for item, totals in raw.items():
        z_mean = sum(z[item]) / len(z[item])
        result[item] = ItemScore(item, len(totals), sum(totals) / len(totals), z_mean, pooled_mean + pooled_sd * z_mean)
    return result


@dataclass(frozen=True, slots=True)
class Ranked:
    item_id: str
    group: tuple[str, str]  # (category, grade)
    rank: int
    score: float
    tied_with: tuple[str, ...]  # other items of the group with the same score


def rank_in_groups(
    scores: Mapping[str, ItemScore],
    groups: Mapping[str, tuple[str, str]],
    by: Literal["normalised", "raw"] = "normalised",
) -> list[Ranked]:
    """Competition ranking inside each (category, grade) group, ties reported. Sorted by group, rank."""
    members: dict[tuple[str, str], list[tuple[float, str]]] = defaultdict(list)
    for item, group in groups.items():
        if item in scores:
            value = scores[item].normalised_mean if by == "normalised" else scores[item].raw_mean
            members[group].append((round(value, TIE_DECIMALS), item))
    ranked = []
    for group in sorted(members):
        entries = sorted(members[group], key=lambda e: (-e[0], e[1]))
        same: dict[float, list[str]] = defaultdict(list)
        for value, item in entries:
            same[value].append(item)
        first_place: dict[float, int] = {}
        for place, (value, item) in enumerate(entries, start=1):
            rank = first_place.setdefault(value, place)  # equal scores share the first place they reach
            ranked.append(Ranked(item, group, rank, value, tuple(i for i in same[value] if i != item)))
    return ranked
