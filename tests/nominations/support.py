"""Builders for nomination tests: an open cycle, a society with a running award pilot, quotas."""

from __future__ import annotations

from accounts.rules import Actor
from nominations import services
from nominations.demo import demo_nomination, open_cycle
from societies import services as pilots
from societies.schemas import PilotIn
from tests.support import make_society, make_user
from xuehui.clock import today

__all__ = ["demo_nomination", "nominating_society"]


async def nominating_society(
    code: str = "CMES", username: str = "nominator", quota: int = 2
) -> tuple[int, Actor, Actor, int]:
    """(cycle id, admin, society user, society id): the society runs a signed award pilot."""
    society_id = await make_society(code, f"{code}学会")
    admin = await make_user(f"root-{code.lower()}", "admin")
    nominator = await make_user(username, "society", society_id)
    project = await pilots.create_pilot(
        admin, PilotIn(society_id=society_id, title="奖励推荐试点", function_type="award_nomination")
    )
    await pilots.PilotProject.update({pilots.PilotProject.status: "implementing"}).where(
        pilots.PilotProject.id == project
    )
    cycle_id = await open_cycle(admin, today().year, today())
    await services.set_quota(admin, cycle_id, society_id, "technological_invention", quota)
    return cycle_id, admin, nominator, society_id
