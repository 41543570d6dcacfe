"""Small steps shared by the browser tests."""

from playwright.sync_api import Page, expect

from xuehui.demo import DEMO_PASSWORD


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("form.card button[type=submit]")
    expect(page.locator("a.who")).to_be_visible()


def sign_out(page: Page) -> None:
    page.click("header form[action='/logout'] button")
    expect(page.locator("a[href='/login']").first).to_be_visible()


def fill_declarations(page: Page, society_notice: tuple[str, str], unit_notice: tuple[str, str]) -> None:
    """What a nomination records before it goes forward: the registration number, the two
    commitments, every completer's notice in their unit and the society's own selection
    (review the day before its notice starts; dates as YYYY-MM-DD)."""
    page.fill("#f-registration_number", "9372026Y0042")
    page.check("#f-single_channel")
    page.check("#f-prior_use_declared")
    page.fill("#f-unit_notice_starts", unit_notice[0])
    page.fill("#f-unit_notice_ends", unit_notice[1])
    page.fill("#f-society_review_on", unit_notice[1])
    page.fill("#f-society_review_experts", "7")
    page.fill("#f-society_review_result", "7票同意，同意推荐")
    page.fill("#f-society_notice_starts", society_notice[0])
    page.fill("#f-society_notice_ends", society_notice[1])
