"""Award-committee outcomes against the caps, and the KPIs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import Category, CombinedCap, Grade
from nominations.rules.results import (
    FormalReview,
    Kpis,
    NominationRecord,
    Outcome,
    check_outcomes,
    compute_kpis,
    kpis_by_society,
)
from xuehui.errors import Reason

CYCLE = default_cycle(2026)
NS, TI, STP = Category.NATURAL_SCIENCE, Category.TECHNOLOGICAL_INVENTION, Category.PROGRESS


def awards(category: Category, grade: Grade | None, count: int, start: int = 0) -> list[Outcome]:
    nominated = grade if grade is not None else Grade.SECOND
    return [Outcome(f"{category.value}-{start + i}", category, nominated, grade) for i in range(count)]


def test_special_prize_cap_exactly_and_one_over() -> None:
    assert check_outcomes(awards(STP, Grade.SPECIAL, 3), CYCLE) == []
    assert check_outcomes(awards(STP, Grade.SPECIAL, 4), CYCLE) == [
        Reason(
            "results.grade_cap_exceeded",
            "科学技术进步奖特等奖不得超过3项，现为4项",
            "Science and Technology Progress Award special prize: at most 3, now 4",
            "categories.progress.grades.special",
        )
    ]


def test_unawarded_outcomes_do_not_count() -> None:
    assert check_outcomes(awards(STP, Grade.SPECIAL, 3) + awards(STP, None, 50, start=3), CYCLE) == []


def test_person_award_category_cap() -> None:
    assert check_outcomes(awards(Category.TOP, Grade.UNGRADED, 2), CYCLE) == []
    reasons = check_outcomes(awards(Category.TOP, Grade.UNGRADED, 3), CYCLE)
    assert [(r.code, r.field) for r in reasons] == [("results.category_cap_exceeded", "categories.top")]


def test_combined_caps() -> None:
    firsts = awards(NS, Grade.FIRST, 12) + awards(TI, Grade.FIRST, 12) + awards(STP, Grade.FIRST, 11)
    assert check_outcomes(firsts, CYCLE) == []
    reasons = check_outcomes([*firsts, *awards(STP, Grade.FIRST, 1, start=99)], CYCLE)
    assert reasons == [
        Reason(
            "results.combined_cap_exceeded",
            "first_prizes_total不得超过35项，现为36项",
            "first_prizes_total: at most 35, now 36",
            "combined_caps[1]",
        )
    ]
    total = awards(NS, Grade.SECOND, 100) + awards(TI, Grade.SECOND, 100) + awards(STP, Grade.SECOND, 101)
    assert [r.field for r in check_outcomes(total, CYCLE)] == ["combined_caps[0]"]


def test_grade_share_cap() -> None:
    stp = CYCLE.categories[STP]
    first = stp.grades[Grade.FIRST].model_copy(update={"max_share": 0.15})
    cycle = CYCLE.model_copy(
        update={
            "categories": {
                **CYCLE.categories,
                STP: stp.model_copy(update={"grades": {**stp.grades, Grade.FIRST: first}}),
            },
            "combined_caps": (),
        }
    )
    at_share = awards(STP, Grade.FIRST, 3) + awards(STP, Grade.SECOND, 17, start=3)  # 3/20 = 15 %
    assert check_outcomes(at_share, cycle) == []
    over = awards(STP, Grade.FIRST, 3) + awards(STP, Grade.SECOND, 16, start=3)  # 3/19
    reasons = check_outcomes(over, cycle)
    assert [(r.code, r.en) for r in reasons] == [
        (
            "results.grade_share_exceeded",
            "Science and Technology Progress Award first prize: at most 15% of the category's awards, now 3/19",
        )
    ]


def test_fixed_grade_and_grades_not_in_the_cycle() -> None:
    outcomes = [
        Outcome("a", STP, Grade.FIRST, Grade.SECOND),  # downgraded: refused under 定标定额
        Outcome("b", STP, Grade.SECOND, Grade.THIRD),  # no third prize this year
        Outcome("c", STP, Grade.FIRST, None),  # not awarded: fine
    ]
    reasons = check_outcomes(outcomes, CYCLE)
    assert [(r.code, r.row) for r in reasons] == [("results.grade_changed", 0), ("results.grade_invalid", 1)]
    flexible = CYCLE.model_copy(update={"fixed_grade": False})
    assert [r.code for r in check_outcomes(outcomes, flexible)] == ["results.grade_invalid"]


def test_combined_cap_for_one_grade_ignores_others() -> None:
    cycle = CYCLE.model_copy(
        update={"combined_caps": (CombinedCap(key="special", categories=(NS, TI), cap=1, grade=Grade.SPECIAL),)}
    )
    assert check_outcomes(awards(NS, Grade.SPECIAL, 1) + awards(TI, Grade.FIRST, 5), cycle) == []
    assert len(check_outcomes(awards(NS, Grade.SPECIAL, 1) + awards(TI, Grade.SPECIAL, 1), cycle)) == 1


def record(
    i: int, submitted: bool = True, review: FormalReview = "passed", awarded: bool = False, society: str = "s"
) -> NominationRecord:
    return NominationRecord(f"n{i}", society, submitted, review, awarded)


def test_kpis() -> None:
    records = [
        record(1, awarded=True),
        record(2),
        record(3, review="failed"),
        record(4, review="pending"),
        record(5, submitted=False, review="pending"),  # a draft: not counted
    ]
    kpis = compute_kpis(records)
    assert kpis == Kpis(submitted=4, formal_review_decided=3, formal_review_passed=2, awarded=1)
    assert kpis.pass_rate == 2 / 3
    assert kpis.award_rate == 0.25


def test_kpis_without_records() -> None:
    empty = compute_kpis([])
    assert empty == Kpis(0, 0, 0, 0)
    assert (empty.pass_rate, empty.award_rate) == (None, None)


def test_kpis_by_society() -> None:
    records = [record(1, society="a", awarded=True), record(2, society="b", review="failed"), record(3, society="a")]
    assert kpis_by_society(records) == {"a": Kpis(2, 2, 2, 1), "b": Kpis(1, 1, 0, 0)}


@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["pending", "passed", "failed"]), st.booleans())))
def test_rates_are_between_zero_and_one(rows: list[tuple[bool, FormalReview, bool]]) -> None:
    kpis = compute_kpis(
        [
            record(i, submitted, review, awarded and review == "passed")
            for i, (submitted, review, awarded) in enumerate(rows)
        ]
    )
    for rate in (kpis.pass_rate, kpis.award_rate):
        assert rate is None or 0 <= rate <= 1
    assert kpis.formal_review_passed <= kpis.formal_review_decided <= kpis.submitted
