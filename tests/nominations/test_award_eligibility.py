"""Award eligibility fed with what users enter: the youth award's age limit, identity numbers
that agree with the birth date and sex, and the other rules of the reference (issue 14)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from nominations import services
from nominations.demo import declarations
from nominations.rules.cycle.defaults import default_cycle
from nominations.rules.cycle.model import Category, Grade
from nominations.rules.eligibility import (
    ContributingUnit,
    Contributor,
    EligibilityContext,
    NominationFacts,
    Period,
    SocietySelection,
    check_nomination,
)
from nominations.schemas import ContributorIn, NominationBody, NominationIn, UnitIn
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import login, post_form
from xuehui.clock import today
from xuehui.errors import InvalidInput
from xuehui.idcard import make

CYCLE = default_cycle(2026)
# What a complete nomination declares besides the people (each part has its own test below).
DECLARED: dict[str, Any] = {
    "registration_number": "9372026Y0001",
    "single_channel": True,
    "prior_use_declared": True,
    "unit_notice": Period(dt.date(2026, 3, 2), dt.date(2026, 3, 10)),
    "society_selection": SocietySelection(
        dt.date(2026, 3, 12), 7, "同意推荐", Period(dt.date(2026, 3, 16), dt.date(2026, 3, 20))
    ),
}


def youth_facts(birth: dt.date) -> NominationFacts:
    person = Contributor(name="李青", id_number=make("370102", birth, 3, "male"))
    return NominationFacts(
        **DECLARED,
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
            **declarations(),
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


# --- identity numbers against birth dates and sexes -----------------------------------------


def team_facts(*people: Contributor) -> NominationFacts:
    return NominationFacts(
        **DECLARED,
        nomination_id="t1",
        title="精密机床",
        category=Category.TECHNOLOGICAL_INVENTION,
        grade=Grade.SECOND,
        application_started_on=dt.date(2020, 1, 1),
        contributors=people,
        units=(ContributingUnit("山东大学", "370000"),),
    )


def test_the_birth_date_and_sex_must_agree_with_the_identity_number() -> None:
    birth = dt.date(1980, 6, 1)
    first = Contributor(name="张伟", id_number=make("370102", dt.date(1975, 1, 1), 1, "male"))
    agreeing = Contributor(name="王芳", id_number=make("370102", birth, 2, "female"), birth_date=birth, sex="female")
    assert check_nomination(team_facts(first, agreeing), CYCLE, EligibilityContext()) == []
    wrong = Contributor(
        name="王芳", id_number=make("370102", birth, 2, "female"), birth_date=dt.date(1980, 6, 2), sex="male"
    )
    reasons = check_nomination(team_facts(first, wrong), CYCLE, EligibilityContext())
    assert [(r.code, r.field, r.zh) for r in reasons] == [
        (
            "eligibility.birth_date_mismatch",
            "contributors[1].birth_date",
            "第2位完成人：出生日期1980-06-02与身份证号码中的出生日期1980-06-01不一致",
        ),
        (
            "eligibility.sex_mismatch",
            "contributors[1].sex",
            "第2位完成人：性别“男”与身份证号码（第17位表示女性）不一致",
        ),
    ]


def test_every_identity_number_error_names_the_contributors_row() -> None:
    first = Contributor(name="张伟", id_number=make("370102", dt.date(1975, 1, 1), 1, "male"))
    typo = Contributor(name="王芳", id_number=first.id_number[:-1] + ("0" if first.id_number[-1] != "0" else "1"))
    blank = Contributor(name="李强", id_number="")
    twin = Contributor(name="刘洋", id_number=first.id_number)
    reasons = check_nomination(team_facts(first, typo, blank, twin), CYCLE, EligibilityContext())
    assert [(r.code, r.zh) for r in reasons] == [
        ("idcard.check_digit", "第2位完成人：身份证号码校验位不正确"),
        ("nomination.incomplete", "第3位完成人：请填写身份证号码"),
        ("eligibility.contributor_duplicate", "第4位完成人：与第1位完成人身份证号码相同"),
    ]


async def test_a_blank_birth_date_and_sex_are_read_from_the_identity_number() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    number = make("370102", dt.date(1981, 7, 9), 4, "female")
    data = youth_nomination(dt.date(1990, 1, 1))
    data.body.contributors[0] = ContributorIn(name="王芳", id_number=number, unit="山东大学")
    nomination_id = await services.create_nomination(nominator, cycle_id, data)
    saved = (await services.get_nomination(nominator, nomination_id))["body"].contributors[0]
    assert (saved.birth_date, saved.sex) == (dt.date(1981, 7, 9), "female")


async def test_a_typed_birth_date_that_disagrees_with_the_number_is_refused_on_submit() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    data = demo_nomination("精密机床", 3)
    second = data.body.contributors[1]
    data.body.contributors[1] = second.model_copy(update={"birth_date": dt.date(1999, 1, 1)})
    nomination_id = await services.create_nomination(nominator, cycle_id, data)
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, nomination_id)
    assert [(r.code, r.field) for r in refused.value.reasons] == [
        ("eligibility.birth_date_mismatch", "contributors[1].birth_date")
    ]
    assert refused.value.reasons[0].zh.startswith("第2位完成人：出生日期1999-01-01与身份证号码中的出生日期")


async def test_the_form_keeps_a_disagreeing_sex_and_names_the_row(client) -> None:
    await nominating_society()
    await login(client, "nominator")
    fields = {
        "title": "精密机床",
        "category": "technological_invention",
        "grade": "second",
        "application_started_on": "2020-01-01",
        "u_name_0": "山东大学",
        "u_province_0": "370000",
    }
    for i, sex in enumerate(("male", "male")):
        fields[f"c_name_{i}"] = f"人{i}"
        fields[f"c_id_{i}"] = make("370102", dt.date(1980, 1, 1 + i), i, "female" if i else "male")
        fields[f"c_sex_{i}"] = sex
    response = await post_form(client, "/nominations", fields, "/nominations/new")
    assert response.status_code == 303
    page = (await client.get(response.headers["location"])).text
    assert "第2位完成人：性别“男”与身份证号码（第17位表示女性）不一致" in page
    assert '<option value="male" selected>男</option>' in page.split('name="c_sex_1"')[1].split("</select>")[0]
    assert 'name="c_birth_1" aria-label="出生日期 2" value="1980-01-02"' in page
