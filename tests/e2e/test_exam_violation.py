"""A violation case in the browser, from record to decision: the exam administrator records it
with an evidence file and notifies the candidate; the candidate reads the notice and answers
within the statement period; the administrator decides, asked once more; the candidate's page
shows the decision."""

import datetime as dt
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import create_plan, register, sign_in, sign_out
from xuehui import idcard
from xuehui.clock import CHINA

EVIDENCE = b"%PDF-1.4 on-site record signed by two invigilators"


def test_a_violation_case_from_record_with_evidence_to_the_decision_the_candidate_sees(page: Page) -> None:
    today = dt.datetime.now(CHINA).date()
    code = "V" + uuid.uuid4().hex[:6].upper()
    plan_id = create_plan(page, code, today)
    username = f"cand-{code.lower()}"
    register(page, username, idcard.make("320102", dt.date(1990, 5, 6), int(uuid.uuid4().int % 50), "male"), today)

    sign_in(page, "examadmin")
    page.goto(f"/exams/{plan_id}/registrations")
    page.locator("#registrations a", has_text="王小明").click()
    form = page.locator("#violation-form")
    form.locator("#f-subject_code").select_option("01")
    form.locator("#f-level").select_option("serious")
    form.locator("#f-article").fill("第七条第一项")
    form.locator("#f-facts").fill("抄袭他人答案")
    form.locator("#f-evidence").set_input_files(
        files=[{"name": "监考记录.pdf", "mimeType": "application/pdf", "buffer": EVIDENCE}]
    )
    form.locator("button[type=submit]").click()
    expect(page.locator("#case-state")).to_have_text("已立案，待告知")
    expect(page.locator("#evidence")).to_contain_text("监考记录.pdf")
    page.click("#notify-form button[type=submit]")
    expect(page.locator("#case-state")).to_have_text("已告知，陈述申辩期内")
    due = page.locator("#statement-due").inner_text().strip()
    sign_out(page)

    sign_in(page, username, "candidate-pass-1")
    page.goto("/candidate")
    notice = page.locator(".violation-case")
    expect(notice).to_contain_text("抄袭他人答案")
    expect(notice).to_contain_text(f"请于{due}前（含当日）提交")
    notice.locator("textarea[name=statement]").fill("我没有抄袭，座位相邻的考生答案相似纯属巧合")
    notice.locator("button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text("陈述申辩已提交")
    expect(page.locator(".violation-case .statement")).to_contain_text("纯属巧合")
    sign_out(page)

    sign_in(page, "examadmin")
    page.goto(f"/exams/{plan_id}/registrations")
    page.locator("#registrations a", has_text="王小明").click()
    page.locator("#violations a").first.click()
    expect(page.locator("#statement")).to_contain_text("纯属巧合")
    decide = page.locator("#decide-form")
    decide.locator("#f-level").select_option("general")
    decide.locator("#f-note").fill("雷同未经专家组认定，按一般违纪处理")
    decide.locator("button[type=submit]").click()
    expect(page.locator(".confirmation")).to_contain_text("处理决定不能撤回。")
    page.click("#cancel-step")  # cancelled: back on the case, nothing decided
    expect(page.locator("#case-state")).to_have_text("已陈述申辩")
    decide.locator("#f-level").select_option("general")
    decide.locator("#f-note").fill("雷同未经专家组认定，按一般违纪处理")
    decide.locator("#f-article").fill("第六条第四项")
    page.click("#decide-form button[type=submit]")
    page.click("#confirm-step")
    expect(page.locator("#case-state")).to_have_text("已作出处理决定")
    expect(page.locator("#decision")).to_contain_text("01科目考试成绩无效")
    sign_out(page)

    sign_in(page, username, "candidate-pass-1")
    page.goto("/candidate")
    decision = page.locator(".violation-case .decision")
    expect(decision).to_contain_text("属一般违纪违规")
    expect(decision).to_contain_text("处理理由：雷同未经专家组认定，按一般违纪处理")
    expect(page.locator(".violation-case textarea")).to_have_count(0)
