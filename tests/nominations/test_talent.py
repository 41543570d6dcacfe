"""Talent eligibility: age arithmetic (boundaries, leap days, properties) and every rule of check_person."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nominations.rules.programme.defaults import default_programme
from nominations.rules.programme.model import Academy, ExclusionCategory, Programme, ProgrammeKind
from nominations.rules.talent import (
    INCOMPLETE,
    REQUIRED,
    TalentContext,
    TalentPerson,
    age_on,
    check_person,
    earliest_birth_date,
)
from xuehui.errors import Reason
from xuehui.idcard import Sex, make, parse

D = dt.date


def codes(reasons: list[Reason]) -> list[tuple[str, str | None]]:
    return [(r.code, r.field) for r in reasons]


def with_rules(cfg: Programme, **changes: Any) -> Programme:
    """`cfg` with some kind-specific rule parameters changed."""
    return dataclasses.replace(cfg, rules=dataclasses.replace(cfg.rules, **changes))


# --- age_on: boundaries -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth", "on", "age"),
    [
        (D(1984, 6, 15), D(2024, 6, 14), 39),  # the day before the 40th birthday
        (D(1984, 6, 15), D(2024, 6, 15), 40),  # the birthday itself completes the year
        (D(1984, 6, 15), D(2024, 6, 16), 40),  # the day after
        (D(1984, 1, 1), D(2024, 12, 31), 40),
        (D(1983, 12, 31), D(2024, 12, 31), 41),
        (D(1984, 1, 1), D(2023, 12, 31), 39),
        (D(2000, 5, 5), D(2000, 5, 5), 0),
        (D(2000, 5, 5), D(2001, 5, 4), 0),
        # Born 29 February: 28 February of a common year does not complete the year; 1 March does.
        (D(2000, 2, 29), D(2023, 2, 28), 22),
        (D(2000, 2, 29), D(2023, 3, 1), 23),
        (D(2000, 2, 29), D(2024, 2, 28), 23),
        (D(2000, 2, 29), D(2024, 2, 29), 24),
        (D(2000, 2, 29), D(2024, 3, 1), 24),
        (D(2000, 2, 29), D(2100, 2, 28), 99),  # 2100 is a common year
        (D(2000, 2, 29), D(2100, 3, 1), 100),
        # Born 28 February or 1 March: unaffected by leap years.
        (D(2000, 2, 28), D(2023, 2, 28), 23),
        (D(2000, 3, 1), D(2024, 2, 29), 23),
        (D(2000, 3, 1), D(2024, 3, 1), 24),
    ],
)
def test_age_on_boundaries(birth: dt.date, on: dt.date, age: int) -> None:
    assert age_on(birth, on) == age


def test_age_on_a_day_before_birth_is_an_error() -> None:
    with pytest.raises(ValueError, match="before the birth date"):
        age_on(D(2000, 1, 2), D(2000, 1, 1))


# --- age_on: properties -----------------------------------------------------------------------

dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2150, 12, 31))


def _anniversary(birth: dt.date, year: int) -> dt.date:
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return D(year, 3, 1)


def _brute_force_age(birth: dt.date, on: dt.date) -> int:
    """Count the birthdays that have come by `on`."""
    return sum(1 for year in range(birth.year + 1, on.year + 1) if _anniversary(birth, year) <= on)


@given(a=dates, b=dates)
def test_age_on_matches_a_count_of_birthdays(a: dt.date, b: dt.date) -> None:
    birth, on = min(a, b), max(a, b)
    assert age_on(birth, on) == _brute_force_age(birth, on)


@given(birth=dates, on=dates, later=st.integers(0, 3000))
def test_age_never_falls_as_the_day_moves_on(birth: dt.date, on: dt.date, later: int) -> None:
    on = max(birth, on)
    assert age_on(birth, on) <= age_on(birth, on + dt.timedelta(days=later))


@given(birth=dates, on=dates, earlier=st.integers(0, 3000))
def test_an_earlier_birth_is_never_younger(birth: dt.date, on: dt.date, earlier: int) -> None:
    on = max(birth, on)
    assert age_on(birth - dt.timedelta(days=earlier), on) >= age_on(birth, on)


@given(birth=dates, years=st.integers(0, 120))
def test_the_nth_birthday_makes_n_and_the_day_before_n_minus_one(birth: dt.date, years: int) -> None:
    birthday = _anniversary(birth, birth.year + years)
    assert age_on(birth, birthday) == years
    if years > 0:
        assert age_on(birth, birthday - dt.timedelta(days=1)) == years - 1


@given(cutoff=st.dates(min_value=D(2000, 1, 1), max_value=D(2150, 12, 31)), limit=st.integers(18, 90))
def test_earliest_birth_date_is_the_exact_boundary(cutoff: dt.date, limit: int) -> None:
    earliest = earliest_birth_date(cutoff, limit)
    assert age_on(earliest, cutoff) <= limit
    assert age_on(earliest - dt.timedelta(days=1), cutoff) == limit + 1


@given(leap_year=st.integers(500, 537).map(lambda n: 4 * n), limit=st.integers(18, 90))
def test_earliest_birth_date_for_a_29_february_cutoff(leap_year: int, limit: int) -> None:
    cutoff = D(leap_year, 2, 29) if leap_year % 100 else D(2024, 2, 29)
    earliest = earliest_birth_date(cutoff, limit)
    assert age_on(earliest, cutoff) <= limit
    assert age_on(earliest - dt.timedelta(days=1), cutoff) == limit + 1


@given(year=st.integers(1950, 2150), limit=st.integers(18, 90), birth=dates)
def test_a_31_december_cutoff_is_born_on_or_after_1_january(year: int, limit: int, birth: dt.date) -> None:
    # The notices' form [S8][S45]: "<= limit" with ages on 31 Dec = "born on or after 1 Jan of year - limit".
    cutoff = D(year, 12, 31)
    if birth <= cutoff:
        assert (age_on(birth, cutoff) <= limit) == (birth >= D(year - limit, 1, 1))


@pytest.mark.parametrize(
    ("cutoff", "limit", "earliest"),
    [
        (D(2024, 12, 31), 40, D(1984, 1, 1)),  # Shandong 2024: male born on or after 1984-01-01 [S8]
        (D(2023, 12, 31), 40, D(1983, 1, 1)),  # national 18th edition, men [S49]
        (D(2023, 12, 31), 45, D(1978, 1, 1)),  # national 18th edition, women [S49]
        (D(2024, 2, 29), 40, D(1983, 3, 1)),
        (D(2024, 2, 29), 39, D(1984, 3, 1)),  # born 29 Feb 1984 is 40 on 29 Feb 2024
        (D(2025, 2, 28), 40, D(1984, 2, 29)),
        (D(2024, 2, 28), 40, D(1983, 3, 1)),
    ],
)
def test_earliest_birth_date_examples(cutoff: dt.date, limit: int, earliest: dt.date) -> None:
    assert earliest_birth_date(cutoff, limit) == earliest


# --- helpers for check_person -----------------------------------------------------------------

YOUTH = default_programme(ProgrammeKind.YOUTH_AWARD, 2024)
ACADEMICIAN = default_programme(ProgrammeKind.ACADEMICIAN, 2025)
WORKER = default_programme(ProgrammeKind.OUTSTANDING_WORKER, 2023)
OPEN_DAY = D(2024, 3, 15)


def person_for(programme: Programme, birth: dt.date, sex: Sex = "male", seq: int = 7, **changes: Any) -> TalentPerson:
    """A complete, consistent form for `programme`; `changes` override single fields."""
    base = TalentPerson(
        name="李青",
        id_number=make("370102", birth, seq, sex),
        sex=sex,
        birth_date=birth,
        materials=frozenset(programme.materials),
    )
    if programme.kind is ProgrammeKind.ACADEMICIAN:
        base = dataclasses.replace(base, academy=Academy.CAE)
    if programme.kind is ProgrammeKind.OUTSTANDING_WORKER:
        base = dataclasses.replace(base, unit="山东大学", categories=frozenset())
    return dataclasses.replace(base, **changes)


def with_cutoff(programme: Programme, cutoff: dt.date) -> Programme:
    return dataclasses.replace(programme, age_cutoff=cutoff)


# --- identity ---------------------------------------------------------------------------------


def test_a_complete_eligible_youth_form_has_no_reasons() -> None:
    assert check_person(person_for(YOUTH, D(1990, 5, 1)), YOUTH, TalentContext(today=OPEN_DAY)) == []


def test_an_invalid_id_number_gives_the_idcard_reason() -> None:
    person = person_for(YOUTH, D(1990, 5, 1), id_number="37010219900501")
    assert check_person(person, YOUTH, TalentContext()) == [parse("37010219900501")]


def test_a_wrong_check_character_is_refused() -> None:
    good = make("370102", D(1990, 5, 1), 7, "male")
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    assert codes(check_person(person_for(YOUTH, D(1990, 5, 1), id_number=bad), YOUTH, TalentContext())) == [
        ("idcard.check_digit", "id_number")
    ]


def test_declared_sex_and_birth_date_must_match_the_card() -> None:
    person = person_for(YOUTH, D(1990, 5, 1), sex="male", birth_date=D(1990, 5, 2))
    person = dataclasses.replace(person, sex="female")
    assert codes(check_person(person, YOUTH, TalentContext())) == [
        ("talent.sex_mismatch", "sex"),
        ("talent.birth_date_mismatch", "birth_date"),
    ]


def test_a_number_typed_with_lower_case_x_and_spaces_is_accepted() -> None:
    birth = D(1990, 5, 1)
    number = next(n for seq in range(50) if (n := make("370102", birth, seq, "female")).endswith("X"))
    sloppy = f" {number[:6]} {number[6:-1]}x "
    assert check_person(person_for(YOUTH, birth, "female", id_number=sloppy), YOUTH, TalentContext()) == []


def test_the_card_birth_date_decides_the_age_when_the_declared_one_is_wrong() -> None:
    # The card says 1983 (too old); a declared 1990 must not hide that.
    person = person_for(YOUTH, D(1983, 5, 1), birth_date=D(1990, 5, 1))
    assert codes(check_person(person, YOUTH, TalentContext())) == [
        ("talent.birth_date_mismatch", "birth_date"),
        ("talent.youth.too_old", "birth_date"),
    ]


def test_the_declared_birth_date_is_used_when_the_card_is_invalid() -> None:
    person = person_for(YOUTH, D(1983, 5, 1), id_number="123")
    assert codes(check_person(person, YOUTH, TalentContext())) == [
        ("idcard.length", "id_number"),
        ("talent.youth.too_old", "birth_date"),
    ]


def test_a_birth_after_the_cutoff_is_refused() -> None:
    cfg = with_cutoff(YOUTH, D(2024, 1, 1))
    assert codes(check_person(person_for(cfg, D(2024, 1, 2)), cfg, TalentContext())) == [
        ("talent.born_after_cutoff", "birth_date")
    ]


# --- missing fields and draft mode ------------------------------------------------------------

YOUTH_FIELDS = ["name", "id_number", "sex", "birth_date", "materials.nomination_form", "materials.opinion_form"]


@pytest.mark.parametrize(("draft", "code"), [(True, INCOMPLETE), (False, REQUIRED)])
def test_an_empty_youth_form_lists_every_missing_field(draft: bool, code: str) -> None:
    reasons = check_person(TalentPerson(), YOUTH, TalentContext(), draft=draft)
    assert codes(reasons) == [(code, f) for f in YOUTH_FIELDS]


@pytest.mark.parametrize(("draft", "code"), [(True, INCOMPLETE), (False, REQUIRED)])
def test_an_empty_academician_form_also_needs_the_academy(draft: bool, code: str) -> None:
    reasons = check_person(TalentPerson(), ACADEMICIAN, TalentContext(), draft=draft)
    assert codes(reasons) == [(code, f) for f in ["name", "id_number", "sex", "birth_date", "academy"]] + [
        (code, "materials.nomination_form")
    ]


@pytest.mark.parametrize(("draft", "code"), [(True, INCOMPLETE), (False, REQUIRED)])
def test_an_empty_worker_form_also_needs_unit_and_categories(draft: bool, code: str) -> None:
    reasons = check_person(TalentPerson(), WORKER, TalentContext(), draft=draft)
    assert codes(reasons) == [
        (code, f)
        for f in ["name", "id_number", "sex", "birth_date", "unit", "categories", "materials.recommendation_form"]
    ]


def test_missing_reasons_are_bilingual() -> None:
    person = person_for(YOUTH, D(1990, 5, 1), name="  ", materials=frozenset({"nomination_form"}))
    assert check_person(person, YOUTH, TalentContext(), draft=True) == [
        Reason(INCOMPLETE, "尚未填写姓名", "the name is not filled in yet", "name"),
        Reason(
            INCOMPLETE,
            "尚未上传人选征求意见表",
            "the consultation form on the candidate is not uploaded yet",
            "materials.opinion_form",
        ),
    ]
    assert check_person(person, YOUTH, TalentContext()) == [
        Reason(REQUIRED, "姓名为必填项", "the name is required", "name"),
        Reason(
            REQUIRED,
            "缺少人选征求意见表",
            "the consultation form on the candidate is missing",
            "materials.opinion_form",
        ),
    ]


def test_a_draft_still_reports_what_can_already_be_judged() -> None:
    # Only the birth date is filled in, and it is too old: the draft says so at once.
    person = TalentPerson(sex="male", birth_date=D(1980, 1, 1))
    assert codes(check_person(person, YOUTH, TalentContext(), draft=True)) == [
        (INCOMPLETE, "name"),
        (INCOMPLETE, "id_number"),
        (INCOMPLETE, "materials.nomination_form"),
        (INCOMPLETE, "materials.opinion_form"),
        ("talent.youth.too_old", "birth_date"),
    ]


def test_a_draft_without_sex_skips_the_sex_specific_age_rule() -> None:
    person = TalentPerson(birth_date=D(1980, 1, 1))
    assert ("talent.youth.too_old", "birth_date") not in codes(check_person(person, YOUTH, TalentContext(), draft=True))


# --- window, society quota, one recommendation per edition ------------------------------------


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (D(2024, 2, 29), [("talent.window_not_open", None)]),
        (D(2024, 3, 1), []),
        (D(2024, 4, 30), []),
        (D(2024, 5, 1), [("talent.window_closed", None)]),
        (None, []),
    ],
)
def test_nomination_window_is_inclusive(today: dt.date | None, expected: list[tuple[str, None]]) -> None:
    person = person_for(YOUTH, D(1990, 5, 1))
    assert codes(check_person(person, YOUTH, TalentContext(today=today))) == expected


def test_window_reason_names_the_date() -> None:
    person = person_for(YOUTH, D(1990, 5, 1))
    assert check_person(person, YOUTH, TalentContext(today=D(2024, 5, 1))) == [
        Reason("talent.window_closed", "推荐已于2024-04-30截止", "recommendations closed on 2024-04-30")
    ]


@pytest.mark.parametrize(("used", "quota", "refused"), [(0, 1, False), (1, 1, True), (1, 2, False), (2, 2, True)])
def test_society_quota(used: int, quota: int, refused: bool) -> None:
    cfg = dataclasses.replace(YOUTH, quota_per_society=quota)
    reasons = check_person(person_for(cfg, D(1990, 5, 1)), cfg, TalentContext(society_used=used))
    assert codes(reasons) == ([("talent.society_quota", None)] if refused else [])


@pytest.mark.parametrize("cfg", [YOUTH, ACADEMICIAN, WORKER])
def test_one_recommendation_per_person_per_edition(cfg: Programme) -> None:
    person = person_for(cfg, D(1990, 5, 1))
    assert person.id_number is not None
    other = TalentContext(other_recommendations=frozenset({make("370102", D(1990, 5, 1), 8, "male")}))
    assert check_person(person, cfg, other) == []
    same = TalentContext(other_recommendations=frozenset({person.id_number.lower()}))
    assert codes(check_person(person, cfg, same)) == [("talent.duplicate_recommendation", "id_number")]
    private = TalentContext(
        other_recommendations=frozenset({person.id_number}), private_recommendations=frozenset({person.id_number})
    )
    assert codes(check_person(person, cfg, private)) == [("talent.person_unavailable", "id_number")]


# --- youth award (F12) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sex", "birth", "eligible"),
    [
        # Shandong 2024 form: "male born on or after 1984-01-01" [S8]; ages on 31 Dec 2024.
        ("male", D(1984, 1, 1), True),
        ("male", D(1983, 12, 31), False),
        ("female", D(1979, 1, 1), True),
        ("female", D(1978, 12, 31), False),
        ("male", D(2000, 1, 1), True),
    ],
)
def test_youth_age_limit_per_sex_2024(sex: Sex, birth: dt.date, eligible: bool) -> None:
    reasons = check_person(person_for(YOUTH, birth, sex), YOUTH, TalentContext())
    assert codes(reasons) == ([] if eligible else [("talent.youth.too_old", "birth_date")])


@pytest.mark.parametrize(
    ("sex", "birth", "eligible"),
    [
        # National 18th edition: men born on/after 1983-01-01, women on/after 1978-01-01 [S49][S50].
        ("male", D(1983, 1, 1), True),
        ("male", D(1982, 12, 31), False),
        ("female", D(1978, 1, 1), True),
        ("female", D(1977, 12, 31), False),
    ],
)
def test_youth_age_limit_reproduces_the_national_18th_edition(sex: Sex, birth: dt.date, eligible: bool) -> None:
    cfg = with_cutoff(YOUTH, D(2023, 12, 31))
    reasons = check_person(person_for(cfg, birth, sex), cfg, TalentContext())
    assert codes(reasons) == ([] if eligible else [("talent.youth.too_old", "birth_date")])


@pytest.mark.parametrize(
    ("birth", "eligible"),
    [
        (D(1983, 6, 29), False),  # 41 since the day before the cut-off
        (D(1983, 6, 30), False),  # turns 41 on the cut-off day itself
        (D(1983, 7, 1), True),  # turns 41 the day after
        (D(1984, 6, 30), True),  # exactly 40 on the cut-off day
    ],
)
def test_youth_age_on_the_cutoff_day_itself(birth: dt.date, eligible: bool) -> None:
    cfg = with_cutoff(YOUTH, D(2024, 6, 30))
    reasons = check_person(person_for(cfg, birth), cfg, TalentContext())
    assert codes(reasons) == ([] if eligible else [("talent.youth.too_old", "birth_date")])


@pytest.mark.parametrize(
    ("cutoff", "eligible"),
    [
        # Born 29 Feb 1984, man, limit 40: the 41st birthday falls on 1 March 2025 (common year).
        (D(2025, 2, 28), True),
        (D(2025, 3, 1), False),
        # Limit 40 reached in the leap year 2024 on 29 Feb; with limit 39 that day is one too many.
        (D(2024, 2, 28), True),
        (D(2024, 2, 29), False),
        (D(2024, 3, 1), False),
    ],
)
def test_youth_age_of_a_leap_day_birth(cutoff: dt.date, eligible: bool) -> None:
    limit = 40 if cutoff.year == 2025 else 39
    cfg = with_rules(with_cutoff(YOUTH, cutoff), max_age_male=limit)
    reasons = check_person(person_for(cfg, D(1984, 2, 29)), cfg, TalentContext())
    assert codes(reasons) == ([] if eligible else [("talent.youth.too_old", "birth_date")])


def test_too_old_reason_explains_the_limit() -> None:
    assert check_person(person_for(YOUTH, D(1983, 12, 31)), YOUTH, TalentContext()) == [
        Reason(
            "talent.youth.too_old",
            "截至2024-12-31年满41周岁，男性候选人不超过40周岁（1984-01-01及以后出生）",
            "aged 41 on 2024-12-31; the limit for men is 40 (born on or after 1984-01-01)",
            "birth_date",
        )
    ]


def test_an_earlier_youth_award_winner_is_refused() -> None:
    person = person_for(YOUTH, D(1990, 5, 1))
    assert person.id_number is not None
    context = TalentContext(earlier_winners=frozenset({person.id_number}))
    assert codes(check_person(person, YOUTH, context)) == [("talent.youth.earlier_winner", "id_number")]


# --- academician (F13) ------------------------------------------------------------------------


def academician(age: int, **changes: Any) -> TalentPerson:
    """A CAE candidate exactly `age` on the programme's cut-off (31 Dec 2025)."""
    return person_for(ACADEMICIAN, D(2025 - age, 12, 31), **changes)


