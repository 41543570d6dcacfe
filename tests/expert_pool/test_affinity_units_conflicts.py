"""Affinity from disciplines and keywords, unit normalisation, and conflict detection."""

from __future__ import annotations

import datetime as dt

import pytest

from expert_pool.rules.affinity import AffinityWeights, Profile, affinity, affinity_pairs, discipline_score
from expert_pool.rules.conflicts import (
    Collaboration,
    ConflictType,
    DeclaredRelation,
    ExpertRecord,
    ItemParties,
    Person,
    detect_conflicts,
)
from expert_pool.rules.units import normalise_unit, unit_codes
from xuehui.idcard import make

OLD, RECENT = dt.date(2020, 1, 1), dt.date(2024, 3, 1)
ITEM = Profile("n1", main=("520.2010",), secondary=("520.30",), keywords=("深度学习", "Graph Neural Network"))


@pytest.mark.parametrize(
    ("expert", "expected"),
    [
        (Profile("a", main=("520.20",)), 1.0),
        (Profile("b", main=("52040",)), 0.6),
        (Profile("c", main=("413.10",), secondary=("520.30",)), 0.4),
        (Profile("d", main=("413.10",)), 0.0),
    ],
)
def test_discipline_levels_score_in_order(expert: Profile, expected: float) -> None:
    assert discipline_score(ITEM, expert) == expected


def test_affinity_adds_weighted_keyword_jaccard_and_pairs_skip_unrelated_experts() -> None:
    expert = Profile("a", main=("520.20",), keywords=("graph neural network", "优化"))
    # discipline 1.0 x 0.7 + Jaccard 1/3 x 0.3
    assert affinity(ITEM, expert) == pytest.approx(0.7 + 0.1)
    assert affinity(ITEM, expert, AffinityWeights(discipline_weight=1, keyword_weight=0)) == 1.0
    others = [expert, Profile("d", main=("413.10",)), Profile("k", main=("110",), keywords=("深度 学习",))]
    assert [(i, e) for i, e, _ in affinity_pairs([ITEM], others)] == [("n1", "a"), ("n1", "k")]


def test_unit_names_normalise_spelling_suffixes_and_affiliations() -> None:
    assert normalise_unit("浙江 大学（玉泉校区）") == "浙江大学(玉泉校区)"
    assert normalise_unit("ＡＢＣ科技股份有限公司") == normalise_unit("abc科技")
    aliases = {
        "浙江大学医学院附属第一医院": "浙江大学医学院",
        "浙江大学医学院": "浙江大学",
        "浙江大学": "浙江大学医学院",
    }
    assert normalise_unit("浙江大学医学院附属第一医院", aliases) == "浙江大学"  # followed through, cycle stops
    assert unit_codes(["有限公司", "  ", None]) == ["有限公司", None, None]


def test_conflicts_are_typed_with_evidence() -> None:
    contributor_id = make("330106", dt.date(1970, 5, 1), 12, "male")
    item = ItemParties(
        "n1",
        people=(Person("张 三", contributor_id), Person("李四")),
        units=("杭州某科技有限公司",),
        nominator_leaders=(Person("王五", None),),
        declared=(DeclaredRelation("e6", "advisor", "博士导师"),),
    )
    today = dt.date(2026, 11, 26)  # the three-year window starts on 2023-11-26
    experts = [
        ExpertRecord("e1", Person("张三", contributor_id.lower())),
        ExpertRecord("e2", Person("张三", make("330106", dt.date(1980, 1, 1), 13, "male"))),
        ExpertRecord("e3", Person("李四")),
        ExpertRecord("e4", Person("赵六"), unit="杭州某科技"),
        ExpertRecord(
            "e5", Person("王五"), collaborations=(Collaboration(Person("李四"), dt.date(2020, 1, 1), "论文"),)
        ),
        ExpertRecord(
            "e6", Person("钱七"), collaborations=(Collaboration(Person("李四"), dt.date(2024, 3, 1), "项目"),)
        ),
    ]
    found = detect_conflicts(item, experts, today=today)
    assert [(c.expert_id, c.type) for c in found] == [
        ("e1", ConflictType.SELF),
        ("e3", ConflictType.SAME_NAME_UNVERIFIED),
        ("e4", ConflictType.SAME_UNIT),
        ("e5", ConflictType.NOMINATOR_LEADER),
        ("e6", ConflictType.RECENT_COLLABORATOR),
        ("e6", ConflictType.DECLARED),
    ]
    assert found[4].evidence_en == "the expert worked with contributor 李四 on 2024-03-01: 项目"
    assert found[5].reason().code == "conflict_declared"
    assert found[5].reason().zh == "申报的回避关系：advisor 博士导师"


def test_a_unit_change_waiting_for_confirmation_counts_beside_the_recorded_unit() -> None:
    item = ItemParties("n1", people=(), units=("浙江大学医学院附属第一医院", "山东大学"))
    experts = [
        ExpertRecord("moving-out", Person("甲"), unit="山东大学", other_units=("复旦大学",)),
        ExpertRecord("moving-in", Person("乙"), unit="复旦大学", other_units=("浙江大学",)),
        ExpertRecord("unrelated", Person("丙"), unit="复旦大学", other_units=("南京大学",)),
        ExpertRecord("asked-only", Person("丁"), other_units=("山东大学",)),
    ]
    aliases = {"浙江大学医学院附属第一医院": "浙江大学"}
    found = detect_conflicts(item, experts, today=dt.date(2026, 12, 1), aliases=aliases)
    assert [(c.expert_id, c.type) for c in found] == [
        ("moving-out", ConflictType.SAME_UNIT),
        ("moving-in", ConflictType.SAME_UNIT),
        ("asked-only", ConflictType.SAME_UNIT),
    ]
