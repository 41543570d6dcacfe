"""Talent recommendations through the services and pages, on a real database: quotas taken
atomically, live rules, submission, formal review, the committee's anonymous ballot, the public
notice with objections, the final list and the pilot KPIs."""

import asyncio
import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from accounts.rules import Actor
from accounts.tables import AuditEntry
from expert_pool.rules.ballots import Tally
from nominations import services
from nominations.demo import open_programme
from nominations.rules.programme.model import ProgrammeKind
from nominations.schemas import RecommendationIn
from nominations.tables import AwardRecord, Notice, Recommendation, TalentQuota
from tests.nominations.support import complete, demo_person, recommending_society
from tests.support import login, make_society, make_user, post_form
from xuehui.clock import today
from xuehui.db import connection_pool
from xuehui.errors import Conflict, InvalidInput, NotFound
from xuehui.idcard import make

YEAR = today().year


def young(name: str, sequence: int, sex: str = "male") -> RecommendationIn:
    return demo_person(name, dt.date(YEAR - 35, 3, 3), sequence, sex)


async def submitted(nominator: Actor, programme_id: int, person: RecommendationIn, key: str = "") -> int:
    recommendation_id = await services.create_recommendation(nominator, programme_id, person)
    await complete(nominator, programme_id, recommendation_id)
    assert await services.submit_recommendation(nominator, recommendation_id, key) == "submitted"
    return recommendation_id


async def used(programme_id: int, society_id: int) -> int:
    row = (
        await TalentQuota.select(TalentQuota.used)
        .where((TalentQuota.programme == programme_id) & (TalentQuota.society_id == society_id))
        .first()
    )
    return int(row["used"])


async def test_a_youth_candidate_past_the_age_limit_is_refused_and_a_young_one_submitted() -> None:
    programme_id, _, nominator, society_id = await recommending_society()
    # Ages are counted on 31 December: a man born on 1 January of year - 40 is 40, a day earlier 41.
    too_old = demo_person("李老", dt.date(YEAR - 41, 12, 31), 5)
    old_id = await services.create_recommendation(nominator, programme_id, too_old)
    await complete(nominator, programme_id, old_id)
    with pytest.raises(InvalidInput) as refused:
        await services.submit_recommendation(nominator, old_id)
    assert [r.code for r in refused.value.reasons] == ["talent.youth.too_old"]
    assert refused.value.reasons[0].zh == (
        f"截至{YEAR}-12-31年满41周岁，男性候选人不超过40周岁（{YEAR - 40}-01-01及以后出生）"
    )
    assert await used(programme_id, society_id) == 0
    on_the_day = demo_person("张青", dt.date(YEAR - 40, 1, 1), 6)
    recommendation_id = await submitted(nominator, programme_id, on_the_day, "k1")
    assert await used(programme_id, society_id) == 1
    snapshot = await services.recommendation_snapshot(nominator, recommendation_id)
    assert (snapshot["name"], [m["material"] for m in snapshot["materials"]]) == (
        "张青",
        ["nomination_form", "opinion_form"],
    )
    with pytest.raises(Conflict):
        await services.update_recommendation(nominator, recommendation_id, young("改名", 6))


async def test_a_woman_may_be_older_than_a_man_and_the_card_must_agree() -> None:
    programme_id, _, nominator, _ = await recommending_society()
    woman = demo_person("王芳", dt.date(YEAR - 45, 1, 1), 7, "female")
    reasons = await services.check_recommendation(nominator, programme_id, woman, draft=False)
    assert [(r.code, r.field) for r in reasons] == [
        ("talent.required", "materials.nomination_form"),
        ("talent.required", "materials.opinion_form"),
    ]
    lying = woman.model_copy(update={"sex": "male", "birth_date": dt.date(YEAR - 30, 1, 1)})
    codes = {r.code for r in await services.check_recommendation(nominator, programme_id, lying)}
    assert {"talent.sex_mismatch", "talent.birth_date_mismatch"} <= codes