def test_a_cae_candidate_under_the_normal_age_limit_is_eligible() -> None:
    assert check_person(academician(60), ACADEMICIAN, TalentContext()) == []


def test_a_cas_candidate_cannot_be_forwarded_by_the_province() -> None:
    reasons = check_person(academician(60, academy=Academy.CAS), ACADEMICIAN, TalentContext())
    assert codes(reasons) == [("talent.academician.academy_not_allowed", "academy")]


@pytest.mark.parametrize(
    ("birth", "needs_nominators"),
    [
        (D(1960, 1, 1), False),  # exactly 65 on 31 Dec 2025
        (D(1960, 12, 31), False),  # turns 65 on the cut-off day
        (D(1959, 12, 31), True),  # turns 66 on the cut-off day
        (D(1960, 1, 2), False),
    ],
)
def test_nominator_counts_are_needed_only_above_65(birth: dt.date, needs_nominators: bool) -> None:
    reasons = check_person(person_for(ACADEMICIAN, birth), ACADEMICIAN, TalentContext())
    expected = [(REQUIRED, "academician_nominators"), (REQUIRED, "same_division_nominators")]
    assert codes(reasons) == (expected if needs_nominators else [])


def test_missing_nominator_counts_are_incomplete_in_a_draft() -> None:
    reasons = check_person(academician(66), ACADEMICIAN, TalentContext(), draft=True)
    assert codes(reasons) == [(INCOMPLETE, "academician_nominators"), (INCOMPLETE, "same_division_nominators")]


