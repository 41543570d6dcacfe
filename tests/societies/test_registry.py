"""The society register and what other packages read of it; labels on the pages and exports."""

import io

from openpyxl import load_workbook

from accounts.services import user_by_username, user_names, users_by_id, users_by_username
from accounts.tables import AuditEntry
from societies import services
from societies.schemas import SocietyIn
from societies.tables import PilotAmendment
from tests.societies.test_pilots import pilot_body, setup_society_user
from tests.support import api, login, make_society, make_user, post_form


async def test_leaders_and_profiles_are_read_without_the_table() -> None:
    first = await services.create_society(
        None, SocietyIn(code="CMES", name_zh="机械学会", name_en="Mech", secretary_general="王建国")
    )
    second = await make_society("CCS", "化学学会")
    assert await services.society_leaders(first) == ["王建国"]
    assert await services.society_leaders(second) == []
    assert await services.society_leaders(9999) == []
    assert await services.leaders_of_societies([first, second, 9999]) == {first: ["王建国"], second: []}
    profile = await services.society_profile(first)
    assert profile is not None
    assert (profile["code"], profile["name_zh"], profile["name_en"], profile["status"]) == (
        "CMES",
        "机械学会",
        "Mech",
        "active",
    )
    assert await services.society_profile(9999) is None
    assert set(await services.society_profiles([first, second])) == {first, second}


async def test_users_are_read_by_id_and_name_without_the_table() -> None:
    society_id = await make_society()
    alice = await make_user("alice", "expert")
    bob = await make_user("bob", "society", society_id)
    cards = await users_by_id([alice.user_id, bob.user_id, 9999])
    assert {k: (v["username"], v["role"], v["society_id"]) for k, v in cards.items()} == {
        alice.user_id: ("alice", "expert", None),
        bob.user_id: ("bob", "society", society_id),
    }
    assert "password_hash" not in cards[alice.user_id]
    assert await user_names([bob.user_id]) == {bob.user_id: "bob name"}
    assert set(await users_by_username(["alice", "bob", "nobody", ""])) == {"alice", "bob"}
    assert set(await users_by_username(["alice", "bob"], role="expert")) == {"alice"}
    found = await user_by_username("bob")
    assert found is not None and found["id"] == bob.user_id
    assert await user_by_username("nobody") is None
    assert await users_by_id([]) == {}


async def test_suspending_moves_through_the_lifecycle_and_shows_its_label(client) -> None:
    society_id = await make_society()
    await make_user("root", "admin")
    await login(client, "root")
    page = f"/admin/societies/{society_id}"
    refused = await post_form(client, f"{page}/status", {"status": "suspended", "reason": " "}, page)
    assert refused.status_code == 422
    assert "暂停学会须填写理由" in refused.text.split("/status", 1)[1]
    done = await post_form(client, f"{page}/status", {"status": "suspended", "reason": "材料造假"}, page)
    assert done.status_code == 303
    shown = await client.get(page)
    assert "已暂停" in shown.text.split("</h1>", 1)[0]
    rows = list(load_workbook(io.BytesIO((await client.get("/admin/societies.xlsx")).content)).active.values)
    assert rows[1][-1] == "已暂停"
    assert [e["action"] for e in await AuditEntry.select(AuditEntry.action).where(AuditEntry.object_type == "society")][
        -1
    ] == "society.suspended"


async def test_an_amendment_is_decided_once_and_the_page_shows_its_status_by_label(client, other_client) -> None:
    await setup_society_user(client)
    project = (await api(client, "POST", "/api/pilots", pilot_body())).json()
    url = f"/api/pilots/{project['id']}"
    await api(client, "POST", f"{url}/actions", {"action": "submit"})
    await make_user("root", "admin")
    await login(other_client, "root")
    for party in ("society", "department", "association"):
        await api(other_client, "POST", f"{url}/actions", {"action": f"sign_{party}"})
    body = pilot_body()["agreement"]
    proposed = await api(client, "POST", f"{url}/amendments", {"reason": "增加任务", "agreement": body})
    amendment_id = proposed.json()[0]["id"]
    page = (await client.get(f"/pilots/{project['id']}")).text
    assert "待审批" in page and ">proposed<" not in page
    decision = f"/api/pilots/amendments/{amendment_id}/decision"
    assert (await api(other_client, "POST", decision, {"approve": False, "note": "不同意"})).status_code == 200
    again = await api(other_client, "POST", decision, {"approve": True, "note": ""})
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "amendment.decided"
    assert [a["status"] for a in await PilotAmendment.select(PilotAmendment.status)] == ["rejected"]
