"""Exam pages and API over HTTP: sign-up and registration with the reason shown, the score upload
as a job with its preview, the public look-ups, the command line, and the exports."""

import asyncio
import io
import subprocess
import sys
from typing import Any

from openpyxl import load_workbook

from exams import services
from exams.tables import Registration, Score
from tests.exams.exam_support import PNG, exam_society, person, plan_in, registered, score_sheet
from tests.mail import open_mailed_link
from tests.support import api, csrf, login, post_form
from xuehui.i18n import current_language


async def test_a_candidate_signs_up_registers_sees_why_not_eligible_and_fixes_it(client, mailbox) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    signup = await post_form(
        client,
        "/candidate/signup",
        {
            "username": "zhang",
            "display_name": "张三",
            "email": "zhang@example.org",
            "password": "long-enough-pass",
            "confirm_password": "long-enough-pass",
        },
        "/candidate/signup",
    )
    assert (signup.status_code, signup.headers["location"]) == (303, "/candidate/signup?done=requested")
    confirmed = await open_mailed_link(client, mailbox, "zhang@example.org", "confirm-form")
    assert confirmed.headers["location"] == "/login?next=/candidate&done=confirmed"
    await login(client, "zhang", "long-enough-pass")
    page = await client.get("/candidate")
    assert f'href="/candidate/plans/{plan_id}/register"' in page.text
    data = person(1, years=2)
    form = {
        "_csrf_token": await csrf(client, "/candidate"),
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
    response = await client.post(
        f"/candidate/plans/{plan_id}/register",
        data=form,
        files={"photo": ("me.png", PNG, "image/png")},
        follow_redirects=False,
    )
    assert response.status_code == 303
    shown = await client.get(response.headers["location"])
    assert "不符合第2行条件（本科）：需相关工作满4年" in shown.text
    reg = await Registration.select().first()
    form["work_start"] = "2015-01-01"
    form["_csrf_token"] = await csrf(client, "/candidate")
    fixed = await client.post(f"/candidate/registrations/{reg['id']}", data=form, follow_redirects=False)
    assert fixed.status_code == 303
    assert (await Registration.select(Registration.status).first())["status"] == "submitted"


async def test_scores_upload_as_a_job_whose_page_reloads_until_the_preview_is_ready(client) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _c, reg_id = await registered(plan_id, examadmin, 1)
    await services.allocate_seats(examadmin, plan_id)
    reg = await services.get_registration(examadmin, reg_id)
    await login(client, examadmin.username)
    template = await client.get(f"/exams/{plan_id}/score-template.xlsx")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(template.content)).active.iter_rows()]
    assert rows == [
        ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"],
        [reg["ticket_no"], reg["id_number"], "考生1", "01", None, "正常"],
        [reg["ticket_no"], reg["id_number"], "考生1", "02", None, "正常"],
    ]
    data = score_sheet(
        [
            [reg["ticket_no"], reg["id_number"], "考生1", "01", 80, "正常"],
            [reg["ticket_no"], reg["id_number"], "李四", "02", 80, "正常"],
        ]
    )
    token = await csrf(client, f"/exams/{plan_id}")
    uploaded = await client.post(
        f"/exams/{plan_id}/scores",
        data={"_csrf_token": token},
        files={"file": ("scores.xlsx", data, "application/octet-stream")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303
    page = await client.get(uploaded.headers["location"])
    for _ in range(200):
        if "refresh" not in page.headers:
            break
        assert '<meta http-equiv="refresh" content="2">' in page.text
        await asyncio.sleep(0.05)
        page = await client.get(uploaded.headers["location"])
    assert 'data-state="invalid"' in page.text
    assert "<td>3</td><td>C</td><td>姓名“李四”与准考证号对应的考生不一致</td>" in page.text
    assert await Score.count() == 0


async def test_public_lookups_answer_the_same_for_wrong_and_unknown(client) -> None:
    found = await post_form(
        client, "/public/exam-results", {"name": "张三", "ticket_no": "X", "id_number": "Y"}, "/public/exam-results"
    )
    assert found.status_code == 404 and "未查到成绩，请核对姓名、准考证号和身份证号" in found.text
    verify = await client.get("/public/certificates", params={"number": "XH2026HG000001Q"})
    assert "证书编号有误" in verify.text or "查无此证书" in verify.text
    response = await client.get("/api/public/certificates/NOPE")
    assert (response.status_code, response.json()["errors"][0]["code"]) == (422, "certificate.format")


async def test_the_api_refuses_a_plan_without_pilot_with_the_reason(client) -> None:
    _a, examadmin = await exam_society("NOP", pilot=False)
    await login(client, examadmin.username)
    body: dict[str, Any] = plan_in().model_dump(mode="json")
    response = await api(client, "POST", "/api/exams/plans", body)
    assert (response.status_code, response.json()["errors"][0]["code"]) == (409, "plan.no_pilot")


async def test_the_command_line_prints_the_same_report_and_commits_only_when_clean(tmp_path) -> None:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _c, reg_id = await registered(plan_id, examadmin, 1)
    await services.allocate_seats(examadmin, plan_id)
    reg = await services.get_registration(examadmin, reg_id)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(score_sheet([[reg["ticket_no"], reg["id_number"], "考生1", "01", 120, "正常"]]))
    good = tmp_path / "good.xlsx"
    good.write_bytes(score_sheet([[reg["ticket_no"], reg["id_number"], "考生1", "01", 70, "正常"]]))
    command = [sys.executable, "-m", "xuehui", "exams", "import-scores", "--plan", "HG26"]

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*command, *extra], capture_output=True, text=True, timeout=120)

    result = await asyncio.to_thread(run, str(bad))
    token = current_language.set("zh")
    try:
        expected = services.report_lines(
            {"problems": [{"row": 2, "column": "E", "zh": "成绩120超出范围（0～100）", "en": ""}]}, "zh"
        )
    finally:
        current_language.reset(token)
    assert (result.returncode, result.stdout.splitlines()) == (1, expected)
    result = await asyncio.to_thread(run, "--dry-run", str(good))
    assert (result.returncode, result.stdout.splitlines()[-1], await Score.count()) == (0, "仅校验，未写入任何数据", 0)
    result = await asyncio.to_thread(run, "--lang", "en", str(good))
    assert (result.returncode, result.stdout.splitlines()[-1], await Score.count()) == (0, "imported as version 1", 1)


async def test_the_pilot_page_shows_the_exam_kpis_computed_live(client) -> None:
    from societies.tables import PilotProject

    society_id, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    await registered(plan_id, examadmin, 1)
    project = await PilotProject.select(PilotProject.id).where(PilotProject.society == society_id).first()
    await login(client, examadmin.username)
    page = await client.get(f"/pilots/{project['id']}")
    assert "<td>服务考生人数</td><td>1</td>" in page.text
    exams_page = await client.get("/exams")
    assert '<tr data-kpi="candidates_served"><td>服务考生人数</td><td>1</td></tr>' in exams_page.text