async def test_the_same_idempotency_key_twice_submits_once() -> None:
    programme_id, _, nominator, society_id = await recommending_society()
    recommendation_id = await submitted(nominator, programme_id, young("张青", 1), "retry")
    assert await services.submit_recommendation(nominator, recommendation_id, "retry") == "submitted"
    assert await used(programme_id, society_id) == 1
    assert await AuditEntry.count().where(AuditEntry.action == "talent.submitted") == 1


async def test_exactly_the_quota_is_accepted_under_concurrent_submissions() -> None:
    programme_id, _, nominator, society_id = await recommending_society(quota=3)
    ids = []
    for i in range(20):
        ids.append(await services.create_recommendation(nominator, programme_id, young(f"候选人{i}", i)))
        await complete(nominator, programme_id, ids[-1])

    async def attempt(recommendation_id: int) -> str:
        try:
            return await services.submit_recommendation(nominator, recommendation_id)
        except (Conflict, InvalidInput) as refused:
            return refused.reasons[0].code

    async with connection_pool(20):
        outcomes = await asyncio.gather(*(attempt(i) for i in ids))
    assert outcomes.count("submitted") == 3
    assert len(outcomes) - outcomes.count("submitted") == 17
    assert set(outcomes) - {"submitted"} <= {"talent.quota_exhausted", "talent.society_quota"}
    assert await used(programme_id, society_id) == 3
    assert await Recommendation.count().where(Recommendation.status == "submitted") == 3


async def test_one_person_once_per_edition_across_societies() -> None:
    programme_id, admin, first, _ = await recommending_society()
    await submitted(first, programme_id, young("张青", 1))
    _, _, second, _ = await recommending_society(code="CCF", username="second")
    again = await services.create_recommendation(second, programme_id, young("张青", 1))
    await complete(second, programme_id, again)
    with pytest.raises(InvalidInput) as refused:
        await services.submit_recommendation(second, again)
    # The other society learns only that the person cannot be recommended, not that another
    # society has; the association sees the detail, and so does the recommending society itself.
    assert [(r.code, r.zh) for r in refused.value.reasons] == [
        ("talent.person_unavailable", "此人不能由本学会推荐，如有疑问请与省科协联系")
    ]
    live = await services.check_recommendation(second, programme_id, young("张青", 1), again)
    assert [r.code for r in live] == ["talent.person_unavailable"]
    detail = await services.check_recommendation(admin, programme_id, young("张青", 1), again)
    assert [r.code for r in detail] == ["talent.duplicate_recommendation"]
    own = await services.check_recommendation(first, programme_id, young("张青", 1))
    assert "talent.duplicate_recommendation" in [r.code for r in own]


async def test_an_academician_candidate_aged_67_needs_six_academician_nominators() -> None:
    programme_id, _, nominator, _ = await recommending_society(ProgrammeKind.ACADEMICIAN)
    person = demo_person("赵院", dt.date(YEAR - 67, 6, 15), 9).model_copy(update={"academy": "cae"})
    recommendation_id = await services.create_recommendation(nominator, programme_id, person)
    await complete(nominator, programme_id, recommendation_id)
    with pytest.raises(InvalidInput) as refused:
        await services.submit_recommendation(nominator, recommendation_id)
    assert [r.code for r in refused.value.reasons] == ["talent.required", "talent.required"]
    assert [r.field for r in refused.value.reasons] == ["academician_nominators", "same_division_nominators"]
    await services.update_recommendation(
        nominator,
        recommendation_id,
        person.model_copy(update={"academician_nominators": 5, "same_division_nominators": 4}),
    )
    with pytest.raises(InvalidInput) as five:
        await services.submit_recommendation(nominator, recommendation_id)
    assert [r.code for r in five.value.reasons] == ["talent.academician.too_few_nominators"]
    await services.update_recommendation(
        nominator,
        recommendation_id,
        person.model_copy(update={"academician_nominators": 6, "same_division_nominators": 4}),
    )
    assert await services.submit_recommendation(nominator, recommendation_id) == "submitted"


