"""An expert's own change of unit waits for an admin; until then both units count for the
same-unit conflict, so editing the field never takes an expert out of a conflict."""

from accounts.tables import AuditEntry
from expert_pool import services
from expert_pool.tables import ConflictRecord, Expert
from tests.expert_pool.support import batch, item, make_expert
from tests.support import login, make_user, post_form

PROFILE = {"title": "教授", "primary_discipline": "520.20", "secondary_disciplines": "", "keywords": "", "phone": ""}


async def _same_unit_conflicts(batch_id: int) -> list[tuple[str, str]]:
    rows = await ConflictRecord.select(ConflictRecord.expert.name, ConflictRecord.status).where(
        (ConflictRecord.item.batch == batch_id) & (ConflictRecord.type == "same_unit")
    )
    return sorted((r["expert.name"], r["status"]) for r in rows)


async def test_a_unit_the_expert_edits_waits_for_the_admin_and_both_units_count(client, other_client) -> None:
    admin = await make_user("root", "admin")
    expert_id = await make_expert(admin, 1, name="李专家", unit="山东大学", username="li")
    batch_id = await services.create_batch(admin, batch([item("A", units=["山东大学"]), item("B", units=["浙江大学"])]))
    assert await _same_unit_conflicts(batch_id) == [("李专家", "potential")]

    await login(client, "li")
    saved = await post_form(client, "/expert/profile", {**PROFILE, "unit": "浙江大学"}, "/expert/profile")
    assert saved.headers["location"] == "/expert/profile?done=profile"
    row = await Expert.select(Expert.unit, Expert.pending_unit).where(Expert.id == expert_id).first()
    assert row == {"unit": "山东大学", "pending_unit": "浙江大学"}
    profile = await client.get("/expert/profile")
    assert "待确认的新单位：浙江大学（现登记单位：山东大学）" in profile.text
    assert 'value="浙江大学"' in profile.text
    # Both units count: the old unit's conflict stays, the new unit's is found at once.
    assert await _same_unit_conflicts(batch_id) == [("李专家", "potential"), ("李专家", "potential")]
    items = {r["item.external_id"] for r in await ConflictRecord.select(ConflictRecord.item.external_id)}
    assert items == {"A", "B"}
    # Saving the profile again with other changes keeps the request.
    await post_form(client, "/expert/profile", {**PROFILE, "unit": "浙江大学", "phone": "123"}, "/expert/profile")
    assert (await Expert.select(Expert.pending_unit).where(Expert.id == expert_id).first()) == {
        "pending_unit": "浙江大学"
    }

    await login(other_client, "root")
    listing = await other_client.get("/admin/experts")
    assert "→ 浙江大学 · 待确认" in listing.text
    page = await other_client.get(f"/admin/experts/{expert_id}")
    assert "待确认的单位变更" in page.text
    decided = await post_form(
        other_client, f"/admin/experts/{expert_id}/unit-change", {"decision": "confirm"}, f"/admin/experts/{expert_id}"
    )
    assert decided.headers["location"] == f"/admin/experts/{expert_id}?done=unit-confirmed"
    row = (
        await Expert.select(Expert.unit, Expert.unit_normalised, Expert.pending_unit)
        .where(Expert.id == expert_id)
        .first()
    )
    assert row == {"unit": "浙江大学", "unit_normalised": "浙江大学", "pending_unit": ""}
    again = await post_form(
        other_client, f"/admin/experts/{expert_id}/unit-change", {"decision": "confirm"}, f"/admin/experts/{expert_id}"
    )
    assert again.status_code == 409
    assert "该专家没有待确认的单位变更" in again.text
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert [a for a in actions if a.startswith("expert.unit_change")] == [
        "expert.unit_change_requested",
        "expert.unit_change_confirmed",
    ]


async def test_a_rejected_change_keeps_the_recorded_unit_and_saving_the_recorded_unit_withdraws_it(
    client, other_client
) -> None:
    admin = await make_user("root", "admin")
    expert_id = await make_expert(admin, 1, name="王专家", unit="山东大学", username="wang")
    await login(client, "wang")
    await post_form(client, "/expert/profile", {**PROFILE, "unit": "复旦大学"}, "/expert/profile")
    await post_form(client, "/expert/profile", {**PROFILE, "unit": "山东大学"}, "/expert/profile")
    assert (await Expert.select(Expert.pending_unit).where(Expert.id == expert_id).first()) == {"pending_unit": ""}

    await post_form(client, "/expert/profile", {**PROFILE, "unit": "复旦大学"}, "/expert/profile")
    await login(other_client, "root")
    refused = await post_form(
        other_client, f"/admin/experts/{expert_id}/unit-change", {"decision": "maybe"}, f"/admin/experts/{expert_id}"
    )
    assert (refused.status_code, "请选择确认或驳回" in refused.text) == (422, True)
    await post_form(
        other_client, f"/admin/experts/{expert_id}/unit-change", {"decision": "reject"}, f"/admin/experts/{expert_id}"
    )
    row = await Expert.select(Expert.unit, Expert.pending_unit).where(Expert.id == expert_id).first()
    assert row == {"unit": "山东大学", "pending_unit": ""}
