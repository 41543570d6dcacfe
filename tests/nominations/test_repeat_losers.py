"""The repeat-loser rule through the services, with the data as societies enter it: it follows
the project across societies, and a formal-review rejection is not a loss."""

from __future__ import annotations

import pytest

from accounts.rules import Actor
from nominations import services
from nominations.demo import open_cycle
from tests.nominations.support import demo_nomination, nominating_society
from xuehui.clock import today
from xuehui.errors import InvalidInput


async def _lost(admin: Actor, nominator: Actor, year: int, title: str, rejected: bool = False) -> None:
    """A nomination of `title` (the same people) in `year` that went to review and won nothing,
    or that was rejected at formal review."""
    cycle_id = await open_cycle(admin, year, today())
    await services.set_quota(admin, cycle_id, nominator.society_id or 0, "technological_invention", 2)
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination(title, 3))
    await services.submit(nominator, nomination_id)
    if rejected:
        await services.formal_review(admin, nomination_id, "reject", "材料不全")
        return
    await services.formal_review(admin, nomination_id, "pass", "")
    await services.record_stage(admin, nomination_id, "award_committee", "not_awarded", "", "")


async def test_a_project_that_lost_twice_under_one_society_is_caught_under_another() -> None:
    cycle_id, admin, _, _ = await nominating_society("CMES", "first")
    _, _, elsewhere, _ = await nominating_society("CSAE", "second")
    first = (await nominating_society("CSME", "third"))[2]
    for back in (1, 2):
        await _lost(admin, first, today().year - back, f"精密机床{back}")
    renamed = await services.create_nomination(elsewhere, cycle_id, demo_nomination("高端数控机床", 3))
    with pytest.raises(InvalidInput) as refused:
        await services.submit(elsewhere, renamed)
    assert [r.code for r in refused.value.reasons] == ["eligibility.repeat_unsuccessful"]


async def test_formal_review_rejections_are_not_losses() -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    await _lost(admin, nominator, today().year - 1, "精密机床", rejected=True)
    await _lost(admin, nominator, today().year - 2, "精密机床", rejected=True)
    again = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    assert await services.submit(nominator, again) == "submitted"
