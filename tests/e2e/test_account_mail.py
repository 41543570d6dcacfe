"""A candidate signs up, enables the account by the mailed link, forgets the password and sets a
new one by another mailed link; the old password and the used link no longer work."""

import uuid

from playwright.sync_api import Page, expect

from tests.e2e.helpers import mailed_link, sign_in, sign_out, sign_up


def test_a_candidate_confirms_by_mail_forgets_the_password_and_resets_it(page: Page) -> None:
    username = f"cand{uuid.uuid4().hex[:6]}"
    email = f"{username}@example.org"
    sign_up(page, username, email, "first-passphrase-1")
    sign_in(page, username, "first-passphrase-1")
    expect(page.locator("a.who")).to_contain_text("王小明")
    sign_out(page)

    page.goto("/login")
    page.click("text=忘记密码")
    page.fill("#f-email", email)
    page.click("#forgot-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("重置密码的链接已经发出")
    link = mailed_link(email, count=2)
    page.goto(link)
    page.fill("#f-new_password", "second-passphrase-2")
    page.fill("#f-confirm_password", "second-passphrase-3")
    page.click("#reset-form button[type=submit]")
    expect(page.locator(".errors")).to_contain_text("两次输入的密码不一致")
    page.fill("#f-new_password", "second-passphrase-2")
    page.fill("#f-confirm_password", "second-passphrase-2")
    page.click("#reset-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("密码已重置")

    page.fill("#f-username", username)
    page.fill("#f-password", "first-passphrase-1")
    page.click("form.card button[type=submit]")
    expect(page.locator(".errors")).to_be_visible()
    sign_in(page, username, "second-passphrase-2")
    sign_out(page)
    page.goto(link)
    expect(page.locator("#link-invalid")).to_be_visible()
