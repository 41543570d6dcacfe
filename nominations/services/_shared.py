"""What several nomination use cases share: labels of states and kinds, not-found answers, the running-pilot check."""

from __future__ import annotations

from typing import Any

from accounts.rules import Actor
from nominations.rules.programme.model import ExclusionCategory
from nominations.rules.vocabulary import PROGRAMME_KIND_NAMES
from societies import services as societies
from xuehui.errors import Conflict, Forbidden, NotFound, Reason, not_found


def _not_found() -> NotFound:
    return not_found("推荐项目", "nomination", "nomination.not_found")


# What each kind of putting-forward is called in refusals: (code prefix, zh, en, en verb).
_PUTTING_FORWARD = {
    "nomination": ("nomination", "推荐项目", "nominate projects", "nominate"),
    "talent": ("talent", "推荐人选", "recommend people", "recommend"),
}


# The pilot function under which a society puts projects and people forward.
AWARD_PILOT = "award_nomination"


async def _running_award_pilot(actor: Actor, kind: str) -> tuple[int, dict[str, Any]]:
    """(society id, pilot) of a society nominator whose society runs a signed award pilot:
    projects and people are put forward only under one."""
    prefix, zh, en, verb = _PUTTING_FORWARD[kind]
    if actor.role != "society" or actor.society_id is None:
        raise Forbidden(Reason(f"{prefix}.society_only", f"只有学会填报人可以{zh}", f"only society nominators {en}"))
    pilot = await societies.active_pilot_of_type(actor.society_id, AWARD_PILOT)
    if pilot is None:
        raise Conflict(
            Reason(
                f"{prefix}.no_pilot",
                "本学会没有已签署、正在实施的科技奖励推荐试点项目，不能推荐",
                f"your society has no signed, running pilot project for award nomination, so it cannot {verb}",
            )
        )
    return actor.society_id, pilot


KIND_NAMES = PROGRAMME_KIND_NAMES


CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    ExclusionCategory.PARTY_STATE_ORGAN_STAFF.value: ("党政机关工作人员", "Staff of party or state organs"),
    ExclusionCategory.ASSOCIATION_SOCIETY_STAFF.value: (
        "科协、学会机关专职工作人员",
        "Full-time staff of an association or society office",
    ),
    ExclusionCategory.ENTERPRISE_ADMIN_STAFF.value: ("企业行政管理人员", "Enterprise administrative staff"),
}


def _talent_not_found() -> NotFound:
    return not_found("人才推荐", "recommendation", "talent.not_found")
