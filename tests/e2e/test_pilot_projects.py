"""A society creates a pilot project and its task agreement, is refused a leader below
secretary-general rank, submits; the association signs; the public page shows it."""

import datetime as dt
import re
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in, sign_out
from xuehui.clock import CHINA


def fill_agreement(page: Page, title: str, rank: str) -> None:
    today = dt.datetime.now(CHINA).date()
    page.fill("#f-title", title)
    page.select_option("#f-function_type", "award_nomination")
    page.fill("#f-department", "省科学技术厅")
    page.fill("#f-goals", "有序承接科技奖励推荐职能")
    page.fill("#f-key_tasks", "建立推荐制度；组建专家库")
    page.fill("#f-quality_requirements", "程序公开，结果公示")
    dates = {
        "mobilisation": (today - dt.timedelta(days=10), today + dt.timedelta(days=50)),
        "implementation": (today + dt.timedelta(days=51), today + dt.timedelta(days=300)),
        "summary": (today + dt.timedelta(days=301), today + dt.timedelta(days=360)),
    }
    for stage, (start, end) in dates.items():
        page.fill(f"input[name=stage_{stage}_start]", start.isoformat())
        page.fill(f"input[name=stage_{stage}_end]", end.isoformat())
    page.fill("input[name=milestone_title_0]", "召开动员会")
    page.fill("input[name=milestone_due_0]", today.isoformat())
    page.fill("input[name=kpi_name_0]", "推荐项目数")
    page.fill("input[name=kpi_unit_0]", "项")
    page.fill("input[name=kpi_target_0]", "15")
    page.fill("input[name=funding_source_0]", "省财政")
    page.fill("input[name=funding_amount_0]", "200000")
    page.fill("#f-leader_name", "王建国")
    page.select_option("#f-leader_rank", rank)
    page.select_option("#f-leader_approved_by", "standing_council")
    page.fill("#f-leader_approval_date", (today - dt.timedelta(days=5)).isoformat())
    page.fill("#f-leader_resolution_ref", "常理字〔2026〕8号")
    page.fill("#f-team", "王建国 秘书长\n李娜 主管")


def test_society_submits_a_pilot_the_association_signs_and_the_public_sees_it(page: Page) -> None:
    title = f"机械工程奖励推荐试点-{uuid.uuid4().hex[:6]}"
    sign_in(page, "society")
    page.goto("/pilots/new")
    fill_agreement(page, title, "deputy_secretary_general")
    page.click("#pilot-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(title)
    expect(page.locator("#pilot-status")).to_have_text("草稿")

    page.click("button[data-action=submit]")
    expect(page.locator(".errors")).to_contain_text("项目负责人须由秘书长及以上职务人员担任，副秘书长不符合要求")
    expect(page.locator("#pilot-status")).to_have_text("草稿")

    page.click("text=编辑任务书")
    page.select_option("#f-leader_rank", "secretary_general")
    page.click("#pilot-form button[type=submit]")
    page.click("button[data-action=submit]")
    expect(page.locator("#pilot-status")).to_have_text("已提交")
    page.click("button[data-action=sign_society]")
    project_url = page.url.split("?")[0]
    sign_out(page)

    sign_in(page, "admin")
    page.goto(project_url)
    page.click("button[data-action=sign_department]")
    page.click("button[data-action=sign_association]")
    expect(page.locator("#pilot-status")).to_have_text("已签署")
    # Once it runs, a KPI reading draws the indicator against its target.
    page.click("button[data-action=start]")
    expect(page.locator("#pilot-status")).to_have_text("实施中")
    page.fill("#f-actual", "6")
    page.click("form[action$='/kpi-readings'] button[type=submit]")
    chart = page.locator("#kpi-chart img")
    expect(chart).to_be_visible()
    assert chart.evaluate("img => img.complete && img.naturalWidth") > 0
    expect(chart).to_have_attribute("alt", re.compile("推荐项目数：.* 40.0%"))
    sign_out(page)

    page.goto("/public/pilots")
    row = page.locator("#public-pilots tr", has_text=title)
    expect(row).to_contain_text("省机械工程学会")
    expect(row).to_contain_text("科技奖励推荐")
    expect(row).to_contain_text("实施中")


def test_language_switch_changes_the_pages_and_sticks(page: Page) -> None:
    page.goto("/public/pilots")
    expect(page.locator("h1")).to_have_text("学会承接政府转移职能试点项目")
    page.click("button[name=lang][value=en]")
    expect(page.locator("h1")).to_have_text("Pilot projects of societies taking over public functions")
    page.goto("/")
    expect(page.locator("a[href='/login']").first).to_have_text("Sign in")
    page.click("button[name=lang][value=zh]")
    expect(page.locator("a[href='/login']").first).to_have_text("登录")
