"""Every demo login finds real work on its own pages, as a newcomer trying the demo would: the
admin a nomination to review, an objection to decide and a review batch under way; the society a
returned nomination and recommendation to correct; the expert an invitation to accept, a draft
review to finish and a panel vote; the exam office a plan with registrations awaiting review and
a re-check to decide; the candidate a ticket, scores, a re-check and an open exam."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in, sign_out
from xuehui.clock import today

YEAR = f"{today():%y}"


def open_menu(page: Page, href: str) -> None:
    """Follow the link on the start page that signing in leads to, as a newcomer does."""
    page.goto("/")
    page.locator(f"main .card a[href='{href}']").first.click()


def test_admin_finds_a_review_queue_an_objection_and_a_batch_under_way(page: Page) -> None:
    sign_in(page, "admin")
    open_menu(page, "/admin/nominations")
    expect(page.locator("#queue tr", has_text="高端数控机床精度保持关键技术")).to_contain_text("已提交，待形式审查")
    page.goto("/admin/notices")
    objection = page.locator("#objections-table tr", has_text="节能效果数据")
    expect(objection).to_contain_text("王五")
    open_menu(page, "/admin/review-batches")
    page.locator("#batches a", has_text="网络评审（机械组）").click()
    expect(page.locator("#assignments")).to_contain_text("已谢绝")
    expect(page.locator("#assignments")).to_contain_text("待确认")
    sign_out(page)


def test_society_finds_a_returned_nomination_and_recommendation_to_correct(page: Page) -> None:
    sign_in(page, "society")
    open_menu(page, "/nominations")
    expect(page.locator("#nominations tr", has_text="高速重载齿轮接触疲劳失效机理")).to_contain_text("退回修改")
    expect(page.locator("#nominations tr", has_text="工程机械电液控制系统节能技术")).to_contain_text("形式审查通过")
    open_menu(page, "/talent")
    expect(page.locator("#recommendations tr", has_text="赵红梅")).to_contain_text("退回修改")
    expect(page.locator("#recommendations tr", has_text="孙志刚")).to_contain_text("草稿")
    sign_out(page)


def test_expert_finds_an_invitation_a_review_to_finish_and_a_panel_vote(page: Page) -> None:
    sign_in(page, "expert")
    open_menu(page, "/expert/assignments")
    mine = page.locator("#my-assignments")
    expect(mine.locator("tr", has_text="高端数控机床热误差补偿关键技术")).to_contain_text("待确认")
    expect(mine.locator("tr", has_text="大型盾构机主轴承国产化研制")).to_contain_text("草稿")
    expect(mine.locator("tr", has_text="智能焊接机器人视觉引导系统")).to_contain_text("已提交")
    expect(mine).not_to_contain_text("工程机械电液控制系统节能技术")  # declined: another expert took it
    mine.locator("a", has_text="高端数控机床热误差补偿关键技术").click()
    expect(page.locator("button[data-action=accept]")).to_be_visible()
    page.goto("/expert/panels")
    ballot = page.locator("table.ballots tr", has_text="航空发动机叶片增材修复工艺")
    expect(ballot.locator("button[value=yes]")).to_be_visible()
    sign_out(page)


def test_exam_office_finds_registrations_awaiting_review_and_a_recheck(page: Page) -> None:
    sign_in(page, "examadmin")
    open_menu(page, "/exams")
    page.locator("#plans a", has_text="（第二次）").click()
    expect(page.locator("#counts")).to_contain_text("待审核 1")
    page.goto(page.url.split("?")[0] + "/registrations")
    expect(page.locator("#registrations tr", has_text="省化工设计院")).to_contain_text("李娜")
    expect(page.locator("#registrations tr", has_text="省化工设计院")).to_contain_text("待审核")
    expect(page.locator("#registrations tr", has_text="某咨询公司")).to_contain_text("已作废")
    page.goto("/exams")
    page.locator("#plans a", has_text="（第一次）").click()
    expect(page.locator("#counts")).to_contain_text("已排座 6")
    plan_url = page.url.split("?")[0]
    page.goto(plan_url + "/rechecks")
    expect(page.locator("body")).to_contain_text("张三")
    sign_out(page)


def test_candidate_finds_a_ticket_scores_a_recheck_and_an_open_exam(page: Page) -> None:
    sign_in(page, "candidate")
    open_menu(page, "/candidate")
    held = page.locator("section.registration", has_text="（第一次）")
    expect(held.locator("tr[data-subject='01']")).to_contain_text("78")
    expect(held.locator("tr[data-subject='02']")).to_contain_text("已申请")
    held.locator("a[href$='/ticket']").click()
    expect(page.locator("#ticket-no")).to_have_text(re.compile(rf"^\s*20{YEAR}HG{YEAR}A\d+\s*$"))
    page.goto("/candidate")
    expect(page.locator("#open-plans")).to_contain_text("（第二次）")
    sign_out(page)


def test_the_second_society_finds_its_signed_pilot_project(page: Page) -> None:
    sign_in(page, "society2")
    open_menu(page, "/pilots")
    expect(page.locator("#pilots tr", has_text="计算机领域科技奖励推荐试点")).to_contain_text("已签署")
    expect(page.locator("#pilots")).not_to_contain_text("机械工程领域科技奖励推荐试点")  # another society's
    sign_out(page)