async def test_the_association_forwards_cae_candidates_only() -> None:
    programme_id, _, nominator, _ = await recommending_society(ProgrammeKind.ACADEMICIAN)
    person = demo_person("钱院", dt.date(YEAR - 55, 6, 15), 9).model_copy(update={"academy": "cas"})
    codes = [r.code for r in await services.check_recommendation(nominator, programme_id, person)]
    assert "talent.academician.academy_not_allowed" in codes


async def test_outstanding_workers_exclusions_and_one_per_unit() -> None:
    programme_id, _, nominator, _ = await recommending_society(ProgrammeKind.OUTSTANDING_WORKER)
    first = demo_person("孙工", dt.date(YEAR - 50, 1, 1), 1).model_copy(update={"categories": []})
    await submitted(nominator, programme_id, first)
    same_unit = demo_person("周工", dt.date(YEAR - 48, 1, 1), 2).model_copy(
        update={"categories": ["party_state_organ_staff"]}
    )
    codes = [r.code for r in await services.check_recommendation(nominator, programme_id, same_unit, draft=False)]
    assert codes == ["talent.required", "talent.worker.excluded_category", "talent.worker.unit_quota"]


async def test_formal_review_returns_then_passes_after_correction() -> None:
    programme_id, admin, nominator, society_id = await recommending_society()
    recommendation_id = await submitted(nominator, programme_id, young("张青", 1))
    assert await services.review_recommendation(admin, recommendation_id, "return", "缺少征求意见表盖章") == "returned"
    returned = await services.get_recommendation(nominator, recommendation_id)
    assert (returned["status"], returned["return_reasons"]) == ("returned", "缺少征求意见表盖章")
    await services.add_material(nominator, recommendation_id, "opinion_form", "盖章版.pdf", b"%PDF-1.4 stamped")
    assert await services.submit_recommendation(nominator, recommendation_id) == "submitted"
    assert await services.review_recommendation(admin, recommendation_id, "pass", "") == "passed"
    assert await used(programme_id, society_id) == 1
    steps = [(s["stage"], s["outcome"]) for s in await services.recommendation_steps(admin, recommendation_id)]
    assert steps == [("formal_review", "returned"), ("formal_review", "passed")]


async def _passed(admin: Actor, nominator: Actor, programme_id: int, names: list[str]) -> list[int]:
    ids = []
    for i, name in enumerate(names):
        ids.append(await submitted(nominator, programme_id, young(name, 20 + i)))
        await services.review_recommendation(admin, ids[-1], "pass", "")
    return ids


async def test_the_committee_needs_a_quorum_and_the_threshold_decides() -> None:
    programme_id, admin, nominator, _ = await recommending_society(quota=3)
    a, b = await _passed(admin, nominator, programme_id, ["甲", "乙"])
    with pytest.raises(Conflict) as no_quorum:
        await services.record_ballot(admin, programme_id, 11, 7, 2, {a: Tally(7, 0), b: Tally(7, 0)})
    assert [r.code for r in no_quorum.value.reasons] == ["no_quorum"]
    # More than half of those voting: 6 of 11 passes, 5 of 10 (one abstaining) does not.
    result = await services.record_ballot(admin, programme_id, 11, 11, 2, {a: Tally(6, 5), b: Tally(5, 5, 1)})
    assert (result["selected"], result["tied"]) == ([a], [])
    statuses = {r["id"]: r["status"] for r in await services.list_recommendations(admin, programme_id=programme_id)}
    assert statuses == {a: "proposed", b: "not_selected"}


