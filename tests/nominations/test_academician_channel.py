"""The youth award's academician channel: an academician nominates one candidate in an edition,
within their own first-level discipline, outside the society's quota; as rules, through the
services with the form's data, and through the page."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from nominations import services
from nominations.rules.programme.defaults import default_programme
from nominations.rules.programme.model import ProgrammeKind
from nominations.rules.programme.storage import programme_from_dict, programme_to_dict
from nominations.rules.talent import INCOMPLETE, RecommendationChannel, TalentContext, check_person
from nominations.schemas import RecommendationIn
from nominations.tables import Recommendation, TalentQuota
from tests.nominations.support import complete, demo_person, recommending_society
from tests.nominations.test_talent import person_for
from tests.support import login, post_form
from xuehui.clock import today
from xuehui.errors import InvalidInput

YEAR = today().year
YOUTH = default_programme(ProgrammeKind.YOUTH_AWARD, 2024)
WORKER = default_programme(ProgrammeKind.OUTSTANDING_WORKER, 2023)
ACADEMICIAN = RecommendationChannel.ACADEMICIAN


def nominated(**changes: object) -> object:
    person = person_for(YOUTH, dt.date(1990, 5, 5), discipline="机械工程", channel=ACADEMICIAN)
    values = {"nominating_academician": "王院士", "academician_discipline": "机械工程", **changes}
    return dataclasses.replace(person, **values)


def codes(reasons: list) -> list[tuple[str, str | None]]:
    return [(r.code, r.field) for r in reasons]


def test_an_academicians_nomination_within_the_discipline_is_eligible_and_outside_the_quota() -> None:
    full = dataclasses.replace(YOUTH, quota_per_society=1)
    assert check_person(nominated(), full, TalentContext(society_used=1)) == []
    society = dataclasses.replace(nominated(), channel=RecommendationChannel.SOCIETY)
    assert codes(check_person(society, full, TalentContext(society_used=1))) == [("talent.society_quota", None)]


def test_the_academician_and_both_disciplines_are_required_for_the_channel() -> None:
    person = nominated(nominating_academician=None, academician_discipline=" ", discipline=None)
    assert codes(check_person(person, YOUTH, TalentContext(), draft=True)) == [
        (INCOMPLETE, "discipline"),
        (INCOMPLETE, "nominating_academician"),
        (INCOMPLETE, "academician_discipline"),
    ]


@pytest.mark.parametrize(
    ("academician_discipline", "refused"),
    [("机械工程", False), (" 机械 工程 ", False), ("材料科学与工程", True)],
)
def test_an_academician_nominates_within_their_own_discipline(academician_discipline: str, refused: bool) -> None:
    reasons = check_person(nominated(academician_discipline=academician_discipline), YOUTH, TalentContext())
    assert codes(reasons) == ([("talent.channel.other_discipline", "academician_discipline")] if refused else [])


def test_one_nomination_per_academician_and_edition() -> None:
    reasons = check_person(nominated(), YOUTH, TalentContext(academician_used=1))
    assert codes(reasons) == [("talent.channel.academician_used", "nominating_academician")]
    assert reasons[0].zh == "该院士本届已提名一位候选人，每位院士只能提名一人"


def test_a_programme_without_the_channel_refuses_it() -> None:
    closed = dataclasses.replace(YOUTH, rules=dataclasses.replace(YOUTH.rules, academician_channel=False))
    assert codes(check_person(nominated(), closed, TalentContext())) == [("talent.channel.not_offered", "channel")]
    worker = person_for(WORKER, dt.date(1975, 1, 1), channel=ACADEMICIAN)
    assert ("talent.channel.not_offered", "channel") in codes(check_person(worker, WORKER, TalentContext()))


def test_settings_saved_before_the_channel_existed_offer_it() -> None:
    stored = programme_to_dict(YOUTH)
    del stored["rules"]["academician_channel"]
    assert programme_from_dict(stored) == YOUTH
    closed = dataclasses.replace(YOUTH, rules=dataclasses.replace(YOUTH.rules, academician_channel=False))
    assert programme_from_dict(programme_to_dict(closed)) == closed


def academicians_candidate(
    name: str, sequence: int, academician: str = "王院士", discipline: str = "机械工程"
) -> RecommendationIn:
    return demo_person(name, dt.date(YEAR - 35, 3, 3), sequence).model_copy(
        update={"channel": "academician", "nominating_academician": academician, "academician_discipline": discipline}
    )


async def test_through_the_services_the_channel_takes_no_slot_and_each_academician_nominates_once() -> None:
    programme_id, _, nominator, society_id = await recommending_society(quota=1)
    ours = demo_person("张青", dt.date(YEAR - 35, 3, 3), 1)
    first_id = await services.create_recommendation(nominator, programme_id, ours)
    await complete(nominator, programme_id, first_id)
    assert await services.submit_recommendation(nominator, first_id) == "submitted"
    theirs_id = await services.create_recommendation(nominator, programme_id, academicians_candidate("李青", 2))
    await complete(nominator, programme_id, theirs_id)
    assert await services.submit_recommendation(nominator, theirs_id) == "submitted"
    quota = await TalentQuota.select(TalentQuota.used, TalentQuota.quota).where(TalentQuota.society_id == society_id)
    assert quota == [{"used": 1, "quota": 1}]
    assert await Recommendation.select(Recommendation.name, Recommendation.channel, Recommendation.quota).order_by(
        Recommendation.id
    ) == [
        {"name": "张青", "channel": "society", "quota": (await TalentQuota.select(TalentQuota.id))[0]["id"]},
        {"name": "李青", "channel": "academician", "quota": None},
    ]
    again_id = await services.create_recommendation(
        nominator, programme_id, academicians_candidate("赵青", 3, "王 院士")
    )
    await complete(nominator, programme_id, again_id)
    with pytest.raises(InvalidInput) as refused:
        await services.submit_recommendation(nominator, again_id)
    assert [(r.code, r.field) for r in refused.value.reasons] == [
        ("talent.channel.academician_used", "nominating_academician")
    ]
    other = academicians_candidate("钱青", 4, "陈院士", "材料科学与工程")
    assert [r.code for r in await services.check_recommendation(nominator, programme_id, other, draft=False)] == [
        "talent.required",
        "talent.required",
        "talent.channel.other_discipline",
    ]


async def test_the_form_offers_the_channel_and_keeps_what_was_typed(client) -> None:
    programme_id, _, _, _ = await recommending_society()
    await login(client, "nominator")
    page = f"/talent/new?programme={programme_id}"
    assert 'id="channel-fieldset"' in (await client.get(page)).text
    person = academicians_candidate("李青", 2, discipline="材料科学与工程")
    fields = {
        "programme_id": str(programme_id),
        "name": person.name,
        "sex": person.sex,
        "birth_date": person.birth_date.isoformat() if person.birth_date else "",
        "id_number": person.id_number,
        "discipline": "机械工程",
        "channel": "academician",
        "nominating_academician": "王院士",
        "academician_discipline": "材料科学与工程",
    }
    checked = await post_form(client, "/talent/check", fields, page)
    assert 'data-code="talent.channel.other_discipline"' in checked.text
    saved = await post_form(client, "/talent", fields, page)
    assert saved.status_code == 303
    draft = (await client.get(saved.headers["location"])).text
    assert ('value="王院士"' in draft, 'value="academician" checked' in draft) == (True, True)
    assert 'data-code="talent.channel.other_discipline"' in draft
