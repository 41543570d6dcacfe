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
