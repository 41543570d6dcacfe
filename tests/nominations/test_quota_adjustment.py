"""Dynamic eligibility adjustment: bars, rate adjustments, history, clamps."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nominations.rules.cycle.model import Category
from nominations.rules.quota_adjustment import (
    AdjustmentPolicy,
    PilotEvaluation,
    ProposedRow,
    Sanction,
    SocietyStats,
    average_award_rate,
    propose,
    validate_policy,
)
from xuehui.errors import Reason

AS_OF = dt.date(2026, 1, 15)
POLICY = AdjustmentPolicy(base_quota={Category.PROGRESS: 2, Category.NATURAL_SCIENCE: 2, Category.TOP: 0})
# the pool average of `peer` and `good` below: 5 awards of 20 submitted = 25 %
PEER = SocietyStats("peer", submitted=10, passed_formal_review=10, awarded=1)


def good(society_id: str = "good", **changes: Any) -> SocietyStats:
    return replace(SocietyStats(society_id, submitted=10, passed_formal_review=9, awarded=4), **changes)


def row_for(
    stats: SocietyStats, others: list[SocietyStats] | None = None, policy: AdjustmentPolicy = POLICY
) -> ProposedRow:
    rows = propose(policy, [stats, *(others if others is not None else [PEER])], AS_OF)
    return rows[0]


def codes(row: ProposedRow) -> list[str]:
    return [r.code for r in row.reasons]


def test_good_record_gets_the_bonus() -> None:
    row = row_for(good())
    assert row.may_nominate
    assert row.quota == {Category.PROGRESS: 3, Category.NATURAL_SCIENCE: 3, Category.TOP: 0}
    assert (row.pass_rate, row.award_rate, row.average_award_rate, row.delta) == (0.9, 0.4, 0.25, 1)
    assert row.reasons[0] == Reason(
        "adjustment.good_record",
        "通过率90.0%且获奖率40.0%不低于平均25.0%，名额加1",
        "pass rate 90.0% and award rate 40.0% at or above the average 25.0%: quota +1",
        "quota",
    )
    assert codes(row) == [
        "adjustment.good_record",
        "adjustment.base_quota",
        "adjustment.base_quota",
        "adjustment.base_quota",
    ]
    assert [r.field for r in row.reasons[1:]] == ["quota.progress", "quota.natural_science", "quota.top"]


def test_pass_rate_just_below_threshold() -> None:
    row = row_for(good(passed_formal_review=8))  # 80 % < 90 %
    assert codes(row)[0] == "adjustment.pass_rate_low"
    assert row.quota[Category.PROGRESS] == 1
    assert row.delta == -1


def test_pass_rate_exactly_at_threshold_with_awkward_fractions() -> None:
    row = row_for(good(submitted=30, passed_formal_review=27, awarded=12))
    assert codes(row)[0] == "adjustment.good_record"


def test_award_rate_exactly_at_and_below_the_average() -> None:
    at_average = SocietyStats("a", submitted=4, passed_formal_review=4, awarded=1)
    rows = propose(POLICY, [at_average, PEER, SocietyStats("c", submitted=6, passed_formal_review=6, awarded=2)], AS_OF)
    # pool: 4 awards / 20 submitted = 20 %; "a" has 25 %, PEER 10 %, "c" 33 %
    assert [r.award_rate for r in rows] == [0.25, 0.1, 2 / 6]
    assert [r.delta for r in rows] == [1, -1, 1]
    equal = propose(POLICY, [at_average, SocietyStats("b", submitted=4, passed_formal_review=4, awarded=1)], AS_OF)
    assert [r.delta for r in equal] == [1, 1]


def test_both_bars_missed() -> None:
    row = row_for(good(passed_formal_review=5, awarded=0))
    assert codes(row)[:2] == ["adjustment.pass_rate_low", "adjustment.award_rate_low"]
    assert row.quota == {Category.PROGRESS: 0, Category.NATURAL_SCIENCE: 0, Category.TOP: 0}
    assert not row.may_nominate
    assert codes(row)[-1] == "adjustment.no_quota"


def test_no_record_keeps_the_base_quota() -> None:
    row = row_for(SocietyStats("new"))
    assert row.quota[Category.PROGRESS] == 2
    assert codes(row)[0] == "adjustment.no_record"
    assert (row.pass_rate, row.award_rate) == (None, None)
    alone = propose(POLICY, [SocietyStats("new")], AS_OF)[0]
    assert alone.average_award_rate is None
    assert alone.quota[Category.PROGRESS] == 2


def test_minimum_submissions_for_rates() -> None:
    policy = POLICY.model_copy(update={"min_submitted_for_rates": 3})
    row = row_for(good(submitted=2, passed_formal_review=0, awarded=0), policy=policy)
    assert codes(row)[0] == "adjustment.no_record"
    assert average_award_rate(policy, [good(submitted=2), PEER]) == Fraction(1, 10)


def test_active_sanction_bars_at_once_and_reports_its_end() -> None:
    ends = dt.date(2026, 12, 31)
    row = row_for(good(sanctions=(Sanction("false_material", dt.date(2026, 1, 15), ends),)))
    assert not row.may_nominate
    assert row.quota == {Category.PROGRESS: 0, Category.NATURAL_SCIENCE: 0, Category.TOP: 0}
    assert row.reasons == (
        Reason(
            "adjustment.sanction_active",
            "处分（false_material）生效中，暂停提名资格至2026-12-31",
            "sanction (false_material) in force: nominating suspended until 2026-12-31",
            "may_nominate",
        ),
    )


def test_sanction_boundaries() -> None:
    ends_today = row_for(good(sanctions=(Sanction("lobbying", dt.date(2025, 1, 1), AS_OF),)))
    assert codes(ends_today) == ["adjustment.sanction_active"]
    open_ended = row_for(good(sanctions=(Sanction("lobbying", dt.date(2025, 1, 1)),)))
    assert "until lifted" in open_ended.reasons[0].en
    future = row_for(good(sanctions=(Sanction("lobbying", AS_OF + dt.timedelta(days=1)),)))
    assert future.may_nominate


def test_recently_ended_sanction_feeds_the_next_adjustment() -> None:
    ended_yesterday = good(sanctions=(Sanction("lobbying", dt.date(2025, 1, 1), AS_OF - dt.timedelta(days=1)),))
    row = row_for(ended_yesterday)
    assert codes(row)[:2] == ["adjustment.good_record", "adjustment.recent_sanction"]
    assert row.delta == 0
    ended_a_year_ago = good(sanctions=(Sanction("lobbying", dt.date(2024, 1, 1), dt.date(2025, 1, 15)),))
    assert codes(row_for(ended_a_year_ago))[1] == "adjustment.recent_sanction"
    ended_earlier = good(sanctions=(Sanction("lobbying", dt.date(2024, 1, 1), dt.date(2025, 1, 14)),))
    assert row_for(ended_earlier).delta == 1


def test_violations_look_back_five_years() -> None:
    inside = row_for(good(violations=(dt.date(2021, 1, 16),)))
    assert codes(inside) == ["adjustment.integrity_violations"]
    assert inside.reasons[0].en == "1 integrity violation(s) in the last 5 years"
    exactly_five_years = row_for(good(violations=(dt.date(2021, 1, 15),)))
    assert exactly_five_years.may_nominate
    tolerant = POLICY.model_copy(update={"max_violations": 1})
    assert row_for(good(violations=(dt.date(2025, 1, 1),)), policy=tolerant).may_nominate
    assert not row_for(good(violations=(dt.date(2025, 1, 1), dt.date(2025, 6, 1))), policy=tolerant).may_nominate


def test_latest_pilot_evaluation_counts() -> None:
    evaluations = (
        PilotEvaluation(dt.date(2024, 6, 1), "excellent"),
        PilotEvaluation(dt.date(2025, 6, 1), "unqualified"),
        PilotEvaluation(dt.date(2026, 6, 1), "excellent"),  # after as_of: ignored
    )
    row = row_for(good(evaluations=evaluations))
    assert codes(row)[:2] == ["adjustment.good_record", "adjustment.pilot_evaluation"]
    assert row.reasons[1].en == "latest third-party evaluation (2025-06-01) graded unqualified: quota -1"
    assert row.delta == 0
    stale = row_for(good(evaluations=(PilotEvaluation(dt.date(2023, 1, 14), "excellent"),)))
    assert stale.delta == 1
    unknown = row_for(good(evaluations=(PilotEvaluation(dt.date(2025, 1, 1), "A+"),)))
    assert unknown.delta == 1


def test_max_quota_clamps_and_says_so() -> None:
    policy = POLICY.model_copy(update={"max_quota": {Category.PROGRESS: 2}})
    row = row_for(good(), policy=policy)
    assert row.quota[Category.PROGRESS] == 2
    assert row.quota[Category.NATURAL_SCIENCE] == 3
    clamp = [r for r in row.reasons if r.code == "adjustment.clamped"]
    assert clamp == [
        Reason(
            "adjustment.clamped",
            "科学技术进步奖名额限定在0到2之间，取2",
            "Science and Technology Progress Award: quota kept within 0..2, set to 2",
            "quota.progress",
        )
    ]


def test_policy_round_trips_through_json() -> None:
    assert AdjustmentPolicy.model_validate_json(POLICY.model_dump_json()) == POLICY
    assert AdjustmentPolicy().pass_rate_threshold == 0.90
    assert AdjustmentPolicy().base_quota[Category.PROGRESS] == 2


stats_strategy = st.builds(
    lambda submitted, passed, awarded, violations, evaluation: SocietyStats(
        "s",
        submitted=submitted,
        passed_formal_review=min(passed, submitted),
        awarded=min(awarded, submitted),
        violations=tuple(dt.date(2020, 1, 1) + dt.timedelta(days=d) for d in violations),
        evaluations=(PilotEvaluation(dt.date(2025, 1, 1), evaluation),),
    ),
    st.integers(0, 30),
    st.integers(0, 30),
    st.integers(0, 30),
    st.lists(st.integers(0, 3000), max_size=2),
    st.sampled_from(["excellent", "good", "qualified", "unqualified", "?"]),
)


@given(
    st.lists(stats_strategy, min_size=1, max_size=20),
    st.integers(0, 5),
    st.integers(0, 5),
    st.integers(0, 5),
)
def test_quota_is_never_negative_and_bars_zero_everything(
    societies: list[SocietyStats], base: int, penalty: int, bonus: int
) -> None:
    policy = AdjustmentPolicy(
        base_quota=dict.fromkeys(Category, base),
        pass_rate_penalty=penalty,
        award_rate_penalty=penalty,
        good_record_bonus=bonus,
    )
    rows = propose(policy, societies, AS_OF)
    assert len(rows) == len(societies)
    for row in rows:
        assert all(q >= 0 for q in row.quota.values())
        assert row.may_nominate == (sum(row.quota.values()) > 0)
        assert set(row.quota) == set(Category)
        assert all(q <= base + bonus + 1 for q in row.quota.values())


def test_three_hundred_societies_is_quick() -> None:
    societies = [
        SocietyStats(
            f"s{i}",
            submitted=i % 12,
            passed_formal_review=(i % 12) * 9 // 10,
            awarded=i % 4,
            violations=(dt.date(2022, 1, 1),) if i % 50 == 0 else (),
            sanctions=(Sanction("lobbying", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),) if i % 30 == 0 else (),
            evaluations=(PilotEvaluation(dt.date(2025, 3, 1), "excellent"),),
        )
        for i in range(300)
    ]
    started = time.perf_counter()
    rows = propose(AdjustmentPolicy(), societies, AS_OF)
    assert time.perf_counter() - started < 1.0
    assert [r.society_id for r in rows] == [s.society_id for s in societies]
    barred = [r.society_id for r in rows if "adjustment.integrity_violations" in codes(r)]
    assert barred == ["s0", "s50", "s100", "s150", "s200", "s250"]


def test_validate_policy() -> None:
    assert validate_policy(AdjustmentPolicy()) == []
    bad = AdjustmentPolicy(
        base_quota={Category.PROGRESS: -1},
        max_quota={Category.TOP: -2},
        pass_rate_threshold=1.2,
        recent_sanction_penalty=-1,
    )
    assert [(r.code, r.field) for r in validate_policy(bad)] == [
        ("adjustment.policy_range", "pass_rate_threshold"),
        ("adjustment.policy_negative", "base_quota.progress"),
        ("adjustment.policy_negative", "max_quota.top"),
        ("adjustment.policy_negative", "recent_sanction_penalty"),
    ]
