"""Builders for nomination tests: an open cycle, a society with a running award pilot, quotas."""

from __future__ import annotations

from accounts.rules import Actor
from nominations import services
from nominations.demo import demo_nomination, demo_person, open_cycle, open_programme
from nominations.rules.formal_checklist import PROJECT_ITEMS, ChecklistItem
from nominations.rules.programme.model import ProgrammeKind
from societies import services as pilots
from societies.schemas import PilotIn
from tests.support import make_society, make_user
from xuehui.clock import today

__all__ = ["checklist_form", "demo_nomination", "demo_person", "nominating_society", "recommending_society"]


def checklist_form(
    decision: str,
    failed: dict[str, str] | None = None,
    reasons: str = "",
    items: tuple[ChecklistItem, ...] = PROJECT_ITEMS,
) -> dict[str, str]:
    """The formal-review form as a reviewer sends it: every checklist item ticked but the
    `failed` ones, each with its reason."""
    failed = failed or {}
    form = {"decision": decision, "reasons": reasons}
    for item in items:
        form[f"check_{item.code}"] = "fail" if item.code in failed else "pass"
        form[f"reason_{item.code}"] = failed.get(item.code, "")
    return form


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


async def recommending_society(
    kind: ProgrammeKind = ProgrammeKind.YOUTH_AWARD, code: str = "CMES", username: str = "nominator", quota: int = 2
) -> tuple[int, Actor, Actor, int]:
    """(programme id, admin, society user, society id): this year's edition of `kind`, open
    today, and a society with a running award pilot and `quota` places in it."""
    _, admin, nominator, society_id = await nominating_society(code, username)
    programme_id = await open_programme(admin, kind, today().year, today())
    await services.set_talent_quota(admin, programme_id, society_id, quota)
    return programme_id, admin, nominator, society_id


async def complete(nominator: Actor, programme_id: int, recommendation_id: int) -> None:
    """Upload every material the programme asks for."""
    for material in (await services.programme_config(programme_id)).materials:
        await services.add_material(nominator, recommendation_id, material, f"{material}.pdf", b"%PDF-1.4")
