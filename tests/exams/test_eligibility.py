"""Eligibility: years at the cut-off (month-exact, full years), the deciding row, exemptions, commitment route."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exams.rules.eligibility import (
    Applicant,
    Education,
    EligibilityRow,
    EligibilityTable,
    ExemptionRule,
    WorkPeriod,
    commitment_refusal,
    decide_eligibility,
    exemptions,
    experience_months,
    experience_years,
)
from exams.rules.violations import Violation, ViolationKind, ViolationLevel, commitment_barred_until

FALSE = ViolationKind.FALSE_COMMITMENT

D = dt.date
# 监理工程师-like table: 专科 6 years (related major), 本科 4, 硕士 2, 博士 0.
GRADUATED = D(2000, 7, 1)
SUPERVISOR = EligibilityTable(
    "JL",
    (
        EligibilityRow(Education.JUNIOR_COLLEGE, 6, related_major=True),
        EligibilityRow(Education.BACHELOR, 4),
        EligibilityRow(Education.MASTER, 2),
        EligibilityRow(Education.DOCTOR, 0),
    ),
    cutoff=D(2026, 12, 31),
)


def applicant(education: Education, start: dt.date, related: bool = True, graduated: dt.date = GRADUATED) -> Applicant:
    return Applicant(education, graduated, related, (WorkPeriod(start),))


@pytest.mark.parametrize(
    ("start", "cutoff", "months"),
    [
        (D(2020, 7, 1), D(2024, 6, 30), 48),  # the cut-off day counts
        (D(2020, 7, 15), D(2024, 7, 14), 48),
        (D(2020, 7, 15), D(2024, 7, 13), 47),
        (D(2020, 1, 31), D(2020, 2, 29), 1),
        (D(2020, 3, 1), D(2020, 3, 31), 1),
        (D(2020, 3, 2), D(2020, 3, 31), 0),
        (D(2025, 1, 1), D(2024, 12, 31), 0),  # starts after the cut-off
    ],
)
def test_completed_months_up_to_the_cut_off(start: dt.date, cutoff: dt.date, months: int) -> None:
    assert experience_months([WorkPeriod(start)], cutoff) == months


def test_overlapping_periods_count_once_and_gaps_do_not_count() -> None:
    periods = [
        WorkPeriod(D(2018, 1, 1), D(2019, 12, 31)),  # 24 months
        WorkPeriod(D(2019, 7, 1), D(2020, 6, 30)),  # overlaps: only 6 new months
        WorkPeriod(D(2022, 1, 1), D(2022, 12, 31)),  # 12 months after a gap
    ]
    assert experience_months(periods, D(2026, 12, 31)) == 42
    assert experience_years(periods, D(2026, 12, 31)) == 3


def test_work_before_graduation_is_dropped_when_the_exam_says_after_graduation() -> None:
    periods = [WorkPeriod(D(2018, 1, 1))]
    assert experience_years(periods, D(2026, 12, 31)) == 9
    assert experience_years(periods, D(2026, 12, 31), not_before=D(2022, 7, 1)) == 4


def test_eligible_names_the_row_and_the_years() -> None:
    decision = decide_eligibility(applicant(Education.BACHELOR, D(2022, 7, 1)), SUPERVISOR)
    assert (decision.eligible, decision.row_index, decision.years_needed, decision.years_had) == (True, 1, 4, 4)
    assert decision.reason.code == "eligibility.ok"
    assert decision.reason.zh == "符合第2行条件（本科，需工作满4年），截至2026-12-31已满4年"
    assert decision.reason.en == "meets row 2 (bachelor, 4 years needed): 4 full years by 2026-12-31"


def test_not_eligible_says_years_needed_and_had() -> None:
    decision = decide_eligibility(applicant(Education.BACHELOR, D(2023, 1, 2)), SUPERVISOR)
    assert (decision.eligible, decision.row_index, decision.years_needed, decision.years_had) == (False, 1, 4, 3)
    assert decision.months_had == 47
    assert decision.reason.code == "eligibility.years"
    assert "需相关工作满4年" in decision.reason.zh
    assert "仅满3年（47个月）" in decision.reason.zh
    assert decision.reason.en == (
        "row 2 (bachelor) needs 4 years of relevant work; only 3 full years (47 months) by 2026-12-31"
    )


def test_a_higher_degree_uses_the_most_favourable_row_it_reaches() -> None:
    master = decide_eligibility(applicant(Education.MASTER, D(2024, 7, 1)), SUPERVISOR)
    assert (master.eligible, master.row_index, master.years_needed) == (True, 2, 2)
    doctor = decide_eligibility(applicant(Education.DOCTOR, D(2026, 7, 1)), SUPERVISOR)
    assert (doctor.eligible, doctor.row_index, doctor.years_had) == (True, 3, 0)


def test_rows_restricted_to_related_majors() -> None:
    unrelated = decide_eligibility(applicant(Education.JUNIOR_COLLEGE, D(2010, 1, 1), related=False), SUPERVISOR)
    assert (unrelated.eligible, unrelated.row_index, unrelated.reason.code) == (False, None, "eligibility.education")
    related = decide_eligibility(applicant(Education.JUNIOR_COLLEGE, D(2010, 1, 1)), SUPERVISOR)
    assert (related.eligible, related.row_index) == (True, 0)


def test_education_below_every_row() -> None:
    decision = decide_eligibility(applicant(Education.HIGH_SCHOOL, D(1990, 1, 1)), SUPERVISOR)
    assert decision.eligible is False
    assert decision.reason.en == "the education (high school) does not meet any row of this exam's requirements"


@given(st.dates(D(1980, 1, 1), D(2030, 12, 31)), st.dates(D(1980, 1, 1), D(2030, 12, 31)))
def test_years_grow_with_the_cut_off_and_never_exceed_calendar_time(start: dt.date, cutoff: dt.date) -> None:
    months = experience_months([WorkPeriod(start)], cutoff)
    later = experience_months([WorkPeriod(start)], cutoff + dt.timedelta(days=40))
    assert 0 <= months <= later
    assert months * 28 <= max((cutoff - start).days + 1, 0)


def test_exemptions_reduce_subjects_and_set_the_candidate_group() -> None:
    rules = [
        ExemptionRule("一级建造师", frozenset({"01", "02"})),
        ExemptionRule("高级工程师", frozenset({"02"})),
    ]
    assert exemptions({"一级建造师", "驾驶证"}, rules) == (frozenset({"01", "02"}), "exempt")
    assert exemptions(set(), rules) == (frozenset(), None)


def violation(level: ViolationLevel, decided: dt.date) -> Violation:
    return Violation("c1", "2020-JL", "01", level, "第七条", "携带手机作答", decided)


def test_commitment_route_is_refused_inside_a_serious_record_period() -> None:
    serious = violation(ViolationLevel.SERIOUS, D(2022, 5, 20))
    refusal = commitment_refusal([serious], on=D(2026, 3, 1))
    assert refusal is not None
    assert refusal.code == "eligibility.commitment_violation"
    assert "2027-05-20" in refusal.zh
    assert commitment_refusal([serious], on=D(2027, 5, 21)) is None


def test_commitment_route_long_term_and_general_and_false_commitment() -> None:
    assert commitment_refusal([violation(ViolationLevel.ESPECIALLY_SERIOUS, D(2001, 1, 1))], on=D(2026, 3, 1))
    assert commitment_refusal([violation(ViolationLevel.GENERAL, D(2026, 1, 1))], on=D(2026, 3, 1)) is None
    refusal = commitment_refusal([], on=D(2026, 3, 1), false_commitment_until=D(2026, 3, 1))
    assert refusal is not None
    assert (refusal.code, refusal.field) == ("eligibility.commitment_false_before", "commitment")
    assert refusal.zh == "曾有虚假承诺记录，2026-03-01前（含当日）不适用告知承诺制，请上传证明材料"
    assert "closed until 2026-03-01" in refusal.en
    assert commitment_refusal([], on=D(2026, 3, 2), false_commitment_until=D(2026, 3, 1)) is None


def test_a_decided_false_commitment_bars_the_route_for_the_configured_years_from_its_decision() -> None:
    false = Violation("c1", "2020-JL", "01", ViolationLevel.SERIOUS, "第十条", "学历不实", D(2024, 2, 29), FALSE)
    conduct = violation(ViolationLevel.SERIOUS, D(2025, 1, 1))
    assert commitment_barred_until([conduct], 5) is None
    assert commitment_barred_until([false, conduct], 5) == D(2029, 2, 28)
    later = Violation("c1", "2021-JL", "01", ViolationLevel.GENERAL, "第十条", "工作年限不实", D(2025, 6, 1), FALSE)
    assert commitment_barred_until([false, later], 3) == D(2028, 6, 1)
