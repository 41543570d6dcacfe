"""Award eligibility fed with what users enter: the youth award's age limit, identity numbers
that agree with the birth date and sex, and the other rules of the reference (issue 14)."""

from __future__ import annotations

import datetime as dt

import pytest

from nominations import services
from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import Category, Grade
from nominations.rules.eligibility import (
    ContributingUnit,
    Contributor,
    EligibilityContext,
    NominationFacts,
    check_nomination,
)
from nominations.schemas import ContributorIn, NominationBody, NominationIn, UnitIn
from tests.nominations.support import nominating_society
from tests.support import login, post_form
from xuehui.clock import today
from xuehui.errors import InvalidInput
from xuehui.idcard import make

CYCLE = default_cycle(2026)


def youth_facts(birth: dt.date) -> NominationFacts:
    person = Contributor(name="李青", id_number=make("370102", birth, 3, "male"))
    return NominationFacts(
        nomination_id="y1",
        title="李青",
        category=Category.YOUTH_SCIENCE,
        grade=Grade.UNGRADED,
        contributors=(person,),
        units=(ContributingUnit("山东大学", "370000"),),
    )


def codes(facts: NominationFacts) -> list[str]:
    return [r.code for r in check_nomination(facts, CYCLE, EligibilityContext())]


def test_the_youth_award_takes_candidates_aged_40_or_under_on_the_cut_off_date() -> None:
    assert CYCLE.eligibility.age_cut_off == dt.date(2026, 12, 31)
    assert codes(youth_facts(dt.date(1986, 1, 1))) == []  # 40 on 31 December 2026
    assert codes(youth_facts(dt.date(1985, 12, 31))) == ["eligibility.too_old"]  # 41 that day
    reason = check_nomination(youth_facts(dt.date(1960, 5, 1)), CYCLE, EligibilityContext())[0]
    assert (reason.zh, reason.field) == (
        "第1位完成人李青截至2026-12-31已满66周岁，科学技术青年奖限40周岁以下",
        "contributors[0].birth_date",
    )


def test_the_age_limit_is_cycle_data() -> None:
    params = CYCLE.eligibility.model_copy(update={"age_limits": {Category.YOUTH_SCIENCE: 45}})
    cycle = CYCLE.model_copy(update={"eligibility": params})
    assert [r.code for r in check_nomination(youth_facts(dt.date(1982, 1, 1)), cycle, EligibilityContext())] == []


def youth_nomination(birth: dt.date) -> NominationIn:
    return NominationIn(
        title="青年学者李青",
        category="youth_science",
        grade="ungraded",
        body=NominationBody(
            summary="青年学者。",
            contributors=[ContributorIn(name="李青", id_number=make("370102", birth, 3, "male"), unit="山东大学")],
            units=[UnitIn(name="山东大学", province_code="370000")],
        ),
    )


async def test_a_youth_award_candidate_born_in_1960_is_refused_on_submit() -> None:
    cycle_id, admin, nominator, society_id = await nominating_society()
    await services.set_quota(admin, cycle_id, society_id, "youth_science", 1)
    old = await services.create_nomination(nominator, cycle_id, youth_nomination(dt.date(1960, 3, 1)))
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, old)
    assert [r.code for r in refused.value.reasons] == ["eligibility.too_old"]
    young = await services.create_nomination(nominator, cycle_id, youth_nomination(dt.date(today().year - 35, 3, 1)))
    assert await services.submit(nominator, young) == "submitted"
    quotas = await services.society_quotas(nominator, cycle_id, society_id)
    assert [q["used"] for q in quotas if q["category"] == "youth_science"] == [1]


async def test_the_nomination_form_says_a_youth_candidate_is_too_old(client) -> None:
    await nominating_society()
    await login(client, "nominator")
    fields = {
        "title": "青年学者李青",
        "category": "youth_science",
        "grade": "ungraded",
        "c_name_0": "李青",
        "c_id_0": make("370102", dt.date(1960, 3, 1), 3, "male"),
        "u_name_0": "山东大学",
        "u_province_0": "370000",
    }
    response = await post_form(client, "/nominations/check", fields, "/nominations/new")
    assert 'data-code="eligibility.too_old"' in response.text
    assert f"已满{today().year - 1960}周岁，科学技术青年奖限40周岁以下" in response.text