async def test_a_tie_at_the_last_place_is_reported_and_a_second_ballot_decides() -> None:
    programme_id, admin, nominator, _ = await recommending_society(quota=3)
    a, b, c = await _passed(admin, nominator, programme_id, ["甲", "乙", "丙"])
    result = await services.record_ballot(
        admin, programme_id, 11, 11, 2, {a: Tally(10, 1), b: Tally(8, 3), c: Tally(8, 3)}
    )
    assert (result["selected"], sorted(result["tied"]), result["open_places"]) == ([a], sorted([b, c]), 1)
    with pytest.raises(Conflict) as tied:
        await services.publish_talent_notice(admin, programme_id, "公示", today())
    assert [r.code for r in tied.value.reasons] == ["notice.tied"]
    second = await services.record_ballot(admin, programme_id, 11, 10, 1, {b: Tally(7, 3), c: Tally(3, 7)})
    assert (second["selected"], second["tied"]) == ([b], [])
    statuses = {r["id"]: r["status"] for r in await services.list_recommendations(admin, programme_id=programme_id)}
    assert statuses == {a: "proposed", b: "proposed", c: "not_selected"}


async def test_notice_objection_and_the_final_list() -> None:
    programme_id, admin, nominator, _ = await recommending_society(quota=3)
    a, b = await _passed(admin, nominator, programme_id, ["甲", "乙"])
    await services.record_ballot(admin, programme_id, 11, 11, 2, {a: Tally(9, 2), b: Tally(8, 3)})
    started = today() - dt.timedelta(days=6)
    notice_id = await services.publish_talent_notice(admin, programme_id, "青年科技奖拟入选人选公示", started)
    notice = await services.public_notice(notice_id)
    assert (notice["kind"], notice["starts_on"], notice["ends_on"], notice["open"]) == (
        "talent",
        started,
        today(),
        True,
    )
    assert [e["name"] for e in notice["entries"]] == ["乙", "甲"]
    with pytest.raises(Conflict) as still_open:
        await services.finalise_list(admin, programme_id)
    assert [r.code for r in still_open.value.reasons] == ["final.notice_open"]
    objector = make("370102", dt.date(1980, 5, 5), 3, "male")
    with pytest.raises(InvalidInput) as not_listed:
        await services.file_objection(
            notice_id, None, "王五", objector, "13800138000", "", "不实", [], recommendation_id=-1
        )
    assert [r.code for r in not_listed.value.reasons] == ["objection.recommendation"]
    objection_id = await services.file_objection(
        notice_id, None, "王五", objector, "13800138000", "某大学", "论文署名不实", [], recommendation_id=b
    )
    society_view = await services.objections(nominator)
    assert [(o["id"], o["item_title"], o["name"], o["id_number"]) for o in society_view] == [
        (objection_id, "乙", "", "")
    ]
    await services.respond_to_objection(nominator, objection_id, "署名有合作协议为证")
    await services.decide_objection(admin, objection_id, "upheld", "经核实署名不实", "disqualify")
    assert (await services.get_recommendation(admin, b))["status"] == "disqualified"
    await Notice.update({Notice.ends_on: today() - dt.timedelta(days=1)}).where(Notice.id == notice_id)
    assert await services.finalise_list(admin, programme_id) == 1
    assert [(f["name"], f["votes"]) for f in await services.final_list(admin, programme_id)] == [("甲", 9)]
    assert await AwardRecord.count().where(AwardRecord.category == "youth_award") == 1


async def test_an_earlier_winner_is_refused_in_the_next_edition() -> None:
    programme_id, admin, nominator, society_id = await recommending_society(quota=3)
    (a,) = await _passed(admin, nominator, programme_id, ["甲"])
    await services.record_ballot(admin, programme_id, 11, 11, 1, {a: Tally(9, 2)})
    await services.publish_talent_notice(admin, programme_id, "公示", today() - dt.timedelta(days=10))
    assert await services.finalise_list(admin, programme_id) == 1
    following = await open_programme(admin, ProgrammeKind.YOUTH_AWARD, YEAR + 2, today())
    await services.set_talent_quota(admin, following, society_id, 1)
    codes = [r.code for r in await services.check_recommendation(nominator, following, young("甲", 20))]
    assert "talent.youth.earlier_winner" in codes
    kpis = await services.pilot_kpis(society_id, "award_nomination")
    assert [(k.zh, k.value) for k in kpis[3:]] == [
        ("推荐人才数", "1"),
        ("人才推荐形式审查通过数", "1"),
        ("人才入选数", "1"),
    ]


