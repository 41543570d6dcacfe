"""The proposed programme of an edition (award_domain.md §4-6; sources in `programme`'s docstring):
the association confirms the values, `unsourced` names those no source backs.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from nominations.rules.programme.model import (
    AcademicianRules,
    Academy,
    DayKind,
    ExclusionCategory,
    KindRules,
    NoticeWindow,
    Programme,
    ProgrammeKind,
    ReviewStage,
    WorkerRules,
    YouthRules,
)

_MAJORITY = Fraction(1, 2)
# Formal review, expert review, the committee's majority vote and the public notice.
_EXPERT_REVIEWED = (
    ReviewStage("formal_review"),
    ReviewStage("expert_review"),
    ReviewStage("committee_vote", _MAJORITY, approval_strict=True),
    ReviewStage("public_notice"),
)


# (month, day) of the first and the last day materials are taken, in the edition's year.
_SPRING_WINDOW = ((3, 1), (4, 30))


def default_programme(kind: ProgrammeKind, edition_year: int) -> Programme:
    """The proposed programme for an edition, following award_domain.md §4-6 (see module docstring)."""
    if kind is ProgrammeKind.YOUTH_AWARD:
        # Counting ages on 31 December makes "<= 40" equal to "born on or after 1 January of
        # year - 40", the form of the Shandong 2024 [S8] and national 2019 [S45] notices.
        return _edition(
            kind,
            edition_year,
            window=_SPRING_WINDOW,
            materials=("nomination_form", "opinion_form"),
            rules=YouthRules(max_age_male=40, max_age_female=45),
            stages=_EXPERT_REVIEWED,
            notice=NoticeWindow(7, DayKind.CALENDAR),
            unsourced=(
                "window_opens",
                "window_closes",
                "rules.max_age_male",
                "rules.max_age_female",
                "stages.committee_vote.approval",
            ),
        )
    if kind is ProgrammeKind.ACADEMICIAN:
        # CAE takes materials from 1 January to 31 March [S38x]; the provincial window must
        # close earlier, by a date the association sets.
        return _edition(
            kind,
            edition_year,
            window=((1, 1), (3, 31)),
            materials=("nomination_form",),
            rules=AcademicianRules(
                allowed_academies=frozenset({Academy.CAE}),
                normal_age_limit=65,
                extended_min_nominators=6,
                extended_min_same_division=4,
                once_only_above_age=70,
                single_channel=True,
            ),
            stages=(
                ReviewStage("formal_review"),
                ReviewStage("committee_vote", _MAJORITY, approval_strict=True),
                ReviewStage("public_notice"),
            ),
            notice=NoticeWindow(5, DayKind.CALENDAR),
            unsourced=(
                "window_opens",
                "window_closes",
                "age_cutoff",
                "quota_per_society",
                "materials",
                "rules.single_channel",
                "stages.committee_vote.approval",
                "notice.day_kind",
            ),
        )
    # Shandong disclosures elsewhere run 5 working days [S8][S15]; no worker-specific period was found.
    return _edition(
        kind,
        edition_year,
        window=_SPRING_WINDOW,
        materials=("recommendation_form",),
        rules=WorkerRules(
            cycle_years=3,
            excluded_categories=frozenset(ExclusionCategory),
            per_unit_quota=1,
        ),
        stages=_EXPERT_REVIEWED,
        notice=NoticeWindow(5, DayKind.WORKING),
        unsourced=(
            "window_opens",
            "window_closes",
            "quota_per_society",
            "materials",
            "rules.excluded_categories",
            "stages.committee_vote.approval",
            "notice",
        ),
    )


def _edition(
    kind: ProgrammeKind,
    edition_year: int,
    *,
    window: tuple[tuple[int, int], tuple[int, int]],
    materials: tuple[str, ...],
    rules: KindRules,
    stages: tuple[ReviewStage, ...],
    notice: NoticeWindow,
    unsourced: tuple[str, ...],
) -> Programme:
    """An edition whose ages count on 31 December and whose societies put forward one person each."""
    (open_month, open_day), (close_month, close_day) = window
    return Programme(
        kind=kind,
        edition_year=edition_year,
        window_opens=dt.date(edition_year, open_month, open_day),
        window_closes=dt.date(edition_year, close_month, close_day),
        age_cutoff=dt.date(edition_year, 12, 31),
        quota_per_society=1,
        materials=materials,
        rules=rules,
        stages=stages,
        notice=notice,
        unsourced=unsourced,
    )
