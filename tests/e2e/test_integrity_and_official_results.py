"""The association records an integrity violation against a society (the box asks once more),
and imports the provincial official results of the cycle through upload, preview and confirm."""

import io
import uuid

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in
from xuehui.clock import today


def _results_workbook(title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "评审结果"
    sheet.append([f"{today().year}年度省科学技术奖评审结果"])
    sheet.append(["项目名称", "奖励类别", "等级", "结果"])
    sheet.append([title, "技术发明奖", "二等奖", "获奖"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_integrity_violation_is_recorded_after_asking_once_more(page: Page) -> None:
    finding = f"申报材料中的检测报告系伪造（{uuid.uuid4().hex[:6]}）"
    sign_in(page, "admin")
    page.goto("/admin/societies")
    page.locator("table a", has_text="自动化学会").first.click()
    form = page.locator("#violation-form")
    form.locator("#f-kind").select_option("false_material")
    form.locator("#f-found_on").fill(today().isoformat())
    form.locator("#f-description").fill(finding)
    form.locator("button[type=submit]").click()
    expect(page.locator(".confirmation")).to_contain_text("该学会五年内不得推荐。")
    page.click("#cancel-step")  # cancelled: back on the society's page, nothing recorded
    expect(page.locator("#violations")).not_to_contain_text(finding)
    form.locator("#f-kind").select_option("false_material")
    form.locator("#f-found_on").fill(today().isoformat())
    form.locator("#f-description").fill(finding)
    form.locator("button[type=submit]").click()
    page.click("#confirm-step")
    expect(page.locator(".notice")).to_contain_text("已记录违规失信行为")
    row = page.locator("#violations tr", has_text=finding)
    expect(row).to_contain_text("提供虚假材料")


def test_official_results_are_previewed_then_imported(page: Page) -> None:
    title = f"外单位推荐的项目{uuid.uuid4().hex[:6]}"
    sign_in(page, "admin")
    page.goto("/admin/award-cycles")
    page.locator("table a").first.click()
    page.click("text=省级评审结果")
    page.set_input_files(
        "#f-file",
        files=[{"name": "结果.xlsx", "mimeType": "application/octet-stream", "buffer": _results_workbook(title)}],
    )
    page.click("#upload-form button[type=submit]")
    preview = page.locator("#preview")
    expect(preview).to_contain_text("读取的工作表：评审结果")
    expect(page.locator("#preview-unmatched")).to_contain_text(title)
    preview.locator("input[name=confirm]").check()
    preview.locator("button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text("已导入1行评审结果")
    expect(page.locator("#official-results tr", has_text=title)).to_contain_text("获奖")
