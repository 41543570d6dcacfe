"""Talent recommendations in the browser: a society recommends a youth-award candidate and is
refused one past the age limit with the reason shown; an academician candidate aged 67 is
refused until six academician nominators are recorded; the association passes the formal
review, the selection committee's ballot decides by the threshold, and the public notice lists
the proposed winner."""

import datetime as dt
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import mark_checklist, sign_in, sign_out
from xuehui.clock import today
from xuehui.idcard import make

YEAR = today().year
PDF = {"name": "form.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 e2e"}


def start(page: Page, kind: str) -> None:
    page.goto("/talent")
    page.locator(f"#programmes tr[data-kind={kind}] a.button").click()


def fill_person(page: Page, name: str, birth: dt.date, sequence: int, materials: tuple[str, ...]) -> None:
    page.fill("#f-name", name)
    page.select_option("#f-sex", "male")
    page.fill("#f-birth_date", birth.isoformat())
    page.fill("#f-id_number", make("370102", birth, sequence, "male"))
    page.fill("#f-unit", "山东大学")
    page.fill("#f-title", "研究员")
    page.check("#f-integrity_statement")
    for material in materials:
        page.set_input_files(f"#f-material_{material}", files=[PDF])


def save_and_submit(page: Page) -> None:
    page.click("#save")
    expect(page.locator("#recommendation-status")).to_have_text("草稿")
    page.click("#submit")
    expect(page.locator(".confirmation")).to_contain_text("提交后不能再修改")
    page.click("#confirm-step")


def test_talent_from_age_limits_to_the_public_notice(page: Page) -> None:
    suffix = uuid.uuid4().hex[:4]
    candidate = f"周青{suffix}"
    sign_in(page, "society")

    start(page, "youth_award")
    fill_person(page, f"李老{suffix}", dt.date(YEAR - 45, 5, 5), 41, ("nomination_form", "opinion_form"))
    expect(page.locator("#rule-results [data-code='talent.youth.too_old']")).to_be_visible()
    save_and_submit(page)
    expect(page.locator("#submit-errors [data-code='talent.youth.too_old']")).to_contain_text("男性候选人不超过40周岁")
    expect(page.locator("#recommendation-status")).to_have_text("草稿")

    start(page, "youth_award")
    fill_person(page, candidate, dt.date(YEAR - 33, 8, 8), 42, ("nomination_form", "opinion_form"))
    expect(page.locator("#rule-results [data-rules=ok]")).to_be_visible()
    save_and_submit(page)
    expect(page.locator("#recommendation-status")).to_have_text("已提交，待形式审查")

    start(page, "academician")
    fill_person(page, f"赵院{suffix}", dt.date(YEAR - 67, 6, 15), 43, ("nomination_form",))
    page.select_option("#f-academy", "cae")
    expect(page.locator("#rule-results [data-field=academician_nominators]")).to_be_visible()
    save_and_submit(page)
    expect(page.locator("#submit-errors")).to_contain_text("提名院士人数为必填项")
    page.fill("#f-academician_nominators", "5")
    page.fill("#f-same_division_nominators", "4")
    expect(page.locator("#rule-results [data-code='talent.academician.too_few_nominators']")).to_be_visible()
    save_and_submit(page)
    expect(page.locator("#submit-errors")).to_contain_text("需有不少于6位院士提名，现有5位")
    page.fill("#f-academician_nominators", "6")
    save_and_submit(page)
    expect(page.locator("#recommendation-status")).to_have_text("已提交，待形式审查")
    sign_out(page)

    sign_in(page, "admin")
    page.goto("/admin/talent")
    page.click("#programmes a:has-text('青年科技奖')")
    programme_url = page.url
    page.click(f"#talent-recommendations a:has-text('{candidate}')")
    mark_checklist(page)
    page.click("#formal-review button[value=pass]")
    expect(page.locator("#recommendation-status")).to_have_text("形式审查通过")
    page.goto(programme_url)
    page.fill("#ballot-form input[name=places]", "1")
    ballot = {candidate: ("9", "2"), "王磊": ("4", "7")}  # 王磊 passed formal review in the demo
    for name, (yes, no) in ballot.items():
        row = page.locator(f"#ballot-form tr[data-candidate='{name}']")
        row.locator("input[name^=yes_]").fill(yes)
        row.locator("input[name^=no_]").fill(no)
    page.click("#ballot-form button[type=submit]")
    statuses = page.locator("#talent-recommendations")
    expect(statuses.locator("tr", has_text=candidate).locator("td.status-text")).to_have_text("拟入选，公示中")
    expect(statuses.locator("tr", has_text="王磊").locator("td.status-text")).to_have_text("未入选")
    title = page.locator("#talent-notice input[name=title]").input_value()
    page.click("#talent-notice button[type=submit]")
    expect(page.locator(".confirmation")).to_contain_text("拟推荐名单立即向社会公开。")
    page.click("#confirm-step")
    expect(page.locator(".notice")).to_have_text("拟入选名单已公示。")
    sign_out(page)

    page.goto("/public/notices")
    page.click(f"text={title}")
    entries = page.locator("#notice-entries")
    expect(entries).to_contain_text(candidate)
    expect(entries).to_contain_text("省机械工程学会")
    expect(entries).not_to_contain_text("王磊")
    expect(page.locator("#f-recommendation_id")).to_contain_text(candidate)
