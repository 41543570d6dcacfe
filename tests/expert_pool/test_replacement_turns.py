"""Replacements of one batch take turns: two experts declining at the same moment never load
another past the batch's limit nor write the same pair twice (both databases)."""

import asyncio

from accounts.rules import Actor
from accounts.tables import User
from expert_pool import services
from expert_pool.tables import ReviewAssignment
from tests.expert_pool.support import batch, item, make_expert
from tests.support import make_user


async def _expert_actor(username: str) -> Actor:
    row = await User.select(User.id).where(User.username == username).first()
    assert row is not None
    return Actor(user_id=row["id"], username=username, display_name="", role="expert")


async def _holding() -> list[tuple[str, str]]:
    rows = await ReviewAssignment.select(ReviewAssignment.item.external_id, ReviewAssignment.expert.name).where(
        ReviewAssignment.status.is_in(["assigned", "accepted"])
    )
    return sorted((r["item.external_id"], r["expert.name"]) for r in rows)


async def test_two_declines_at_once_give_the_one_free_place_once() -> None:
    admin = await make_user("root", "admin")
    for n in (1, 2, 3):
        await make_expert(admin, n, name=f"专家{n}", username=f"e{n}")
    batch_id = await services.create_batch(admin, batch([item("A"), item("B")], required=1, max_load=1))
    await services.run_assignment(admin, batch_id)
    first = await _holding()

    async def decline(name: str) -> list[str]:
        actor = await _expert_actor(f"e{name.removeprefix('专家')}")
        mine = await services.my_assignments(actor)
        return [r.code for r in await services.respond(actor, mine[0]["id"], "decline", "出差")]

    outcomes = await asyncio.gather(*(decline(name) for _, name in first))

    after = await _holding()
    assert outcomes == [[], []]
    assert [item_id for item_id, _ in after] == ["A", "B"]
    assert len({name for _, name in after}) == 2  # nobody over the limit of one
    assert not set(after) & set(first)  # neither decliner is back on the item they declined
