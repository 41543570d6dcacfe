"""A society fills a nomination, sees rules fail live, fixes it and submits; its quota drops;
the association returns it, then passes it; the public notice shows it; an objection is filed
and upheld."""

import datetime as dt
import uuid

from playwright.sync_api import Page, expect

from nominations.demo import demo_nomination
from tests.e2e.helpers import fill_declarations, mail_about, mark_checklist, sign_in, sign_out
from xuehui.clock import today
from xuehui.idcard import make

TAKEN_ID = demo_nomination("demo", 5).body.contributors[0].id_number  # in the demo's submitted nomination


def fill_contributor(page: Page, row: int, name: str, id_number: str) -> None:
    page.fill(f"input[name=c_name_{row}]", name)
    page.fill(f"input[name=c_id_{row}]", id_number)
    page.fill(f"input[name=c_unit_{row}]", "山东大学")


def left_in_invention(page: Page) -> int:
    page.goto("/nominations")
    return int(page.locator("#quota tr[data-category=technological_invention] td.left").inner_text())


def test_nomination_from_live_rules_to_an_upheld_objection(page: Page) -> None:
    title = f"复杂曲面精密测量方法-{uuid.uuid4().hex[:6]}"
    sign_in(page, "society")
    left_before = left_in_invention(page)
    page.click("text=新建推荐")
    page.fill("#f-title", title)
    page.select_option("#f-category", "technological_invention")
    page.select_option("#f-grade", "second")
    page.fill("#f-summary", "面向航空发动机叶片的精密测量。")
    page.fill("#f-application_started_on", (today() - dt.timedelta(days=1200)).isoformat())
    page.fill("input[name=u_name_0]", "山东大学")
    page.fill("input[name=u_province_0]", "370000")
    fill_contributor(page, 0, "张伟", TAKEN_ID)
    for row in range(1, 7):
        fill_contributor(page, row, f"成员{row}", make("370102", dt.date(1982, 3, row), 40 + row, "female"))
    rules = page.locator("#rule-results")
    expect(rules.locator("[data-code='eligibility.too_many_contributors']")).to_be_visible()
    expect(rules.locator("[data-code='eligibility.contributor_in_other_nomination']")).to_be_visible()

    first_id = make("370102", dt.date(1979, 8, 8), 30, "male")
    fill_contributor(page, 0, "周新", first_id)
    for row in range(3, 7):
        fill_contributor(page, row, "", "")
        page.fill(f"input[name=c_unit_{row}]", "")
    expect(rules.locator("[data-code='eligibility.too_many_contributors']")).to_have_count(0)
    expect(rules.locator("[data-code='eligibility.contributor_in_other_nomination']")).to_have_count(0)
    days = [(today() - dt.timedelta(days=n)).isoformat() for n in (40, 30, 20, 10)]
    fill_declarations(page, society_notice=(days[2], days[3]), unit_notice=(days[0], days[1]))
    page.click("#save")
    expect(page.locator("#nomination-status")).to_have_text("草稿")
    page.click("#submit")
    expect(page.locator(".confirmation")).to_contain_text("提交后已用")
    page.click("#confirm-step")
    expect(page.locator("#nomination-status")).to_have_text("已提交，待形式审查")
    expect(page.locator(".flash")).to_have_text("推荐已提交。")
    nomination_url = page.url.split("?")[0]
    assert left_in_invention(page) == left_before - 1
    sign_out(page)

    sign_in(page, "admin")
    page.goto("/admin/nominations")
    page.click(f"text={title}")
    review_url = page.url
    # the whole record is on the page: every contributor with the identity number, the texts, the rules
    contributors = page.locator("#record-contributors")
    expect(contributors.locator("tr[data-contributor]")).to_have_count(3)
    expect(contributors.locator("tr[data-contributor='1']")).to_contain_text(first_id)
    expect(page.locator("#record-summary")).to_contain_text("面向航空发动机叶片的精密测量。")
    expect(page.locator("#record-eligibility")).to_be_visible()
    # passing with an item failed is refused beside the decision, with the marks kept
    mark_checklist(page, {"signatures_seals": "完成单位公章页缺失"})
    page.click("#formal-review button[value=pass]")
    expect(page.locator("#formal-review")).to_contain_text("有审查要点不符合，不能通过，请退回修改")
    expect(page.locator("input[name=reason_signatures_seals]")).to_have_value("完成单位公章页缺失")
    page.fill("#f-reasons", "请补充第三方检测报告")
    page.click("#formal-review button[value=return]")
    expect(page.locator("#nomination-status")).to_have_text("退回修改")
    expect(page.locator("#steps")).to_contain_text("签字盖章完整：完成单位公章页缺失")
    sign_out(page)

    # The society is told by mail, with the deadline, and finds the same message in its inbox.
    body = mail_about("society@example.org", title)
    assert "请补充第三方检测报告" in body and "（北京时间）前修改后重新提交" in body
    deadline = body.split("请在 ", 1)[1].split("（", 1)[0]
    sign_in(page, "society")
    expect(page.locator("#unread-count")).to_be_visible()
    page.click("#inbox-link")
    message = page.locator(".inbox-item", has_text=title)
    expect(message).to_contain_text(f"退回修改：{title}")
    expect(message).to_contain_text(f"请在 {deadline}（北京时间）前修改后重新提交")
    page.goto(nomination_url)
    expect(page.locator(".errors").first).to_contain_text("签字盖章完整：完成单位公章页缺失")
    expect(page.locator(".errors").first).to_contain_text("请补充第三方检测报告")
    page.fill("#f-summary", "面向航空发动机叶片的精密测量，已补充第三方检测报告。")
    page.click("#save")
    page.click("#submit")
    expect(page.locator(".confirmation")).to_contain_text("退回修改的项目重新提交，仍占用原有名额。")
    page.click("#confirm-step")
    expect(page.locator("#nomination-status")).to_have_text("已提交，待形式审查")
    sign_out(page)

    sign_in(page, "admin")
    page.goto(review_url)
    mark_checklist(page)
    page.click("#formal-review button[value=pass]")
    expect(page.locator("#nomination-status")).to_have_text("形式审查通过")
    page.goto("/admin/notices")
    page.fill("input[name=title]", f"受理项目公示 {title}")
    # the accepted-nominations window of the cycle, started today instead of its configured day
    page.select_option("#f-window", "accepted")
    page.fill("input[name=starts_on]", today().isoformat())
    page.click("form[action='/admin/notices'] button[type=submit]")
    page.click("#confirm-step")
    expect(page.locator(".flash")).to_have_text("公示已发布。")
    sign_out(page)

    page.goto("/public/notices")
    page.click(f"text=受理项目公示 {title}")
    expect(page.locator("#notice-entries")).to_contain_text(title)
    expect(page.locator("#notice-entries")).to_contain_text("省机械工程学会")
    page.select_option("#f-nomination_id", label=title)
    page.fill("#f-reasons", "部分测量数据与已发表论文重复")
    page.fill("#f-name", "王五")
    page.fill("#f-id_number", make("370102", dt.date(1985, 6, 6), 7, "male"))
    page.fill("#f-phone", "13800138000")
    page.click("#objection-form button[type=submit]")
    expect(page.locator(".notice")).to_have_text("您的异议已收到。")

    sign_in(page, "admin")
    page.goto("/admin/notices")
    row = page.locator("#objections-table tr", has_text="部分测量数据与已发表论文重复")
    row.locator("select[name=state]").select_option("upheld")
    row.locator("select[name=outcome]").select_option("send_back")
    row.locator("input[name=decision]").fill("经核实数据重复，退回修改")
    row.locator("button[type=submit]").click()
    expect(
        page.locator("#objections-table tr", has_text="部分测量数据与已发表论文重复").locator("td.state")
    ).to_have_text("异议成立")
    page.goto(review_url)
    expect(page.locator("#nomination-status")).to_have_text("退回修改")
