"""The eligibility engine: every rule at its limit and one past it."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import replace
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import Category, CycleConfig, Grade
from nominations.rules.eligibility import (
    INCOMPLETE,
    ContributingUnit,
    Contributor,
    DraftCheck,
    EligibilityContext,
    MaterialFingerprint,
    NominationFacts,
    Paper,
    PastUnsuccessful,
    Patent,
    Period,
    SocietySelection,
    build_context,
    check_draft,
    check_nomination,
    fingerprint,
    normalise_text,
)
from xuehui.errors import Reason
from xuehui.idcard import make

CYCLE = default_cycle(2026)
# What every complete nomination declares besides its project (the declaration and notice rules
# have their own tests in test_award_eligibility): a registration number, the commitments, the
# completers' notice in their units and the society's own selection.
DECLARED: dict[str, Any] = {
    "registration_number": "9372026Y0001",
    "single_channel": True,
    "prior_use_declared": True,
    "first_unit_share": 60,
    "first_contributor_share": 35,
    "unit_notice": Period(dt.date(2026, 3, 2), dt.date(2026, 3, 10)),
    "society_selection": SocietySelection(
        dt.date(2026, 3, 12), 7, "同意推荐", Period(dt.date(2026, 3, 16), dt.date(2026, 3, 20))
    ),
}
REFERENCE = CYCLE.eligibility.reference_date  # 2026-04-30
EMPTY = EligibilityContext()


def person_id(n: int) -> str:
    return make("370102", dt.date(1975, 1, 1) + dt.timedelta(days=n // 50), n % 50, "male")


def people(count: int, start: int = 0) -> tuple[Contributor, ...]:
    return tuple(Contributor(name=f"作者{i}", id_number=person_id(i)) for i in range(start, start + count))


def units(count: int) -> tuple[ContributingUnit, ...]:
    return tuple(ContributingUnit(name=f"单位{i}", province_code="370000") for i in range(count))


def natural_science(contributors: int = 5, unit_count: int = 2) -> NominationFacts:
    team = people(contributors)
    return NominationFacts(
        **DECLARED,
        nomination_id="n1",
        title="黄河三角洲湿地碳循环机制",
        category=Category.NATURAL_SCIENCE,
        grade=Grade.FIRST,
        summary="研究湿地碳循环",
        contributors=team,
        units=units(unit_count),
        papers=(
            Paper("Carbon flux in the Yellow River delta", dt.date(2023, 1, 10), tuple(p.name for p in team)),
            Paper("Wetland methane", dt.date(2022, 6, 1), (team[0].name,)),
        ),
    )


def progress(grade: Grade = Grade.SECOND, contributors: int = 10, unit_count: int = 7) -> NominationFacts:
    return NominationFacts(
        **DECLARED,
        nomination_id="p1",
        title="智能电网调度系统",
        category=Category.PROGRESS,
        grade=grade,
        application_started_on=dt.date(2024, 4, 30),
        contributors=people(contributors),
        units=units(unit_count),
        patents=(Patent("ZL202010000001.X"),),
    )


def codes(reasons: list[Reason]) -> list[str]:
    return [r.code for r in reasons]


def test_valid_nominations_pass() -> None:
    assert check_nomination(natural_science(), CYCLE, EMPTY) == []
    assert check_nomination(progress(), CYCLE, EMPTY) == []
    assert check_draft(progress(), CYCLE, EMPTY) == DraftCheck(problems=(), incomplete=())


# --- society -----------------------------------------------------------------------------------


def test_society_not_allowed_and_suspended_are_both_listed() -> None:
    ctx = EligibilityContext(society_allowed=False, society_suspended=True)
    assert codes(check_nomination(progress(), CYCLE, ctx)) == [
        "eligibility.society_not_allowed",
        "eligibility.society_suspended",
    ]


# --- category and grade ------------------------------------------------------------------------


def test_grade_must_exist_for_the_category() -> None:
    reasons = check_nomination(replace(progress(), grade=Grade.THIRD), CYCLE, EMPTY)
    assert codes(reasons) == ["eligibility.grade_invalid"]
    assert reasons[0].field == "grade"
    assert "special prize, first prize, second prize" in reasons[0].en


def test_person_award_takes_only_ungraded() -> None:
    youth = NominationFacts(
        **DECLARED,
        nomination_id="y1",
        title="青年奖",
        category=Category.YOUTH_SCIENCE,
        grade=Grade.FIRST,
        # the youth award's candidate is 40 or under on the cut-off date
        contributors=(Contributor(name="青年", id_number=make("370102", dt.date(1990, 1, 1), 1, "male")),),
        units=units(1),
    )
    assert codes(check_nomination(youth, CYCLE, EMPTY)) == ["eligibility.grade_invalid"]
    assert check_nomination(replace(youth, grade=Grade.UNGRADED), CYCLE, EMPTY) == []


def test_closed_category() -> None:
    cats = {k: v for k, v in CYCLE.categories.items() if k != Category.TOP}
    cycle = CYCLE.model_copy(update={"categories": cats})
    top = NominationFacts(
        **DECLARED, category=Category.TOP, grade=Grade.UNGRADED, contributors=people(1), units=units(1)
    )
    reasons = check_nomination(top, cycle, EMPTY)
    assert codes(reasons) == ["eligibility.category_closed"]


# --- limits --------------------------------------------------------------------------------------


def test_contributor_limit_exactly_at_and_one_over() -> None:
    # progress second prize: 10 contributors, 7 units
    assert check_nomination(progress(contributors=10, unit_count=7), CYCLE, EMPTY) == []
    reasons = check_nomination(progress(contributors=11, unit_count=8), CYCLE, EMPTY)
    assert reasons == [
        Reason(
            "eligibility.too_many_contributors",
            "完成人不得超过10人，现有11人",
            "at most 10 contributors, this nomination has 11",
            "contributors",
        ),
        Reason(
            "eligibility.too_many_units",
            "完成单位不得超过7个，现有8个",
            "at most 7 contributing units, this nomination has 8",
            "units",
        ),
    ]


def test_limits_depend_on_grade() -> None:
    assert check_nomination(progress(Grade.FIRST, contributors=15, unit_count=10), CYCLE, EMPTY) == []
    assert codes(check_nomination(progress(Grade.FIRST, contributors=16, unit_count=10), CYCLE, EMPTY)) == [
        "eligibility.too_many_contributors"
    ]


@given(
    contributors=st.integers(min_value=1, max_value=15),
    unit_count=st.integers(min_value=1, max_value=10),
    grade=st.sampled_from([Grade.SPECIAL, Grade.FIRST, Grade.SECOND]),
)
def test_any_nomination_within_the_limits_passes(contributors: int, unit_count: int, grade: Grade) -> None:
    limits = CYCLE.grade_rule(Category.PROGRESS, grade)
    assert limits is not None
    facts = progress(grade, contributors, unit_count)
    within = contributors <= limits.max_contributors and unit_count <= limits.max_units
    assert (check_nomination(facts, CYCLE, EMPTY) == []) == within


# --- first unit --------------------------------------------------------------------------------


def test_first_unit_outside_province_but_later_units_may_be() -> None:
    outside = ContributingUnit("北京某所", "110000")
    later = replace(progress(), units=(*units(1), outside))
    assert check_nomination(later, CYCLE, EMPTY) == []
    first = replace(progress(), units=(outside, *units(1)))
    assert codes(check_nomination(first, CYCLE, EMPTY)) == ["eligibility.first_unit_outside_province"]


def test_first_unit_province_missing_is_incomplete() -> None:
    facts = replace(progress(), units=(ContributingUnit("某单位"),))
    assert check_draft(facts, CYCLE, EMPTY).incomplete == (
        Reason(
            INCOMPLETE,
            "请填写第一完成单位所在省份",
            "please give the province of the first unit",
            "units[0].province_code",
        ),
    )


# --- application time ----------------------------------------------------------------------------


def test_application_time_boundary() -> None:
    exactly_two_years = replace(progress(), application_started_on=REFERENCE.replace(year=REFERENCE.year - 2))
    assert check_nomination(exactly_two_years, CYCLE, EMPTY) == []
    one_day_short = replace(exactly_two_years, application_started_on=dt.date(2024, 5, 1))
    reasons = check_nomination(one_day_short, CYCLE, EMPTY)
    assert codes(reasons) == ["eligibility.application_too_recent"]
    assert reasons[0].field == "application_started_on"


def test_application_time_applies_to_invention_not_natural_science() -> None:
    invention = replace(
        progress(contributors=6, unit_count=6),
        category=Category.TECHNOLOGICAL_INVENTION,
        application_started_on=dt.date(2025, 1, 1),
    )
    assert codes(check_nomination(invention, CYCLE, EMPTY)) == ["eligibility.application_too_recent"]
    recent = replace(natural_science(), application_started_on=dt.date(2026, 1, 1))
    assert check_nomination(recent, CYCLE, EMPTY) == []


def test_leap_day_start_reaches_two_years_on_28_february() -> None:
    cycle = CYCLE.model_copy(
        update={"eligibility": CYCLE.eligibility.model_copy(update={"reference_date": dt.date(2026, 2, 28)})}
    )
    assert check_nomination(replace(progress(), application_started_on=dt.date(2024, 2, 29)), cycle, EMPTY) == []


def test_missing_application_date_is_incomplete_in_a_draft_and_blocks_on_submit() -> None:
    facts = replace(progress(), application_started_on=None)
    missing = Reason(
        INCOMPLETE, "请填写应用起始日期", "please give the application start date", "application_started_on"
    )
    assert check_draft(facts, CYCLE, EMPTY) == DraftCheck(problems=(), incomplete=(missing,))
    assert check_nomination(facts, CYCLE, EMPTY) == [missing]


# --- papers ------------------------------------------------------------------------------------


def test_paper_age_boundary() -> None:
    base = natural_science()
    ok = replace(base, papers=(replace(base.papers[0], published_on=dt.date(2024, 4, 30)), base.papers[1]))
    assert check_nomination(ok, CYCLE, EMPTY) == []
    late = replace(base, papers=(base.papers[0], replace(base.papers[1], published_on=dt.date(2024, 5, 1))))
    reasons = check_nomination(late, CYCLE, EMPTY)
    assert codes(reasons) == ["eligibility.paper_too_recent"]
    assert reasons[0].field == "papers[1].published_on"


def test_every_contributor_must_be_an_author() -> None:
    base = natural_science(contributors=3)
    papers = (Paper("A", dt.date(2020, 1, 1), ("作者0", "Someone Else")), Paper("B", dt.date(2020, 1, 1), ("作者 2",)))
    reasons = check_nomination(replace(base, papers=papers), CYCLE, EMPTY)
    assert reasons == [
        Reason(
            "eligibility.contributor_not_author",
            "完成人作者1不是任何代表性论文的作者",
            "contributor 作者1 is not an author of any representative paper",
            "contributors[1].name",
        )
    ]


def test_author_rule_can_be_switched_off() -> None:
    params = CYCLE.eligibility.model_copy(update={"contributors_must_be_authors": False})
    cycle = CYCLE.model_copy(update={"eligibility": params})
    facts = replace(natural_science(), papers=(Paper("A", dt.date(2020, 1, 1), ("Nobody",)),))
    assert check_nomination(facts, cycle, EMPTY) == []


def test_natural_science_without_papers_or_dates_is_incomplete() -> None:
    assert check_draft(replace(natural_science(), papers=()), CYCLE, EMPTY).incomplete == (
        Reason(INCOMPLETE, "请填写代表性论文", "please give the representative papers", "papers"),
    )
    undated = replace(natural_science(), papers=(Paper("A", None, tuple(p.name for p in people(5))),))
    assert [r.field for r in check_draft(undated, CYCLE, EMPTY).incomplete] == ["papers[0].published_on"]


# --- identity-card numbers -----------------------------------------------------------------------


def test_bad_check_digit_and_duplicates_are_reported_per_contributor() -> None:
    team = list(people(3))
    wrong = team[1].id_number[:-1] + ("0" if team[1].id_number[-1] != "0" else "1")
    team[1] = replace(team[1], id_number=wrong)
    team[2] = replace(team[2], id_number=team[0].id_number.lower())
    reasons = check_nomination(replace(progress(), contributors=tuple(team)), CYCLE, EMPTY)
    assert [(r.code, r.field) for r in reasons] == [
        ("idcard.check_digit", "contributors[1].id_number"),
        ("eligibility.contributor_duplicate", "contributors[2].id_number"),
    ]


def test_missing_name_and_id_number_are_incomplete() -> None:
    facts = replace(progress(), contributors=(Contributor(name=" ", id_number=""),))
    assert [r.field for r in check_draft(facts, CYCLE, EMPTY).incomplete] == [
        "contributors[0].name",
        "contributors[0].id_number",
    ]


# --- one nomination per person -------------------------------------------------------------------


def test_person_in_another_nomination_of_the_cycle() -> None:
    facts = progress(contributors=3)
    ctx = build_context(
        cycle_contributors=[
            ("p1", [p.id_number for p in facts.contributors]),  # itself: ignored
            ("other", [facts.contributors[2].id_number.lower()]),
        ]
    )
    reasons = check_nomination(facts, CYCLE, ctx)
    assert [(r.code, r.field) for r in reasons] == [
        ("eligibility.contributor_in_other_nomination", "contributors[2].id_number")
    ]


def test_a_clash_with_only_private_nominations_is_told_neutrally() -> None:
    facts = progress(contributors=2)
    first, second = (p.id_number for p in facts.contributors)
    ctx = build_context(
        cycle_contributors=[("mine", [first]), ("theirs", [first, second])], private_nominations=["theirs"]
    )
    assert codes(check_nomination(facts, CYCLE, ctx)) == [
        "eligibility.contributor_in_other_nomination",  # also in the checker's own nomination
        "eligibility.contributor_unavailable",
    ]


def test_unsaved_draft_is_compared_with_every_nomination() -> None:
    facts = replace(progress(contributors=1), nomination_id=None)
    ctx = build_context(cycle_contributors=[("p1", [facts.contributors[0].id_number])])
    assert codes(check_nomination(facts, CYCLE, ctx)) == ["eligibility.contributor_in_other_nomination"]


def test_one_nomination_per_person_can_be_switched_off() -> None:
    facts = progress(contributors=1)
    ctx = build_context(cycle_contributors=[("other", [facts.contributors[0].id_number])])
    params = CYCLE.eligibility.model_copy(update={"one_nomination_per_person": False})
    assert check_nomination(facts, CYCLE.model_copy(update={"eligibility": params}), ctx) == []


# --- recent winners --------------------------------------------------------------------------------


def test_recent_winner_bar_boundary() -> None:
    facts = progress(contributors=1)
    number = facts.contributors[0].id_number
    for year, barred in ((2026, False), (2025, True), (2024, True), (2023, False)):
        ctx = build_context(past_winners=[(number, year)])
        assert codes(check_nomination(facts, CYCLE, ctx)) == (["eligibility.recent_winner"] if barred else []), year


def test_latest_win_counts_and_biennial_cycles_widen_the_bar() -> None:
    facts = progress(contributors=1)
    number = facts.contributors[0].id_number
    ctx = build_context(past_winners=[(number, 2025), (number, 2018)])
    assert codes(check_nomination(facts, CYCLE, ctx)) == ["eligibility.recent_winner"]
    biennial = CYCLE.model_copy(update={"years_per_cycle": 2})
    old = build_context(past_winners=[(number, 2022)])
    assert codes(check_nomination(facts, biennial, old)) == ["eligibility.recent_winner"]
    assert check_nomination(facts, CYCLE, old) == []


# --- repeat unsuccessful ---------------------------------------------------------------------------


def past(nomination_id: str, year: int, facts: NominationFacts) -> PastUnsuccessful:
    return PastUnsuccessful(nomination_id, year, fingerprint(facts))


def test_title_normalisation() -> None:
    assert normalise_text("  智能电网 调度系统（２０２４）！ ") == "智能电网调度系统2024"
    assert normalise_text("Smart-Grid") == normalise_text("smart grid")


def test_repeat_loser_needs_two_cycles_in_the_lookback() -> None:
    facts = progress()
    renamed = replace(facts, title="全新名称")
    one = build_context(past_unsuccessful=[past("a", 2025, facts)])
    assert check_nomination(facts, CYCLE, one) == []
    two = build_context(past_unsuccessful=[past("a", 2025, facts), past("b", 2024, renamed)])
    reasons = check_nomination(facts, CYCLE, two)
    assert reasons == [
        Reason(
            "eligibility.repeat_unsuccessful",
            "本项目与2024、2025年提名未获奖的项目相同或材料重复，不得再次提名",
            "the project, or its material, was nominated without an award in 2024, 2025; it may not be nominated again",
            "title",
        )
    ]
    out_of_lookback = build_context(past_unsuccessful=[past("a", 2025, facts), past("b", 2023, facts)])
    assert check_nomination(facts, CYCLE, out_of_lookback) == []
    same_year_twice = build_context(past_unsuccessful=[past("a", 2025, facts), past("b", 2025, facts)])
    assert check_nomination(facts, CYCLE, same_year_twice) == []


def test_the_same_project_is_known_by_two_of_title_first_unit_and_first_contributor() -> None:
    facts = progress()
    lead = facts.contributors[0]
    renamed = replace(facts, title="换了名字的项目", patents=())
    other_lead = replace(facts, contributors=(replace(lead, id_number=person_id(77)), *facts.contributors[1:]))
    other_lead = replace(other_lead, patents=())
    moved = replace(facts, units=(ContributingUnit("另一单位", "370000"),), patents=())
    new_work = replace(renamed, units=(ContributingUnit("另一单位", "370000"),))
    for earlier, caught in ((renamed, True), (other_lead, True), (moved, True), (new_work, False)):
        ctx = build_context(past_unsuccessful=[past("a", 2025, earlier), past("b", 2024, earlier)])
        assert (codes(check_nomination(facts, CYCLE, ctx)) == ["eligibility.repeat_unsuccessful"]) is caught


def test_a_fingerprint_stored_before_identity_keys_still_matches_by_material() -> None:
    stored = {"title_key": "智能电网调度系统", "material_keys": ["patent:zl202010000001x"]}
    assert MaterialFingerprint.from_json(stored) == MaterialFingerprint(
        "智能电网调度系统", frozenset({"patent:zl202010000001x"}), frozenset({"title:智能电网调度系统"})
    )
    fresh = fingerprint(progress())
    assert MaterialFingerprint.from_json(fresh.as_json()) == fresh


def test_material_overlap_threshold() -> None:
    patents = tuple(Patent(f"ZL20201000000{i}") for i in range(4))
    facts = replace(progress(), title="本年题目", patents=patents)
    # Earlier projects of other units and people: only the shared material can make them repeats.
    other = replace(facts, contributors=people(3, start=50), units=(ContributingUnit("另一大学", "370000"),))
    half = replace(other, title="旧题目一", patents=(*patents[:2], Patent("OTHER")))
    under_half = replace(other, title="旧题目二", patents=patents[:1])
    ctx = build_context(past_unsuccessful=[past("a", 2025, half), past("b", 2024, half)])
    assert codes(check_nomination(facts, CYCLE, ctx)) == ["eligibility.repeat_unsuccessful"]
    ctx = build_context(past_unsuccessful=[past("a", 2025, half), past("b", 2024, under_half)])
    assert check_nomination(facts, CYCLE, ctx) == []


def test_national_style_single_previous_failure() -> None:
    params = CYCLE.eligibility.model_copy(update={"repeat_min_unsuccessful": 1, "repeat_lookback_cycles": 1})
    cycle = CYCLE.model_copy(update={"eligibility": params})
    facts = progress()
    assert codes(check_nomination(facts, cycle, build_context(past_unsuccessful=[past("a", 2025, facts)]))) == [
        "eligibility.repeat_unsuccessful"
    ]
    off = cycle.model_copy(update={"eligibility": params.model_copy(update={"repeat_min_unsuccessful": 0})})
    assert check_nomination(facts, off, build_context(past_unsuccessful=[past("a", 2025, facts)])) == []


# --- everything at once ----------------------------------------------------------------------------


def test_blocked_submission_lists_every_failing_rule() -> None:
    facts = replace(
        progress(contributors=11, unit_count=8),
        units=(ContributingUnit("外省", "110000"), *units(7)),
        application_started_on=dt.date(2025, 1, 1),
    )
    number = facts.contributors[0].id_number
    ctx = build_context(
        society_suspended=True,
        cycle_contributors=[("other", [number])],
        past_winners=[(number, 2025)],
        past_unsuccessful=[past("a", 2025, facts), past("b", 2024, facts)],
    )
    assert codes(check_nomination(facts, CYCLE, ctx)) == [
        "eligibility.society_suspended",
        "eligibility.too_many_contributors",
        "eligibility.too_many_units",
        "eligibility.first_unit_outside_province",
        "eligibility.application_too_recent",
        "eligibility.contributor_in_other_nomination",
        "eligibility.recent_winner",
        "eligibility.repeat_unsuccessful",
    ]


def test_empty_draft_reports_only_incomplete_fields() -> None:
    result = check_draft(
        NominationFacts(
            **DECLARED,
        ),
        CYCLE,
        EMPTY,
    )
    assert result.problems == ()
    assert [r.field for r in result.incomplete] == ["category", "contributors", "units"]
    assert not result.ok
    with_category = check_draft(NominationFacts(**DECLARED, category=Category.PROGRESS), CYCLE, EMPTY)
    assert [r.field for r in with_category.incomplete] == ["grade", "contributors", "units", "application_started_on"]


def test_check_is_fast_with_five_thousand_nominations_in_context() -> None:
    # a sanity check of the look-up design; the timed target lives in bench/
    ctx = build_context(
        cycle_contributors=[(f"n{i}", [person_id(1000 + i * 10 + k) for k in range(10)]) for i in range(5000)],
        past_winners=[(person_id(90000 + i), 2025) for i in range(5000)],
        past_unsuccessful=[
            PastUnsuccessful(f"u{i}", 2025, fingerprint(replace(progress(), title=f"项目{i}"))) for i in range(5000)
        ],
    )
    started = time.perf_counter()
    reasons = check_nomination(progress(Grade.FIRST, contributors=15, unit_count=10), CYCLE, ctx)
    elapsed = time.perf_counter() - started
    assert codes(reasons) == []  # shares its one patent with 5,000 nominations, but only in 2025
    assert elapsed < 1.0


def _cycle_for(year: int) -> CycleConfig:
    return default_cycle(year)


@given(st.integers(min_value=2000, max_value=2100))
def test_default_cycle_is_valid_every_year(year: int) -> None:
    facts = replace(progress(), application_started_on=dt.date(year - 3, 1, 1))
    assert check_nomination(facts, _cycle_for(year), EMPTY) == []


def test_foreign_candidate_of_the_international_award_uses_a_passport() -> None:
    foreigner = NominationFacts(
        **DECLARED,
        nomination_id="i1",
        title="中德合作",
        category=Category.INTERNATIONAL_COOPERATION,
        grade=Grade.UNGRADED,
        contributors=(Contributor(name="Anna Schmidt", id_number="c01x00t47"),),
        units=(ContributingUnit("TU München", "DE"),),
    )
    assert check_nomination(foreigner, CYCLE, EMPTY) == []
    ctx = build_context(cycle_contributors=[("other", ["C01X00T47"])])
    assert codes(check_nomination(foreigner, CYCLE, ctx)) == ["eligibility.contributor_in_other_nomination"]
    params = CYCLE.eligibility.model_copy(update={"id_card_exempt_categories": ()})
    strict = CYCLE.model_copy(update={"eligibility": params})
    assert codes(check_nomination(foreigner, strict, EMPTY)) == ["idcard.length"]


def test_first_unit_rule_covers_the_configured_categories_only() -> None:
    youth = NominationFacts(
        **DECLARED,
        nomination_id="y1",
        title="青年奖",
        category=Category.YOUTH_SCIENCE,
        grade=Grade.UNGRADED,
        contributors=(Contributor(name="青年", id_number=make("370102", dt.date(1990, 1, 1), 1, "male")),),
        units=(ContributingUnit("外省大学", "110000"),),
    )
    assert check_nomination(youth, CYCLE, EMPTY) == []
    params = CYCLE.eligibility.model_copy(update={"first_unit_categories": (Category.YOUTH_SCIENCE,)})
    cycle = CYCLE.model_copy(update={"eligibility": params})
    assert codes(check_nomination(youth, cycle, EMPTY)) == ["eligibility.first_unit_outside_province"]


def test_material_threshold_uses_exact_arithmetic() -> None:
    params = CYCLE.eligibility.model_copy(update={"repeat_material_threshold": 0.7})
    cycle = CYCLE.model_copy(update={"eligibility": params})
    patents = tuple(Patent(f"ZL{i}") for i in range(10))
    facts = replace(progress(), title="新题目", patents=patents)
    # another unit's project under another lead: only the material can make it a repeat
    other = replace(facts, title="旧题目", contributors=people(3, start=50), units=(ContributingUnit("另一大学"),))
    seven = replace(other, patents=patents[:7])
    six = replace(other, patents=patents[:6])
    repeated = build_context(past_unsuccessful=[past("a", 2025, seven), past("b", 2024, seven)])
    assert codes(check_nomination(facts, cycle, repeated)) == ["eligibility.repeat_unsuccessful"]
    not_repeated = build_context(past_unsuccessful=[past("a", 2025, seven), past("b", 2024, six)])
    assert check_nomination(facts, cycle, not_repeated) == []