@pytest.mark.parametrize(
    ("total", "same", "expected"),
    [
        (6, 4, []),
        (9, 6, []),
        (5, 4, [("talent.academician.too_few_nominators", "academician_nominators")]),
        (6, 3, [("talent.academician.too_few_same_division", "same_division_nominators")]),
        (
            3,
            2,
            [
                ("talent.academician.too_few_nominators", "academician_nominators"),
                ("talent.academician.too_few_same_division", "same_division_nominators"),
            ],
        ),
        (6, 7, [("talent.academician.nominator_counts", "same_division_nominators")]),
    ],
)
def test_above_65_six_nominators_four_from_the_division(total: int, same: int, expected: list[tuple[str, str]]) -> None:
    person = academician(68, academician_nominators=total, same_division_nominators=same)
    assert codes(check_person(person, ACADEMICIAN, TalentContext())) == expected


def test_too_few_nominators_reason_is_bilingual() -> None:
    person = academician(68, academician_nominators=5, same_division_nominators=4)
    assert check_person(person, ACADEMICIAN, TalentContext()) == [
        Reason(
            "talent.academician.too_few_nominators",
            "年满68周岁（超过65周岁）需有不少于6位院士提名，现有5位",
            "aged 68, above 65, a candidate needs at least 6 academician nominators, not 5",
            "academician_nominators",
        )
    ]


