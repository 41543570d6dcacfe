"""The society-leadership conflict uses every recorded leader of the nominating society:
president, vice-presidents and secretary-general, entered as an admin enters them on the page."""

from expert_pool import services as pool
from expert_pool.tables import ConflictRecord
from nominations import services
from societies import services as societies
from tests.expert_pool.support import make_expert
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import login, post_form


async def test_every_recorded_leader_of_the_nominating_society_is_kept_off_its_nominations(client) -> None:
    cycle_id, admin, nominator, society_id = await nominating_society()
    society = await societies.get_society(admin, society_id)
    await login(client, "root-cmes")
    saved = await post_form(
        client,
        f"/admin/societies/{society_id}",
        {
            "code": society["code"],
            "name_zh": society["name_zh"],
            "president": "理事长甲",
            "vice_presidents": "副理事长乙、 副理事长丙，副理事长乙",
            "secretary_general": "秘书长丁",
        },
        f"/admin/societies/{society_id}",
    )
    assert saved.headers["location"] == f"/admin/societies/{society_id}?done=saved"
    assert await societies.society_leaders(society_id) == ["理事长甲", "副理事长乙", "副理事长丙", "秘书长丁"]
    page = await client.get(f"/admin/societies/{society_id}")
    assert 'value="副理事长乙、副理事长丙"' in page.text

    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    names = ["理事长甲", "副理事长乙", "副理事长丙", "秘书长丁", "外部专家一", "外部专家二"]
    for seq, name in enumerate(names):
        await make_expert(admin, seq, name=name, discipline="460", username=f"reviewer{seq}")
    batch_id = await services.send_to_remote_review(admin, cycle_id, "网络评审", required=2, max_load=1)

    conflicts = await ConflictRecord.select(ConflictRecord.expert.name, ConflictRecord.type).where(
        ConflictRecord.item.batch == batch_id
    )
    assert sorted((c["expert.name"], c["type"]) for c in conflicts) == sorted(
        (name, "nominator_leader") for name in names[:4]
    )
    await pool.run_assignment(admin, batch_id)
    assigned = await pool.batch_progress(admin, batch_id)
    assert sorted(e["name"] for e in assigned["experts"] if e["assigned"]) == ["外部专家一", "外部专家二"]


async def test_too_many_or_too_long_vice_president_names_come_back_beside_the_field(client) -> None:
    _, _, _, society_id = await nominating_society()
    await login(client, "root-cmes")
    refused = await post_form(
        client,
        f"/admin/societies/{society_id}",
        {"code": "X1", "name_zh": "某学会", "vice_presidents": "甲" * 51},
        f"/admin/societies/{society_id}",
    )
    assert refused.status_code == 422
    assert "副理事长至多20位，每个姓名不超过50个字" in refused.text
    assert await societies.society_leaders(society_id) == []
