"""Identity squatting in exam registration: an account that registers with someone else's
identity number no longer locks the real person out. The real person is told only that the
number needs checking (not whether it has registered), the clash reaches the exam office on the
plan's page, and once the office voids the squatter's registration (asked once more, audited,
the row kept) the real person registers. Before, the real person got "已报名本次考试" and
stayed locked out; rejecting the squatter did not help."""

from __future__ import annotations

from typing import Any

import pytest

from accounts.tables import AuditEntry
from exams import services
from exams.schemas import RegistrationIn
from exams.tables import IdentityClash, Registration
from tests.exams.exam_support import PNG, exam_society, person, plan_in, registered
from tests.support import login, make_user, post_form
from xuehui.errors import Conflict

NEUTRAL = "registration.identity_check"


def squatted(n: int) -> RegistrationIn:
    """The real person's registration: their own name and number."""
    return person(n).model_copy(update={"name": "真考生"})


async def test_a_squatted_number_is_told_neutrally_goes_to_the_office_and_is_freed_by_voiding() -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    squatter, squatter_reg = await registered(plan_id, examadmin, 1)  # approved and paid with number 1
    real = await make_user("real", "candidate")
    with pytest.raises(Conflict) as refused:
        await services.register(real, plan_id, squatted(1), PNG)
    reason = refused.value.reasons[0]
    assert (reason.code, reason.field) == (NEUTRAL, "id_number")
    assert "已报名" not in reason.zh and "registered for" not in reason.en
    with pytest.raises(Conflict):  # trying again adds no second case
        await services.register(real, plan_id, squatted(1), PNG)
    cases = await services.clashes(examadmin, plan_id)
    assert [(c["claimant_name"], c["registration.name"], c["state"]) for c in cases] == [("真考生", "考生1", "open")]
    # Changing a registration to a squatted number is refused the same way.
    other = await make_user("other", "candidate")
    own = await services.register(other, plan_id, person(2), PNG)
    with pytest.raises(Conflict) as changed:
        await services.update_registration(other, own, person(2).model_copy(update={"id_number": person(1).id_number}))
    assert changed.value.reasons[0].code == NEUTRAL

    await services.void_clashing_registration(examadmin, plan_id, cases[0]["id"])
    row = await Registration.select().where(Registration.id == squatter_reg).first()
    assert (row["status"], row["ticket_no"], row["user_id"]) == ("voided", None, squatter.user_id)
    assert {c["state"] for c in await services.clashes(examadmin, plan_id)} == {"resolved"}
    voided = await AuditEntry.select().where(AuditEntry.action == "exam.registration_voided").first()
    assert voided["object_id"] == str(squatter_reg)
    with pytest.raises(Conflict) as again:
        await services.void_clashing_registration(examadmin, plan_id, cases[0]["id"])
    assert again.value.reasons[0].code == "clash.closed"
    real_reg = await services.register(real, plan_id, squatted(1), PNG)
    assert (await services.get_registration(real, real_reg))["name"] == "真考生"
    assert await IdentityClash.count() == 2  # the real person's and the one from the changed registration


async def test_the_office_voids_from_the_plan_page_after_confirming_once_more(client: Any) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _squatter, squatter_reg = await registered(plan_id, examadmin, 1)
    real = await make_user("real", "candidate")
    with pytest.raises(Conflict):
        await services.register(real, plan_id, squatted(1), PNG)
    clash_id = (await services.clashes(examadmin, plan_id))[0]["id"]
    await login(client, examadmin.username)
    page = f"/exams/{plan_id}"
    shown = (await client.get(page)).text.split('id="clashes"', 1)[1].split("</table>", 1)[0]
    assert "真考生" in shown and "考生1" in shown and "审核通过" in shown
    url = f"/exams/{plan_id}/clashes/{clash_id}/void"
    asked = await post_form(client, url, {}, page)
    assert asked.status_code == 200 and "作废后该报名不能恢复，记录仍予保留。" in asked.text
    assert f'<a class="button secondary" href="{page}#clashes" id="cancel-step">取消</a>' in asked.text
    assert (await Registration.select(Registration.status).where(Registration.id == squatter_reg).first())[
        "status"
    ] == "approved"
    ticked = await post_form(client, url, {"confirmed": "1"}, page)
    assert (ticked.status_code, ticked.headers["location"]) == (303, f"/exams/{plan_id}?done=voided#clashes")
    after = (await client.get(f"/exams/{plan_id}?done=voided")).text
    assert "该报名已作废，身份证号本人可以重新报名。" in after
    assert "已处理" in after.split('id="clashes"', 1)[1].split("</table>", 1)[0]
    assert await services.register(real, plan_id, squatted(1), PNG)


async def test_the_registration_page_shows_the_neutral_message_beside_the_number(client: Any) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    await registered(plan_id, examadmin, 1)
    await make_user("real", "candidate")
    await login(client, "real")
    data = squatted(1)
    form = {
        "id_number": data.id_number,
        "name": data.name,
        "education": "30",
        "graduation_date": "2012-07-01",
        "work_start": data.work_start.isoformat(),
        "employer": "化工设计院",
        "route": "commitment",
        "commitment_signed": "1",
        "subjects": ["01", "02"],
    }
    from tests.support import csrf

    response = await client.post(
        f"/candidate/plans/{plan_id}/register",
        data={**form, "_csrf_token": await csrf(client, "/candidate")},
        files={"photo": ("me.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 409
    assert "该身份证号暂不能通过本账号报名，已转考务人员核实" in response.text
    assert "已报名本次考试" not in response.text and "真考生" in response.text
