"""Panel meetings: roll, anonymous ballots, quorum and exact-fraction thresholds, recorded results."""

import pytest

from expert_pool import services
from expert_pool.schemas import PanelIn
from expert_pool.tables import BallotReceipt, PanelTally
from tests.expert_pool.support import batch, item, make_expert
from tests.support import api, login, make_user, post_form
from xuehui.errors import Conflict


async def test_a_panel_votes_anonymously_and_records_results_with_exact_thresholds(client, other_client) -> None:
    admin = await make_user("root", "admin")
    ids = [await make_expert(admin, n, name=f"委员{n}", username=f"m{n}") for n in range(1, 5)]
    batch_id = await services.create_batch(
        admin, batch([item("A"), item("B", people=[{"name": "委员4"}])], stage="panel")
    )
    conflicted = await services.list_conflicts(admin, "potential")
    assert [(c["item_title"], c["expert_name"]) for c in conflicted] == [("项目B", "委员4")]
    meeting_id = await services.create_panel(
        admin, batch_id, PanelIn(name="计算机组会评", threshold="2/3", strict=False, expert_ids=ids)
    )
    await services.set_roll(admin, meeting_id, ids[:2])
    with pytest.raises(Conflict) as refused:
        await services.close_panel(admin, meeting_id)
    assert [r.code for r in refused.value.reasons] == ["no_quorum"]
    await login(client, "root")
    roll = await post_form(
        client, f"/admin/panels/{meeting_id}/roll", {"present": [str(i) for i in ids]}, f"/admin/panels/{meeting_id}"
    )
    assert roll.headers["location"] == f"/admin/panels/{meeting_id}?done=roll"

    votes = {"m1": ("yes", "yes"), "m2": ("yes", "no"), "m3": ("no", "yes"), "m4": ("yes", None)}
    for username, (on_a, on_b) in votes.items():
        await login(other_client, username)
        page = await other_client.get("/expert/panels")
        assert "项目A" in page.text and (("项目B" in page.text) == (on_b is not None))
        items = {i["title"]: i["id"] for p in await services.my_panels(await _expert(username)) for i in p["items"]}
        for title, vote in (("项目A", on_a), ("项目B", on_b)):
            if vote:
                cast = await post_form(
                    other_client,
                    f"/expert/panels/{meeting_id}/ballots",
                    {"item_id": items[title], "vote": vote},
                    "/expert/panels",
                )
                assert cast.headers["location"] == "/expert/panels?done=voted"
    again = await api(other_client, "GET", "/expert/panels")
    assert "已投票" in again.text
    twice = await post_form(
        other_client,
        f"/expert/panels/{meeting_id}/ballots",
        {"item_id": items["项目A"], "vote": "no"},
        "/expert/panels",
    )
    assert twice.status_code == 409 and "您已对该项目投票" in twice.text
    # the conflicted member cannot vote on B: 404 like a missing meeting
    item_b = (await PanelTally.select(PanelTally.item).where(PanelTally.item.external_id == "B").first())["item"]
    hidden = await post_form(
        other_client, f"/expert/panels/{meeting_id}/ballots", {"item_id": item_b, "vote": "yes"}, "/expert/panels"
    )
    assert hidden.status_code == 404

    tallies = await PanelTally.select(PanelTally.yes, PanelTally.no, PanelTally.abstain).order_by(PanelTally.item)
    assert tallies == [{"yes": 3, "no": 1, "abstain": 0}, {"yes": 2, "no": 1, "abstain": 0}]
    assert {c._meta.name for c in BallotReceipt._meta.columns} == {"id", "meeting", "item", "expert"}  # no vote stored

    closed = await post_form(client, f"/admin/panels/{meeting_id}/close", {}, f"/admin/panels/{meeting_id}")
    assert closed.headers["location"] == f"/admin/panels/{meeting_id}?done=closed"
    results = await services.panel_results(admin, meeting_id)
    assert [(r.external_id, r.passed, r.yes, r.no, r.share) for r in results] == [
        ("A", True, 3, 1, "3/4"),
        ("B", True, 2, 1, "2/3"),  # at least two thirds of those voting; member 4 not counted on B
    ]
    page = await client.get(f"/admin/panels/{meeting_id}")
    assert "3/4" in page.text and "委员1" in page.text and "已结束" in page.text


async def _expert(username: str):
    from accounts.rules import Actor
    from accounts.tables import User

    row = await User.select(User.id).where(User.username == username).first()
    return Actor(user_id=row["id"], username=username, display_name="", role="expert")