async def test_programme_settings_are_validated_and_versioned() -> None:
    programme_id, admin, _, _ = await recommending_society(ProgrammeKind.ACADEMICIAN)
    row = await services.programme_row(programme_id)
    config = json.loads(row["config"]) if isinstance(row["config"], str) else row["config"]
    config["rules"]["allowed_academies"] = ["cae", "cas"]
    with pytest.raises(InvalidInput) as refused:
        await services.save_programme(admin, programme_id, config)
    assert [r.code for r in refused.value.reasons] == ["programme.academy_not_forwardable"]
    config["rules"]["allowed_academies"] = ["cae"]
    config["notice"]["days"] = 7
    assert await services.save_programme(admin, programme_id, config) == 2
    assert (await services.programme_config(programme_id)).notice.days == 7


async def test_another_society_sees_none_of_our_recommendations(client) -> None:
    programme_id, _, nominator, _ = await recommending_society()
    recommendation_id = await services.create_recommendation(nominator, programme_id, young("张青", 1))
    other = await make_society("CCF", "计算机学会")
    intruder = await make_user("intruder", "society", other)
    with pytest.raises(NotFound):
        await services.get_recommendation(intruder, recommendation_id)
    await login(client, "intruder")
    assert (await client.get(f"/talent/{recommendation_id}")).status_code == 404
    assert "张青" not in (await client.get("/talent")).text
    response = await post_form(client, f"/talent/{recommendation_id}/submit", {"idempotency_key": "x"}, "/talent")
    assert response.status_code == 404


async def test_the_pages_check_live_keep_the_input_and_export_the_final_list(client) -> None:
    programme_id, admin, nominator, _ = await recommending_society()
    await login(client, "nominator")
    fields = {
        "programme_id": str(programme_id),
        "name": "李老",
        "sex": "male",
        "birth_date": f"{YEAR - 50}-01-01",
        "id_number": make("370102", dt.date(YEAR - 50, 1, 1), 4, "male"),
    }
    response = await post_form(client, "/talent/check", fields, f"/talent/new?programme={programme_id}")
    assert response.status_code == 200
    assert 'data-code="talent.youth.too_old"' in response.text
    bad = await post_form(
        client, "/talent", {**fields, "birth_date": "1970-13-01"}, f"/talent/new?programme={programme_id}"
    )
    assert bad.status_code == 422
    assert 'value="李老"' in bad.text
    assert await Recommendation.count() == 0
    (a,) = await _passed(admin, nominator, programme_id, ["甲"])
    await services.record_ballot(admin, programme_id, 11, 11, 1, {a: Tally(9, 2)})
    await services.publish_talent_notice(admin, programme_id, "公示", today() - dt.timedelta(days=10))
    await services.finalise_list(admin, programme_id)
    await login(client, "root-cmes")
    export = await client.get(f"/admin/talent/{programme_id}/final.xlsx")
    assert export.status_code == 200
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[1][:3] == ("甲", "男", "山东大学")
    printed = await client.get(f"/admin/talent/{programme_id}/final.pdf")
    assert printed.headers["content-type"] == "application/pdf"
    (text,) = [p.extract_text() for p in PdfReader(io.BytesIO(printed.content)).pages]
    assert "最终名单" in text
    assert "1 甲 男 山东大学" in text
    assert (await client.get(f"/admin/talent/{programme_id}/final.pdf")).content == printed.content
