"""Review forms, per-expert normalisation, ranking with ties, and ballots on exact fractions."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from expert_pool.rules.ballots import BallotRule, Tally, decide, rank_within_quota, tally_ballots
from expert_pool.rules.scores import (
    Criterion,
    Review,
    ReviewForm,
    aggregate,
    rank_in_groups,
    validate_form,
    validate_review,
    weighted_total,
)

FORM = ReviewForm(
    (
        Criterion("novelty", "创新性", "Novelty", 0.6, 0, 10, step=0.5),
        Criterion("impact", "应用效益", "Impact", 0.4, 0, 10),
    )
)


def test_a_filled_review_is_checked_criterion_by_criterion() -> None:
    assert validate_form(FORM) == []
    assert validate_review(FORM, {"novelty": 8.5, "impact": 7.25}) == []
    assert weighted_total(FORM, {"novelty": 8.5, "impact": 7}) == pytest.approx(7.9)
    reasons = validate_review(FORM, {"novelty": 8.3, "extra": 1})
    assert [(r.code, r.field) for r in reasons] == [
        ("unknown_criterion", "extra"),
        ("score_off_step", "novelty"),
        ("score_missing", "impact"),
    ]
    (too_high,) = validate_review(FORM, {"novelty": 11, "impact": 5})
    assert too_high.en == "“Novelty” must be between 0 and 10"


def test_a_harsh_expert_does_not_decide_and_single_reviews_use_the_pooled_scale() -> None:
    reviews = [
        Review("A", "harsh", 60),
        Review("B", "harsh", 70),
        Review("A", "lenient", 90),
        Review("B", "lenient", 100),
        Review("C", "once", 80),
        Review("C", "flat", 75),
        Review("A", "flat", 75),
    ]
    scores = aggregate(reviews)
    # Both A and B were scored by the same two experts; B was ranked above A by both.
    assert scores["B"].normalised_mean > scores["A"].normalised_mean
    assert scores["A"].raw_mean == 75
    assert scores["B"].raw_mean == 85
    # "once" (one review) and "flat" (zero variance) are standardised on the pooled scale, so on
    # the raw scale C gets back exactly its raw mean.
    assert scores["C"].reviews == 2
    assert scores["C"].normalised_on_raw_scale == pytest.approx(77.5)
    assert aggregate([Review("X", "e", 5), Review("Y", "e", 5)])["X"].normalised_mean == 0.0


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.integers(0, 10_000).map(lambda v: v / 100), min_size=2, max_size=6),  # scores to 0.01
    st.floats(-30, 30),
    st.floats(0.5, 3),
)
def test_an_experts_affine_bias_is_removed_exactly(totals: list[float], shift: float, stretch: float) -> None:
    fair = [Review(f"i{k}", "fair", t) for k, t in enumerate(totals)]
    biased = [Review(f"i{k}", "biased", t * stretch + shift) for k, t in enumerate(totals)]
    plain, skewed = aggregate(fair), aggregate(biased)
    for item in plain:
        assert skewed[item].normalised_mean == pytest.approx(plain[item].normalised_mean, abs=1e-6)


def test_ranking_is_per_group_and_reports_ties() -> None:
    scores = aggregate([Review("A", "e", 90), Review("B", "e", 90), Review("C", "e", 80), Review("D", "e", 70)])
    groups = {"A": ("progress", "first"), "B": ("progress", "first"), "C": ("progress", "first"), "D": ("x", "y")}
    ranked = rank_in_groups(scores, groups, by="raw")
    assert [(r.item_id, r.rank, r.tied_with) for r in ranked] == [
        ("A", 1, ("B",)),
        ("B", 1, ("A",)),
        ("C", 3, ()),
        ("D", 1, ()),
    ]


def test_more_than_half_and_two_thirds_are_exact_fractions() -> None:
    half = BallotRule(quorum=Fraction(2, 3), threshold=Fraction(1, 2), strict=True)
    assert decide("A", Tally(5, 5), roll=12, present=10, rule=half).passed is False  # exactly half is not more
    assert decide("A", Tally(6, 5), roll=12, present=11, rule=half).passed is True
    two_thirds = BallotRule(threshold=Fraction(2, 3), strict=False)
    assert decide("A", Tally(6, 3), roll=9, present=9, rule=two_thirds).share == Fraction(2, 3)
    assert decide("A", Tally(6, 3), roll=9, present=9, rule=two_thirds).passed is True
    of_present = BallotRule(threshold=Fraction(2, 3), strict=False, base="present")
    outcome = decide("A", Tally(6, 2, 1), roll=12, present=10, rule=of_present)
    assert outcome.passed is False
    assert outcome.reasons[0].en == "A got 6/10 yes votes, not at least 2/3"
    assert decide("A", Tally(6, 6), roll=12, present=10, rule=half).reasons[0].code == "ballots_exceed_present"


def test_no_quorum_means_no_outcomes() -> None:
    outcomes, refusal = tally_ballots({"A": Tally(7, 0)}, roll=12, present=7, rule=BallotRule())
    assert outcomes == []
    assert refusal is not None
    assert refusal.code == "no_quorum"
    outcomes, refusal = tally_ballots({"A": Tally(8, 0)}, roll=12, present=8, rule=BallotRule())
    assert refusal is None
    assert [o.passed for o in outcomes] == [True]


def test_a_tie_at_the_quota_boundary_is_reported_not_broken() -> None:
    rule = BallotRule()
    tallies = {"A": Tally(9, 1), "B": Tally(7, 3), "C": Tally(7, 3), "D": Tally(6, 4), "E": Tally(2, 8)}
    outcomes, _ = tally_ballots(tallies, roll=10, present=10, rule=rule)
    result = rank_within_quota(outcomes, quota=2)
    assert result.selected == ("A",)
    assert result.tied_at_boundary == ("B", "C")
    assert result.open_places == 1
    assert result.outside == ("D",)
    clean = rank_within_quota(outcomes, quota=3)
    assert clean.selected == ("A", "B", "C")
    assert clean.tied_at_boundary == ()
    assert clean.outside == ("D",)
