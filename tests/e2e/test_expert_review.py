"""The admin registers experts and builds a review batch of generic items and runs it; an expert
declares a conflict on one item and is replaced; another expert scores and submits; the admin
sees the normalised ranking."""

import datetime as dt
import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import change_initial_password, sign_in, sign_out
from xuehui import idcard

EXPERT1_PASSWORD = "First-expert-2026"
EXPERT2_PASSWORD = "Second-expert-2026"


def register(page: Page, name: str, seq: int, *, username: str = "", password: str = "", keywords: str = "") -> None:
    page.goto("/admin/experts")
    form = page.locator("#expert-form")
    form.locator("#f-name").fill(name)
    form.locator("#f-id_number").fill(idcard.make("330106", dt.date(1972, 5, seq), 3, "male"))
    form.locator("#f-unit").fill(f"{name}所在大学")
    form.locator("#f-primary_discipline").select_option("520.20")
    form.locator("#f-keywords").fill(keywords)
    form.locator("#f-username").fill(username)
    form.locator("#f-password").fill(password)
    form.locator("button[type=submit]").click()
    expect(page.locator("h1")).to_contain_text(name)


def add_item(page: Page, external_id: str, title: str) -> None:
    form = page.locator("#item-form")
    form.locator("#f-external_id").fill(external_id)
    form.locator("#f-title").fill(title)
    form.locator("#f-disciplines").fill("520.20")
    form.locator("#f-keywords").fill("机器学习")
    form.locator("#f-material").fill(f"{title}：项目简介与主要创新点")
    form.locator("button[type=submit]").click()
    expect(page.locator("#items")).to_contain_text(title)


def score(page: Page, title: str, values: tuple[str, str, str]) -> None:
    page.goto("/expert/assignments")
    page.click(f"#my-assignments a:has-text('{title}')")
    expect(page.locator("#material")).to_contain_text("项目简介")
    page.click("button[data-action=accept]")
    expect(page.locator("#assignment-status")).to_have_text("已接受")
    for code, value in zip(("innovation", "benefit", "impact"), values, strict=True):
        page.fill(f"#f-score_{code}", value)
    page.select_option("#f-recommendation", "recommend")
    page.fill("#f-comment", "创新性突出")
    page.click("button[name=action][value=draft]")
    expect(page.locator(".notice")).to_have_text("草稿已保存。")
    page.click("button[name=action][value=submit]")
    expect(page.locator(".confirmation")).to_contain_text("提交后评分、评语和推荐意见即为最终结果，不能再修改。")
    page.click("#confirm-step")
    expect(page.locator(".notice")).to_have_text("评审意见已提交。")
    expect(page.locator("#review-locked")).to_contain_text("评审意见已锁定")


def test_batch_conflict_replacement_scoring_and_normalised_ranking(page: Page) -> None:
    tag = uuid.uuid4().hex[:6]
    first, second = f"深度学习平台-{tag}", f"工业软件-{tag}"
    sign_in(page, "admin")
    register(page, "林教授", 1, username="expert1", password=EXPERT1_PASSWORD, keywords="机器学习")
    register(page, "陈研究员", 2, username="expert2", password=EXPERT2_PASSWORD, keywords="机器学习")
    register(page, "何教授", 3)

    page.goto("/admin/review-batches")
    page.fill("#f-name", f"2026年度网络评审-{tag}")
    page.fill("#f-required", "2")
    page.fill("#f-max_load", "2")
    page.click("#batch-form button[type=submit]")
    expect(page.locator("#batch-status")).to_have_text("未分配")
    add_item(page, f"{tag}-1", first)
    add_item(page, f"{tag}-2", second)
    page.click("#run-form button[type=submit]")
    expect(page.locator(".confirmation")).to_contain_text("2个评审对象各指派2位专家，专家随即看到各自的任务。")
    page.click("#confirm-step")
    expect(page.locator(".notice")).to_have_text("专家分配已完成。")
    expect(page.locator("#batch-status")).to_have_text("已分配")
    batch_url = page.url.split("?")[0]
    sign_out(page)

    sign_in(page, "expert1", EXPERT1_PASSWORD)
    change_initial_password(page, EXPERT1_PASSWORD, "First-expert-own-2026")
    page.goto("/expert/assignments")
    expect(page.locator("#my-assignments")).to_contain_text(first)
    page.click(f"#my-assignments a:has-text('{first}')")
    page.fill("#f-conflict-reason", "第一完成人是我指导的博士生")
    page.click("button[data-action=conflict]")
    expect(page.locator(".notice")).to_have_text("已申报回避，系统已另行安排专家。")
    expect(page.locator("#my-assignments")).not_to_contain_text(first)
    expect(page.locator("#my-assignments")).to_contain_text(second)
    sign_out(page)

    sign_in(page, "admin")
    page.goto(batch_url)
    replaced = page.locator("#assignments tr", has_text=first)
    expect(replaced.filter(has_text="林教授")).to_contain_text("已回避")
    expect(replaced.filter(has_text="何教授")).to_contain_text("待确认")
    sign_out(page)

    sign_in(page, "expert2", EXPERT2_PASSWORD)
    change_initial_password(page, EXPERT2_PASSWORD, "Second-expert-own-2026")
    score(page, first, ("90", "85", "80"))
    score(page, second, ("70", "60", "65"))
    sign_out(page)

    sign_in(page, "admin")
    page.goto(batch_url)
    page.click("#results-link")
    top = page.locator("#ranking tbody tr").first
    expect(top.locator("td.rank")).to_have_text("1")
    expect(top).to_contain_text(first)
    expect(top).to_contain_text("1.000")  # one expert, two reviews: z-scores +1 and -1
    expect(page.locator("#ranking tbody tr").nth(1)).to_contain_text("-1.000")
    expect(page.locator("#scores")).to_contain_text("陈研究员")