@pytest.mark.parametrize(
    ("age", "nominated_before", "expected"),
    [
        (70, True, []),  # 70 is not above 70
        (71, False, []),
        (71, True, [("talent.academician.nominated_before", "id_number")]),
        (80, True, [("talent.academician.nominated_before", "id_number")]),
    ],
)
def test_above_70_only_once(age: int, nominated_before: bool, expected: list[tuple[str, str]]) -> None:
    person = academician(age, academician_nominators=6, same_division_nominators=4)
    assert person.id_number is not None
    earlier = frozenset({person.id_number}) if nominated_before else frozenset()
    assert codes(check_person(person, ACADEMICIAN, TalentContext(earlier_nominees=earlier))) == expected


def test_a_candidate_may_come_through_one_channel_only() -> None:
    person = academician(60)
    assert person.id_number is not None
    context = TalentContext(
        other_channels={person.id_number: ("全国学会推荐（中国机械工程学会）", "a national society")}
    )
    reasons = check_person(person, ACADEMICIAN, context)
    assert codes(reasons) == [("talent.academician.other_channel", "id_number")]
    assert reasons[0].zh == "此人已通过全国学会推荐（中国机械工程学会）被推荐，每位候选人只能选择一个推荐渠道"
    relaxed = with_rules(ACADEMICIAN, single_channel=False)
    assert check_person(person, relaxed, context) == []


