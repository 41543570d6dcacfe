"""A society records its own selection before it forwards a nomination: its expert review and
its own notice; a notice of four working days is refused beside the field, five are accepted,
and the association's review page shows the record."""

import datetime as dt
import uuid

from playwright.sync_api import Page, expect

from nominations.rules.notice import WorkingCalendar, add_working_days
from tests.e2e.helpers import fill_declarations, sign_in, sign_out
from xuehui.clock import today
from xuehui.idcard import make

CALENDAR = WorkingCalendar()


def test_a_society_records_its_own_selection_and_notice_and_submits(page: Page) -> None:
    title = f"海上风电基础防腐技术-{uuid.uuid4().hex[:6]}"
    ends = CALENDAR.next_working_day(today() - dt.timedelta(days=10))
    four, five = (add_working_days(CALENDAR, ends, -n) for n in (3, 4))
    unit_notice = ((five - dt.timedelta(days=30)).isoformat(), (five - dt.timedelta(days=20)).isoformat())

    sign_in(page, "society")
    page.goto("/nominations/new")
    page.fill("#f-title", title)
    page.select_option("#f-category", "progress")
    page.select_option("#f-grade", "second")
    page.fill("#f-summary", "海上风电基础的长效防腐技术及其工程应用。")
    page.fill("#f-application_started_on", (today() - dt.timedelta(days=1200)).isoformat())
    page.fill("input[name=u_name_0]", "中国海洋大学")
    page.fill("input[name=u_province_0]", "370000")
    for row, name in enumerate(["海风甲", "海风乙", "海风丙"]):
        page.fill(f"input[name=c_name_{row}]", name)
        page.fill(f"input[name=c_id_{row}]", make("370202", dt.date(1980, 5, 1 + row), 20 + row, "male"))
        page.fill(f"input[name=c_unit_{row}]", "中国海洋大学")
    fill_declarations(page, society_notice=(four.isoformat(), ends.isoformat()), unit_notice=unit_notice)
    page.click("#save")
    expect(page.locator("#nomination-status")).to_have_text("草稿")

    page.click("#submit")
    page.click("#confirm-step")
    beside = page.locator("#f-society_notice_ends + small.error, #f-society_notice_ends ~ small.error")
    expect(beside).to_have_text(f"学会公示应不少于5个工作日，{four}至{ends}只有4个工作日")
    expect(page.locator("#nomination-status")).to_have_text("草稿")
    expect(page.locator("#f-society_notice_starts")).to_have_value(four.isoformat())

    page.fill("#f-society_notice_starts", five.isoformat())
    page.click("#save")
    page.click("#submit")
    page.click("#confirm-step")
    expect(page.locator("#nomination-status")).to_have_text("已提交，待形式审查")
    sign_out(page)

    sign_in(page, "admin")
    page.goto("/admin/nominations")
    page.click(f"text={title}")
    record = page.locator("#selection-record")
    expect(record.locator("#society-review-result")).to_have_text("7票同意，同意推荐")
    expect(record.locator("#society-review-experts")).to_have_text("7")
    expect(record.locator("#society-notice")).to_have_text(f"{five} — {ends}")
