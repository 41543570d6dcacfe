"""Talent programmes: the sourced defaults (award_domain.md §4-6), validation and the JSON form."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nominations.rules.programme.defaults import default_programme
from nominations.rules.programme.model import (
    AcademicianRules,
    Academy,
    DayKind,
    ExclusionCategory,
    NoticeWindow,
    Programme,
    ProgrammeKind,
    ReviewStage,
    WorkerRules,
    YouthRules,
)
from nominations.rules.programme.storage import SCHEMA_VERSION, programme_from_dict, programme_to_dict
from nominations.rules.programme.validation import validate_programme
from xuehui.errors import InvalidInput, Reason


def codes(reasons: list[Reason]) -> list[tuple[str, str | None]]:
    return [(r.code, r.field) for r in reasons]


def with_rules(cfg: Programme, **changes: Any) -> Programme:
    """`cfg` with some kind-specific rule parameters changed."""
    return dataclasses.replace(cfg, rules=dataclasses.replace(cfg.rules, **changes))


YOUTH = default_programme(ProgrammeKind.YOUTH_AWARD, 2024)
ACADEMICIAN = default_programme(ProgrammeKind.ACADEMICIAN, 2025)
WORKER = default_programme(ProgrammeKind.OUTSTANDING_WORKER, 2023)


# --- defaults ---------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(ProgrammeKind))
@pytest.mark.parametrize("year", [1989, 2024, 2025, 2100])
def test_every_default_programme_is_valid(kind: ProgrammeKind, year: int) -> None:
    cfg = default_programme(kind, year)
    assert validate_programme(cfg) == []
    assert (cfg.kind, cfg.edition_year, cfg.age_cutoff) == (kind, year, dt.date(year, 12, 31))
    assert cfg.window_opens.year == cfg.window_closes.year == year


def test_youth_defaults_follow_f12() -> None:
    assert YOUTH.rules == YouthRules(max_age_male=40, max_age_female=45)
    assert YOUTH.quota_per_society == 1
    assert YOUTH.materials == ("nomination_form", "opinion_form")
    assert YOUTH.notice == NoticeWindow(7, DayKind.CALENDAR)
    assert [s.name for s in YOUTH.stages] == ["formal_review", "expert_review", "committee_vote", "public_notice"]
    # The provincial award's own limits are NOT FOUND (§4.2), so they are flagged for confirmation.
    assert "rules.max_age_male" in YOUTH.unsourced
    assert "rules.max_age_female" in YOUTH.unsourced


def test_academician_defaults_follow_f13() -> None:
    assert ACADEMICIAN.rules == AcademicianRules(
        allowed_academies=frozenset({Academy.CAE}),
        normal_age_limit=65,
        extended_min_nominators=6,
        extended_min_same_division=4,
        once_only_above_age=70,
        single_channel=True,
    )
    assert ACADEMICIAN.notice == NoticeWindow(5, DayKind.CALENDAR)
    assert "notice.day_kind" in ACADEMICIAN.unsourced
    assert "rules.single_channel" in ACADEMICIAN.unsourced
    assert ACADEMICIAN.window_closes == dt.date(2025, 3, 31)


def test_worker_defaults_follow_f14() -> None:
    assert WORKER.rules == WorkerRules(
        cycle_years=3,
        excluded_categories=frozenset(
            {
                ExclusionCategory.PARTY_STATE_ORGAN_STAFF,
                ExclusionCategory.ASSOCIATION_SOCIETY_STAFF,
                ExclusionCategory.ENTERPRISE_ADMIN_STAFF,
            }
        ),
        per_unit_quota=1,
    )
    assert WORKER.materials == ("recommendation_form",)
    assert WORKER.notice == NoticeWindow(5, DayKind.WORKING)


def test_default_committee_votes_need_more_than_half() -> None:
    for cfg in (YOUTH, ACADEMICIAN, WORKER):
        committee = next(s for s in cfg.stages if s.name == "committee_vote")
        assert (committee.approval, committee.approval_strict) == (Fraction(1, 2), True)


# --- vote thresholds --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "yes", "cast", "passes"),
    [
        (ReviewStage("vote", Fraction(1, 2), approval_strict=True), 5, 10, False),
        (ReviewStage("vote", Fraction(1, 2), approval_strict=True), 6, 10, True),
        (ReviewStage("vote", Fraction(1, 2), approval_strict=False), 5, 10, True),
        (ReviewStage("vote", Fraction(2, 3)), 2, 3, True),
        (ReviewStage("vote", Fraction(2, 3)), 66, 100, False),
        (ReviewStage("vote", Fraction(2, 3)), 67, 100, True),
        (ReviewStage("vote", Fraction(2, 3)), 0, 0, False),
        (ReviewStage("vote", Fraction(1)), 11, 11, True),
        (ReviewStage("formal_review"), 0, 0, True),
    ],
)
def test_review_stage_vote_thresholds_are_exact(stage: ReviewStage, yes: int, cast: int, passes: bool) -> None:
    assert stage.passes(yes, cast) is passes


# --- validation -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cfg", "expected"),
    [
        (dataclasses.replace(YOUTH, edition_year=1988), [("programme.invalid", "edition_year")]),
        (dataclasses.replace(YOUTH, edition_year=2201), [("programme.invalid", "edition_year")]),
        (
            dataclasses.replace(YOUTH, window_opens=dt.date(2024, 5, 1), window_closes=dt.date(2024, 4, 30)),
            [("programme.invalid", "window_closes")],
        ),
        (dataclasses.replace(YOUTH, quota_per_society=0), [("programme.invalid", "quota_per_society")]),
        (dataclasses.replace(YOUTH, materials=("a", "a")), [("programme.invalid", "materials")]),
        (dataclasses.replace(YOUTH, materials=(" ",)), [("programme.invalid", "materials")]),
        (dataclasses.replace(YOUTH, stages=()), [("programme.invalid", "stages")]),
        (
            dataclasses.replace(YOUTH, stages=(ReviewStage("a"), ReviewStage("a"))),
            [("programme.invalid", "stages")],
        ),
        (dataclasses.replace(YOUTH, stages=(ReviewStage(" "),)), [("programme.invalid", "stages")]),
        (
            dataclasses.replace(YOUTH, stages=(ReviewStage("vote", Fraction(0)),)),
            [("programme.invalid", "stages.vote.approval")],
        ),
        (
            dataclasses.replace(YOUTH, stages=(ReviewStage("vote", Fraction(3, 2)),)),
            [("programme.invalid", "stages.vote.approval")],
        ),
        (
            dataclasses.replace(YOUTH, stages=(ReviewStage("vote", Fraction(1), approval_strict=True),)),
            [("programme.invalid", "stages.vote.approval")],
        ),
        (dataclasses.replace(YOUTH, notice=NoticeWindow(0, DayKind.CALENDAR)), [("programme.invalid", "notice.days")]),
        (
            dataclasses.replace(YOUTH, rules=YouthRules(max_age_male=17, max_age_female=101)),
            [("programme.invalid", "rules.max_age_male"), ("programme.invalid", "rules.max_age_female")],
        ),
        (dataclasses.replace(YOUTH, rules=WORKER.rules), [("programme.rules_kind", "rules")]),
        (dataclasses.replace(WORKER, rules=YOUTH.rules), [("programme.rules_kind", "rules")]),
        (
            with_rules(
                ACADEMICIAN,
                allowed_academies=frozenset({Academy.CAS, Academy.CAE}),
            ),
            [("programme.academy_not_forwardable", "rules.allowed_academies")],
        ),
        (
            with_rules(ACADEMICIAN, allowed_academies=frozenset()),
            [("programme.invalid", "rules.allowed_academies")],
        ),
        (
            with_rules(ACADEMICIAN, once_only_above_age=64),
            [("programme.invalid", "rules.once_only_above_age")],
        ),
        (
            with_rules(ACADEMICIAN, extended_min_nominators=3),
            [("programme.invalid", "rules.extended_min_nominators")],
        ),
        (
            with_rules(ACADEMICIAN, extended_min_same_division=-1, extended_min_nominators=0),
            [("programme.invalid", "rules.extended_min_same_division")],
        ),
        (
            with_rules(ACADEMICIAN, normal_age_limit=120),
            [("programme.invalid", "rules.normal_age_limit"), ("programme.invalid", "rules.once_only_above_age")],
        ),
        (
            with_rules(WORKER, cycle_years=0, per_unit_quota=0),
            [("programme.invalid", "rules.cycle_years"), ("programme.invalid", "rules.per_unit_quota")],
        ),
    ],
)
def test_validate_programme_reports_each_problem(cfg: Programme, expected: list[tuple[str, str]]) -> None:
    assert codes(validate_programme(cfg)) == expected


def test_validate_programme_reports_every_problem_at_once() -> None:
    cfg = dataclasses.replace(YOUTH, quota_per_society=0, stages=(), notice=NoticeWindow(0, DayKind.WORKING))
    assert codes(validate_programme(cfg)) == [
        ("programme.invalid", "quota_per_society"),
        ("programme.invalid", "stages"),
        ("programme.invalid", "notice.days"),
    ]


def test_validation_reasons_are_bilingual() -> None:
    cfg = dataclasses.replace(YOUTH, quota_per_society=0)
    assert validate_programme(cfg) == [
        Reason("programme.invalid", "应不小于1，实际为0", "must be at least 1, not 0", "quota_per_society")
    ]


# --- JSON form --------------------------------------------------------------------------------


@pytest.mark.parametrize("cfg", [YOUTH, ACADEMICIAN, WORKER])
def test_programme_survives_a_json_round_trip(cfg: Programme) -> None:
    stored = json.loads(json.dumps(programme_to_dict(cfg)))
    assert programme_from_dict(stored) == cfg


def test_programme_dict_is_plain_and_exact() -> None:
    data = programme_to_dict(ACADEMICIAN)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["kind"] == "academician"
    assert data["age_cutoff"] == "2025-12-31"
    assert data["rules"]["allowed_academies"] == ["cae"]
    assert data["stages"][1] == {"name": "committee_vote", "approval": "1/2", "approval_strict": True}
    assert data["notice"] == {"days": 5, "day_kind": "calendar"}


stages_strategy = st.lists(
    st.builds(
        ReviewStage,
        name=st.text(min_size=1, max_size=8),
        approval=st.none() | st.fractions(min_value=Fraction(1, 100), max_value=1, max_denominator=1000),
        approval_strict=st.booleans(),
    ),
    max_size=4,
)
rules_strategy = st.one_of(
    st.builds(YouthRules, max_age_male=st.integers(18, 100), max_age_female=st.integers(18, 100)),
    st.builds(
        AcademicianRules,
        allowed_academies=st.frozensets(st.sampled_from(Academy)),
        normal_age_limit=st.integers(18, 100),
        extended_min_nominators=st.integers(0, 20),
        extended_min_same_division=st.integers(0, 20),
        once_only_above_age=st.integers(18, 100),
        single_channel=st.booleans(),
    ),
    st.builds(
        WorkerRules,
        cycle_years=st.integers(1, 5),
        excluded_categories=st.frozensets(st.sampled_from(ExclusionCategory)),
        per_unit_quota=st.integers(1, 5),
    ),
)
_KIND_OF: dict[type[Any], ProgrammeKind] = {
    YouthRules: ProgrammeKind.YOUTH_AWARD,
    AcademicianRules: ProgrammeKind.ACADEMICIAN,
    WorkerRules: ProgrammeKind.OUTSTANDING_WORKER,
}


@given(
    rules=rules_strategy,
    year=st.integers(1989, 2200),
    dates=st.tuples(st.dates(), st.dates(), st.dates()),
    quota=st.integers(0, 10),
    materials=st.lists(st.text(max_size=10), max_size=3),
    stages=stages_strategy,
    notice=st.builds(NoticeWindow, days=st.integers(0, 30), day_kind=st.sampled_from(DayKind)),
    unsourced=st.lists(st.text(max_size=10), max_size=3),
)
def test_any_programme_survives_a_json_round_trip(
    rules: YouthRules | AcademicianRules | WorkerRules,
    year: int,
    dates: tuple[dt.date, dt.date, dt.date],
    quota: int,
    materials: list[str],
    stages: list[ReviewStage],
    notice: NoticeWindow,
    unsourced: list[str],
) -> None:
    cfg = Programme(
        kind=_KIND_OF[type(rules)],
        edition_year=year,
        window_opens=dates[0],
        window_closes=dates[1],
        age_cutoff=dates[2],
        quota_per_society=quota,
        materials=tuple(materials),
        rules=rules,
        stages=tuple(stages),
        notice=notice,
        unsourced=tuple(unsourced),
    )
    assert programme_from_dict(json.loads(json.dumps(programme_to_dict(cfg)))) == cfg


def _broken(path: tuple[str | int, ...], value: object) -> dict[str, Any]:
    """The youth programme's dict with one value replaced (or removed when `value` is ...)."""
    data: dict[str, Any] = json.loads(json.dumps(programme_to_dict(YOUTH)))
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (("kind",), ..., "kind"),
        (("kind",), "top_award", "kind"),
        (("edition_year",), "2024", "edition_year"),
        (("edition_year",), True, "edition_year"),
        (("window_opens",), "2024-02-30", "window_opens"),
        (("window_opens",), 20240301, "window_opens"),
        (("materials",), "nomination_form", "materials"),
        (("materials",), [1], "materials"),
        (("rules",), [], "rules"),
        (("rules", "max_age_male"), None, "rules.max_age_male"),
        (("stages",), {}, "stages"),
        (("stages", 0), "formal_review", "stages[0]"),
        (("stages", 2, "approval"), "1/0", "stages[2].approval"),
        (("stages", 2, "approval"), "half", "stages[2].approval"),
        (("stages", 2, "approval"), 0.5, "stages[2].approval"),
        (("stages", 2, "approval_strict"), 1, "stages[2].approval_strict"),
        (("notice", "day_kind"), "weekly", "notice.day_kind"),
        (("unsourced",), None, "unsourced"),
    ],
)
def test_malformed_programme_dict_names_the_bad_field(path: tuple[str | int, ...], value: object, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        programme_from_dict(_broken(path, value))
    assert codes(caught.value.reasons) == [("programme.malformed", field)]


def test_academician_rules_with_an_unknown_academy_are_malformed() -> None:
    data = programme_to_dict(ACADEMICIAN)
    data["rules"]["allowed_academies"] = ["cae", "cass"]
    with pytest.raises(InvalidInput) as caught:
        programme_from_dict(data)
    assert codes(caught.value.reasons) == [("programme.malformed", "rules.allowed_academies")]


def test_unknown_schema_version_is_refused() -> None:
    data = programme_to_dict(YOUTH) | {"schema_version": SCHEMA_VERSION + 1}
    with pytest.raises(InvalidInput) as caught:
        programme_from_dict(data)
    assert codes(caught.value.reasons) == [("programme.schema_version", "schema_version")]


def test_a_non_object_is_malformed() -> None:
    with pytest.raises(InvalidInput) as caught:
        programme_from_dict([])  # type: ignore[arg-type]
    assert codes(caught.value.reasons) == [("programme.malformed", "programme")]