# --- outstanding worker (F14) -----------------------------------------------------------------


def test_an_eligible_worker_has_no_reasons_and_no_age_limit() -> None:
    assert check_person(person_for(WORKER, D(1935, 1, 1)), WORKER, TalentContext()) == []


def test_the_title_is_granted_once() -> None:
    person = person_for(WORKER, D(1975, 1, 1))
    assert person.id_number is not None
    context = TalentContext(earlier_winners=frozenset({person.id_number}))
    assert codes(check_person(person, WORKER, context)) == [("talent.worker.title_held", "id_number")]


@pytest.mark.parametrize("category", list(ExclusionCategory))
def test_each_excluded_category_is_refused(category: ExclusionCategory) -> None:
    person = person_for(WORKER, D(1975, 1, 1), categories=frozenset({category}))
    assert codes(check_person(person, WORKER, TalentContext())) == [("talent.worker.excluded_category", "categories")]


def test_every_excluded_category_is_reported_in_a_stable_order() -> None:
    person = person_for(WORKER, D(1975, 1, 1), categories=frozenset(ExclusionCategory))
    assert [r.en for r in check_person(person, WORKER, TalentContext())] == [
        "full-time staff of an association or society office are not eligible",
        "enterprise administrative staff are not eligible",
        "staff of party or state organs are not eligible",
    ]


