"""Award cycles as data: the 2025 defaults, JSON round trip and validation."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given
from hypothesis import strategies as st

from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import Category, CombinedCap, CycleConfig, Grade, HolidayCalendar, add_years
from nominations.rules.cycle.validation import load_cycle, validate_cycle
from xuehui.errors import Reason


def codes_and_fields(reasons: list[Reason]) -> list[tuple[str, str | None]]:
    return [(r.code, r.field) for r in reasons]


def test_default_cycle_follows_the_2025_measures() -> None:
    cycle = default_cycle(2026)
    assert set(cycle.categories) == set(Category)
    for project in (Category.NATURAL_SCIENCE, Category.TECHNOLOGICAL_INVENTION, Category.PROGRESS):
        assert list(cycle.categories[project].grades) == [Grade.SPECIAL, Grade.FIRST, Grade.SECOND]
        assert cycle.categories[project].grades[Grade.SPECIAL].cap == 3
    assert {c: cycle.categories[c].cap for c in (Category.TOP, Category.YOUTH_SCIENCE)} == {
        Category.TOP: 2,
        Category.YOUTH_SCIENCE: 10,
    }
    assert cycle.categories[Category.INTERNATIONAL_COOPERATION].cap == 5
    assert [(c.key, c.cap, c.grade) for c in cycle.combined_caps] == [
        ("projects_total", 300, None),
        ("first_prizes_total", 35, Grade.FIRST),
    ]
    p = cycle.eligibility
    assert (p.application_years, p.paper_age_years, p.home_province_code) == (2, 2, "370000")
    assert (p.winner_bar_cycles, p.repeat_min_unsuccessful, p.repeat_material_threshold) == (2, 2, 0.5)
    assert cycle.fixed_grade is True
    assert cycle.withdrawal_allowed is False
    assert validate_cycle(cycle) == []


@given(st.integers(min_value=1990, max_value=2200))
def test_default_cycle_round_trips_through_json(year: int) -> None:
    cycle = default_cycle(year)
    stored = json.dumps(cycle.to_dict(), ensure_ascii=False)
    assert CycleConfig.from_dict(json.loads(stored)) == cycle
    assert load_cycle(json.loads(stored)) == cycle


def test_grade_rule_lookup() -> None:
    cycle = default_cycle(2026)
    rule = cycle.grade_rule(Category.PROGRESS, Grade.SECOND)
    assert rule is not None
    assert (rule.max_contributors, rule.max_units) == (10, 7)
    assert cycle.grade_rule(Category.PROGRESS, Grade.THIRD) is None
    assert cycle.grade_rule(Category.TOP, Grade.FIRST) is None


def test_malformed_document_gives_reasons_with_paths() -> None:
    data = default_cycle(2026).to_dict()
    data["year"] = "twenty"
    data["dates"]["nomination_opens"] = "2026-02-30"
    data["categories"]["progress"]["grades"]["fourth"] = data["categories"]["progress"]["grades"]["first"]
    result = load_cycle(data)
    assert isinstance(result, list)
    assert sorted(r.field or "" for r in result) == [
        "categories.progress.grades.fourth.[key]",
        "dates.nomination_opens",
        "year",
    ]
    assert {r.code for r in result} == {"cycle.invalid_value"}


def test_dates_must_be_ordered() -> None:
    cycle = default_cycle(2026)
    dates = cycle.dates.model_copy(
        update={"nomination_closes": dt.date(2026, 2, 28), "formal_review_ends": dt.date(2026, 5, 5)}
    )
    reasons = validate_cycle(cycle.model_copy(update={"dates": dates}))
    assert codes_and_fields(reasons) == [
        ("cycle.dates_out_of_order", "dates.nomination_closes"),
        ("cycle.dates_out_of_order", "dates.formal_review_ends"),
    ]


def test_equal_dates_are_allowed() -> None:
    cycle = default_cycle(2026)
    dates = cycle.dates.model_copy(update={"nomination_closes": cycle.dates.nomination_opens})
    assert validate_cycle(cycle.model_copy(update={"dates": dates})) == []


def test_notice_windows_checked() -> None:
    cycle = default_cycle(2026)
    first, *rest = cycle.dates.notices
    bad = first.model_copy(update={"starts": cycle.dates.nomination_closes, "length": 0})
    twin = rest[0].model_copy(update={"key": first.key})
    dates = cycle.dates.model_copy(update={"notices": (bad, twin)})
    assert codes_and_fields(validate_cycle(cycle.model_copy(update={"dates": dates}))) == [
        ("cycle.notice_length", "dates.notices[0]"),
        ("cycle.notice_before_close", "dates.notices[0].starts"),
        ("cycle.notice_key_duplicate", "dates.notices"),
    ]


def test_negative_caps_and_zero_limits() -> None:
    cycle = default_cycle(2026)
    progress = cycle.categories[Category.PROGRESS]
    first = progress.grades[Grade.FIRST].model_copy(update={"cap": -1, "max_units": 0, "max_share": 1.5})
    categories = {
        **cycle.categories,
        Category.PROGRESS: progress.model_copy(update={"cap": -2, "grades": {**progress.grades, Grade.FIRST: first}}),
    }
    reasons = validate_cycle(cycle.model_copy(update={"categories": categories}))
    assert codes_and_fields(reasons) == [
        ("cycle.negative", "categories.progress.cap"),
        ("cycle.negative", "categories.progress.grades.first.cap"),
        ("cycle.zero_limit", "categories.progress.grades.first"),
        ("cycle.share_range", "categories.progress.grades.first.max_share"),
    ]


def test_zero_cap_is_allowed() -> None:
    cycle = default_cycle(2026)
    top = cycle.categories[Category.TOP].model_copy(update={"cap": 0})
    assert validate_cycle(cycle.model_copy(update={"categories": {**cycle.categories, Category.TOP: top}})) == []


def test_references_to_missing_categories_and_grades() -> None:
    cycle = default_cycle(2026)
    categories = {k: v for k, v in cycle.categories.items() if k != Category.TECHNOLOGICAL_INVENTION}
    combined = (
        CombinedCap(key="x", categories=(Category.PROGRESS,), cap=1, grade=Grade.THIRD),
        CombinedCap(key="y", categories=(Category.TECHNOLOGICAL_INVENTION,), cap=-1),
    )
    reasons = validate_cycle(cycle.model_copy(update={"categories": categories, "combined_caps": combined}))
    assert codes_and_fields(reasons) == [
        ("cycle.unknown_grade", "combined_caps[0].grade"),
        ("cycle.negative", "combined_caps[1].cap"),
        ("cycle.unknown_category", "combined_caps[1].categories"),
        ("cycle.unknown_category", "eligibility.first_unit_categories"),
        ("cycle.unknown_category", "eligibility.application_categories"),
        ("cycle.unknown_category", "eligibility.prior_use_categories"),
        ("cycle.unknown_category", "eligibility.registration_categories"),
    ]


def test_empty_and_mixed_grades() -> None:
    cycle = default_cycle(2026)
    top = cycle.categories[Category.TOP]
    mixed = top.model_copy(update={"grades": {**top.grades, Grade.FIRST: top.grades[Grade.UNGRADED]}})
    empty = top.model_copy(update={"grades": {}})
    categories = {**cycle.categories, Category.TOP: mixed, Category.YOUTH_SCIENCE: empty}
    assert codes_and_fields(validate_cycle(cycle.model_copy(update={"categories": categories}))) == [
        ("cycle.ungraded_mixed", "categories.top.grades"),
        ("cycle.no_grade", "categories.youth_science"),
    ]
    no_categories = validate_cycle(cycle.model_copy(update={"categories": {}}))
    no_category = Reason("cycle.no_category", "至少开放一个奖种", "open at least one category", "categories")
    assert no_categories[0] == no_category
    # then one reason per category each reference names (3 + 3 + 3 + 2 + 1 + 1 + 3 + 3 + 1)
    assert [r.field for r in no_categories[1:]] == [
        *["combined_caps[0].categories"] * 3,
        *["combined_caps[1].categories"] * 3,
        *["eligibility.first_unit_categories"] * 3,
        *["eligibility.application_categories"] * 2,
        "eligibility.paper_categories",
        "eligibility.id_card_exempt_categories",
        *["eligibility.prior_use_categories"] * 3,
        *["eligibility.registration_categories"] * 3,
        "eligibility.age_limits",
    ]


def test_parameters_out_of_range() -> None:
    cycle = default_cycle(2026)
    params = cycle.eligibility.model_copy(
        update={"application_years": -1, "repeat_material_threshold": 0.0, "winner_bar_cycles": -1}
    )
    reasons = validate_cycle(cycle.model_copy(update={"eligibility": params, "years_per_cycle": 0}))
    assert codes_and_fields(reasons) == [
        ("cycle.negative", "years_per_cycle"),
        ("cycle.negative", "eligibility.application_years"),
        ("cycle.negative", "eligibility.winner_bar_cycles"),
        ("cycle.share_range", "eligibility.repeat_material_threshold"),
    ]


def test_calendar_conflicts() -> None:
    cycle = default_cycle(2026)
    calendar = HolidayCalendar(
        holidays=(dt.date(2026, 10, 1), dt.date(2026, 10, 10)),
        adjusted_working_days=(dt.date(2026, 10, 10), dt.date(2026, 10, 12)),  # Sat; Mon
    )
    reasons = validate_cycle(cycle.model_copy(update={"calendar": calendar}))
    assert codes_and_fields(reasons) == [
        ("cycle.calendar_conflict", "calendar"),
        ("cycle.calendar_not_weekend", "calendar.adjusted_working_days"),
    ]
    assert reasons[0].en == "2026-10-10 cannot be both a holiday and an adjusted working day"


def test_add_years_handles_leap_day() -> None:
    assert add_years(dt.date(2024, 2, 29), 2) == dt.date(2026, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)
    assert add_years(dt.date(2026, 4, 30), -5) == dt.date(2021, 4, 30)
