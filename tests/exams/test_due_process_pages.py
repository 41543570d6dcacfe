"""Due process over HTTP: the commitment route closed by a false commitment, violation cases from
record to service with the candidate's statement, certificate revocation and notes, plan edits."""

from __future__ import annotations

import datetime as dt
from typing import Any

from exams import services
from exams.rules import violation_cases as vc
from exams.rules.violations import add_years
from exams.schemas import ViolationIn
from exams.tables import ViolationCase
from tests.exams.exam_support import PNG, TODAY, decided_violation, exam_society, person, plan_in, registered
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
    await decided_violation(
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


async def test_a_case_is_recorded_with_evidence_notified_answered_decided_once_confirmed_and_served(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate, reg_id = await registered(plan_id, examadmin, 1)
    await login(client, examadmin.username)
    page = f"/exams/registrations/{reg_id}"
    recorded = await client.post(
        f"{page}/violations",
        data={
            "_csrf_token": await csrf(client, page),
            "kind": "exam_conduct",
            "subject_code": "02",
            "level": "serious",
            "article": "第七条第一项",
            "facts": "抄袭他人答案",
        },
        files={"evidence": ("监考记录.pdf", b"%PDF-1.4 record", "application/pdf")},
        follow_redirects=False,
    )
    assert recorded.status_code == 303
    case_page = recorded.headers["location"].split("?")[0]
    case_id = int(case_page.rsplit("/", 1)[1])
    shown = await client.get(recorded.headers["location"])
    assert "违纪违规案件已记录，尚未告知考生。" in shown.text
    assert f'<a href="/exams/violations/{case_id}/evidence/0">监考记录.pdf</a>' in shown.text
    evidence = await client.get(f"/exams/violations/{case_id}/evidence/0")
    assert (evidence.content, evidence.headers["content-type"]) == (b"%PDF-1.4 record", "application/pdf")
    listed = await client.get(page)
    assert f'<tr data-state="recorded"><td><a href="/exams/violations/{case_id}">' in listed.text
    notified = await client.post(
        f"{case_page}/notify", data={"_csrf_token": await csrf(client, case_page)}, follow_redirects=False
    )
    assert notified.status_code == 303
    # The candidate reads the notice and answers within the period.
    await client.get("/logout")
    client.cookies.clear()
    await login(client, candidate.username)
    mine = await client.get("/candidate")
    due = vc.statement_due(TODAY)
    assert f'id="case-{case_id}" data-state="notified"' in mine.text
    assert f"请于{due.isoformat()}前（含当日）提交" in mine.text
    empty = await client.post(
        f"/candidate/violations/{case_id}/statement",
        data={"_csrf_token": await csrf(client, "/candidate"), "statement": "  "},
        follow_redirects=False,
    )
    assert empty.status_code == 422
    assert '<small class="error">请填写陈述申辩内容</small>' in empty.text
    stated = await client.post(
        f"/candidate/violations/{case_id}/statement",
        data={"_csrf_token": await csrf(client, "/candidate"), "statement": "我没有抄袭"},
        follow_redirects=False,
    )
    assert stated.status_code == 303
    assert "陈述申辩已提交。" in (await client.get(stated.headers["location"])).text
    # The office decides: asked once more, the form keeps what was typed.
    client.cookies.clear()
    await login(client, examadmin.username)
    decision = {"level": "general", "article": "第六条第四项", "note": "雷同未经认定"}
    unconfirmed = await client.post(
        f"{case_page}/decide", data={**decision, "_csrf_token": await csrf(client, case_page)}, follow_redirects=False
    )
    assert unconfirmed.status_code == 200
    assert "处理决定作出后立即生效：所涉成绩作废，并记入诚信档案。" in unconfirmed.text
    assert '<input type="hidden" name="note" value="雷同未经认定">' in unconfirmed.text
    assert f'<a class="button secondary" href="{case_page}" id="cancel-step">取消</a>' in unconfirmed.text
    assert (await services.violation_case(examadmin, case_id))["state"] == "stated"
    decided = await client.post(
        f"{case_page}/decide",
        data={**decision, "confirmed": "1", "_csrf_token": await csrf(client, case_page)},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    served = await client.post(
        f"{case_page}/serve",
        data={"served_on": TODAY.isoformat(), "_csrf_token": await csrf(client, case_page)},
        follow_redirects=False,
    )
    assert served.status_code == 303
    final = await client.get(case_page)
    assert '<span class="status status-served" id="case-state">处理决定书已送达</span>' in final.text
    assert "处理理由：雷同未经认定。" in final.text
    client.cookies.clear()
    await login(client, candidate.username)
    mine = await client.get("/candidate")
    assert "给予以下处理：02科目考试成绩无效。处理理由：雷同未经认定。" in mine.text
    appeal = (TODAY + dt.timedelta(days=60)).isoformat()
    assert f"送达日期 {TODAY.isoformat()}；可申请行政复议至 {appeal}." in mine.text


async def test_a_late_statement_is_refused_beside_the_field_with_the_day_the_period_ended(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    candidate, reg_id = await registered(plan_id, examadmin, 1)
    case_id = await services.record_violation(
        examadmin, reg_id, ViolationIn(subject_code="01", level="general", article="第六条第一项", facts="携带手机")
    )
    await services.notify_violation(examadmin, case_id)
    past = TODAY - dt.timedelta(days=10)
    await ViolationCase.update({ViolationCase.statement_due: vc.statement_due(past)}).where(ViolationCase.id == case_id)
    await login(client, candidate.username)
    mine = await client.get("/candidate")
    assert "陈述申辩期已于" not in mine.text and 'action="/candidate/violations/' not in mine.text
    late = await client.post(
        f"/candidate/violations/{case_id}/statement",
        data={"_csrf_token": await csrf(client, "/candidate"), "statement": "我要申辩"},
        follow_redirects=False,
    )
    assert late.status_code == 409
    assert f"陈述申辩期已于{vc.statement_due(past).isoformat()}届满，不能再提交陈述申辩" in late.text
    assert (await services.violation_case(examadmin, case_id))["statement"] == ""


async def test_a_case_recorded_without_facts_or_with_a_bad_file_is_refused_with_the_input_kept(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _c, reg_id = await registered(plan_id, examadmin, 1)
    await login(client, examadmin.username)
    page = f"/exams/registrations/{reg_id}"
    form = {"subject_code": "02", "level": "general", "article": "第六条第一项", "facts": "x" * 2001}
    too_long = await client.post(
        f"{page}/violations", data={**form, "_csrf_token": await csrf(client, page)}, follow_redirects=False
    )
    assert too_long.status_code == 422
    assert '<li data-field="facts">' in too_long.text
    form["facts"] = "携带手机"
    bad_file = await client.post(
        f"{page}/violations",
        data={**form, "_csrf_token": await csrf(client, page)},
        files={"evidence": ("x.pdf", b"MZ\x90\x00", "application/pdf")},
        follow_redirects=False,
    )
    assert bad_file.status_code == 422
    assert '<li data-field="evidence">' in bad_file.text
    assert ">携带手机</textarea>" in bad_file.text
    assert '<option value="02" selected>' in bad_file.text
    assert await ViolationCase.count() == 0