def test_a_category_the_programme_does_not_exclude_is_allowed() -> None:
    cfg = with_rules(WORKER, excluded_categories=frozenset())
    person = person_for(cfg, D(1975, 1, 1), categories=frozenset({ExclusionCategory.ENTERPRISE_ADMIN_STAFF}))
    assert check_person(person, cfg, TalentContext()) == []


@pytest.mark.parametrize(
    ("same_unit_used", "quota", "refused"),
    [(0, 1, False), (1, 1, True), (1, 2, False), (2, 2, True), (3, 2, True)],
)
def test_per_unit_quota(same_unit_used: int, quota: int, refused: bool) -> None:
    cfg = with_rules(WORKER, per_unit_quota=quota)
    reasons = check_person(person_for(cfg, D(1975, 1, 1)), cfg, TalentContext(same_unit_used=same_unit_used))
    assert codes(reasons) == ([("talent.worker.unit_quota", "unit")] if refused else [])


# --- every rule at once -----------------------------------------------------------------------


def test_every_failing_rule_is_returned_together() -> None:
    person = person_for(
        WORKER, D(1975, 1, 1), sex="female", categories=frozenset({ExclusionCategory.ENTERPRISE_ADMIN_STAFF})
    )
    person = dataclasses.replace(person, sex="male", materials=frozenset())
    assert person.id_number is not None
    context = TalentContext(
        today=D(2023, 6, 1),
        society_used=1,
        other_recommendations=frozenset({person.id_number}),
        earlier_winners=frozenset({person.id_number}),
        same_unit_used=1,
    )
    assert codes(check_person(person, WORKER, context)) == [
        (REQUIRED, "materials.recommendation_form"),
        ("talent.sex_mismatch", "sex"),
        ("talent.window_closed", None),
        ("talent.society_quota", None),
        ("talent.duplicate_recommendation", "id_number"),
        ("talent.worker.title_held", "id_number"),
        ("talent.worker.excluded_category", "categories"),
        ("talent.worker.unit_quota", "unit"),
    ]
