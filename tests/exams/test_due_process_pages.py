"""Due process over HTTP: the commitment route closed by a false commitment, violation cases from
record to service with the candidate's statement, certificate revocation and notes, plan edits."""

from __future__ import annotations

from typing import Any

from exams import services
from exams.rules.violations import add_years
from exams.schemas import ViolationIn
from tests.exams.exam_support import PNG, TODAY, exam_society, person, plan_in, registered
from tests.support import csrf, login, make_user


def registration_form(n: int) -> dict[str, Any]:
    data = person(n)
    return {
        "id_number": data.id_number,
        "name": data.name,
        "education": "30",
        "graduation_date": "2012-07-01",
        "work_start": data.work_start.isoformat(),
        "employer": data.employer,
        "route": "commitment",
        "commitment_signed": "1",
        "subjects": ["01", "02"],
    }


async def test_a_candidate_with_a_false_commitment_is_told_until_when_beside_the_commitment(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _c, reg_id = await registered(plan_id, examadmin, 1)
    await services.record_violation(
        examadmin,
        reg_id,
        ViolationIn(kind="false_commitment", subject_code="01", level="general", article="第十条", facts="学历不实"),
    )
    second = await services.create_plan(examadmin, plan_in(code="HG27"))
    await make_user("again", "candidate")
    await login(client, "again")
    form = {**registration_form(1), "_csrf_token": await csrf(client, "/candidate")}
    response = await client.post(
        f"/candidate/plans/{second}/register",
        data=form,
        files={"photo": ("me.png", PNG, "image/png")},
        follow_redirects=False,
    )
    until = add_years(TODAY, 5).isoformat()
    assert response.status_code == 422
    assert (
        f'<small class="error">曾有虚假承诺记录，{until}前（含当日）不适用告知承诺制，请上传证明材料</small>'
        in response.text
    )
    assert f'value="{form["id_number"]}"' in response.text
