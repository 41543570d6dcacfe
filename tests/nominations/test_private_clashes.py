"""One society cannot probe another's nominations through the live check: a person already in
another society's nomination of the cycle is told only as "cannot be added", while a clash with
the society's own nomination, and every clash the association checks, keeps the detail. Before,
the check answered `eligibility.contributor_in_other_nomination` to anyone."""

from __future__ import annotations

from typing import Any

import pytest

from nominations import services
from societies import services as pilots
from societies.schemas import PilotIn
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import api, login, make_society, make_user
from xuehui.errors import InvalidInput

OTHER_NOMINATION = "eligibility.contributor_in_other_nomination"
UNAVAILABLE = "eligibility.contributor_unavailable"


async def two_societies() -> tuple[int, Any, Any, Any]:
    """(cycle id, admin, nominator of CMES, nominator of CSAE) in one open cycle; CMES has
    submitted a nomination with 张伟, 王芳 and 李强."""
    cycle_id, admin, first, _ = await nominating_society()
    society_id = await make_society("CSAE", "省汽车工程学会")
    second = await make_user("nominator2", "society", society_id)
    pilot = await pilots.create_pilot(
        admin, PilotIn(society_id=society_id, title="奖励推荐试点", function_type="award_nomination")
    )
    await pilots.PilotProject.update({pilots.PilotProject.status: "implementing"}).where(
        pilots.PilotProject.id == pilot
    )
    await services.set_quota(admin, cycle_id, society_id, "technological_invention", 2)
    submitted = await services.create_nomination(first, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(first, submitted)
    return cycle_id, admin, first, second


def clashes(check: Any) -> list[tuple[str, str]]:
    return [(r.code, r.zh) for r in check.problems if r.code in (OTHER_NOMINATION, UNAVAILABLE)]


async def test_another_society_learns_only_that_the_person_cannot_be_added() -> None:
    cycle_id, admin, first, second = await two_societies()
    data = demo_nomination("叶片测量", 2)  # 张伟 and 王芳 again
    assert clashes(await services.check(second, cycle_id, data)) == [
        (UNAVAILABLE, "第1位完成人：完成人张伟不能列为本项目的完成人，如有疑问请与省科协联系"),
        (UNAVAILABLE, "第2位完成人：完成人王芳不能列为本项目的完成人，如有疑问请与省科协联系"),
    ]
    draft = await services.create_nomination(second, cycle_id, data)
    with pytest.raises(InvalidInput) as refused:
        await services.submit(second, draft)
    assert [r.code for r in refused.value.reasons if "contributor" in r.code] == [UNAVAILABLE, UNAVAILABLE]
    # The association sees the detail of the same draft; the owner sees it of its own nominations.
    assert [c for c, _ in clashes(await services.check(admin, cycle_id, data, draft))] == [OTHER_NOMINATION] * 2
    assert clashes(await services.check(first, cycle_id, data))[0] == (
        OTHER_NOMINATION,
        "第1位完成人：完成人张伟已是本周期其他提名项目的完成人",
    )


async def test_the_live_check_api_answers_another_society_neutrally(client: Any) -> None:
    _, _, _, _ = await two_societies()
    await login(client, "nominator2")
    body = demo_nomination("叶片测量", 1).model_dump(mode="json")
    response = await api(client, "POST", "/api/nominations/check", body)
    assert response.status_code == 200
    problems = response.json()["problems"]
    assert [p["code"] for p in problems if "contributor" in p["code"]] == [UNAVAILABLE]
    assert "其他提名" not in response.text and "another nomination" not in response.text
