"""A society reads its own row of the published adjustment with every reason and objects to it;
the association answers beside the objection; the society reads the answer."""

import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import sign_in, sign_out


def test_a_society_objects_to_its_adjustment_row_and_reads_the_answer(page: Page) -> None:
    grounds = f"上一年度获奖项目漏计一项（{uuid.uuid4().hex[:6]}）"
    sign_in(page, "society")
    page.goto("/nominations")
    page.click("text=本学会提名资格和名额")
    expect(page.locator("h1")).to_contain_text("本学会提名资格和名额")
    expect(page.locator("#own-reasons li").first).to_be_visible()
    expect(page.locator("#may-nominate")).to_have_text("是")
    page.click("#objection-form button[type=submit]")  # empty: the browser keeps it
    expect(page.locator("#objection-form")).to_be_visible()
    page.fill("#f-grounds", grounds)
    page.click("#objection-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("异议已受理")
    expect(page.locator(".objection").first).to_contain_text(grounds)
    expect(page.locator("#objection-form")).to_have_count(0)
    sign_out(page)

    sign_in(page, "admin")
    page.goto("/admin/award-cycles")
    page.locator("a", has_text="动态调整").first.click()
    card = page.locator(".objection", has_text=grounds)
    expect(card).to_contain_text("已受理，待答复")
    card.locator("textarea[name=answer]").fill("经核实，漏计项目属于另一学会，维持原结果。")
    card.locator("button[type=submit]").click()
    expect(page.locator(".objection", has_text=grounds)).to_contain_text("维持原结果")
    sign_out(page)

    sign_in(page, "society")
    page.goto("/nominations/adjustment")
    answered = page.locator(".objection", has_text=grounds)
    expect(answered).to_contain_text("维持原结果")
    expect(answered).to_contain_text("经核实，漏计项目属于另一学会")
