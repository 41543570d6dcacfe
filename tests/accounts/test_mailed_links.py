"""Mailed single-use links, through the pages and a real SMTP server: a candidate's sign-up is
enabled by the confirmation link; a forgotten password is reset by a link that works once and
expires; a reset request answers the same for a known and an unknown address and is throttled."""

from __future__ import annotations

import datetime as dt

from accounts.tables import AccountLink, User
from tests.mail import Mailbox, open_mailed_link, path_of
from tests.support import PASSWORD, csrf, login, make_user, post_form
from xuehui.notify import send_pass

NEW = "a-brand-new-passphrase"


async def sign_up(client, username: str, email: str, confirm: str = "long-enough-pass"):
    return await post_form(
        client,
        "/candidate/signup",
        {
            "username": username,
            "display_name": "张三",
            "email": email,
            "password": "long-enough-pass",
            "confirm_password": confirm,
        },
        "/candidate/signup",
    )


async def sign_in_answer(client, username: str, password: str) -> int:
    answer = await client.post(
        "/login",
        data={"username": username, "password": password, "_csrf_token": await csrf(client, "/login")},
        follow_redirects=False,
    )
    return answer.status_code


async def test_a_sign_up_needs_the_password_twice_and_a_real_address(client) -> None:
    mismatch = await sign_up(client, "zhang", "zhang@example.org", confirm="something-else")
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.text
    assert 'value="zhang@example.org"' in mismatch.text  # the input is kept
    no_address = await sign_up(client, "zhang", "not-an-address")
    assert no_address.status_code == 422 and "请填写有效的电子邮箱" in no_address.text
    assert await User.count() == 0


async def test_a_candidate_is_enabled_by_the_mailed_link_once(client, mailbox: Mailbox) -> None:
    assert (await sign_up(client, "zhang", "zhang@example.org")).status_code == 303
    assert await sign_in_answer(client, "zhang", "long-enough-pass") == 422  # not confirmed yet
    await send_pass(mailbox.settings)
    [mail] = mailbox.to("zhang@example.org")
    assert mail["Subject"] == "确认您的电子邮箱" and "考生账号" in str(mail.get_content())
    link = mailbox.last_link("zhang@example.org")
    assert link.startswith("http://127.0.0.1:8000/account/confirm?token=")
    # Opening the link changes nothing; the button on its page does.
    await client.get(path_of(link))
    assert (await User.select(User.active).first())["active"] is False
    confirmed = await open_mailed_link(client, mailbox, "zhang@example.org", "confirm-form")
    assert confirmed.headers["location"] == "/login?next=/candidate&done=confirmed"
    assert "您的邮箱已确认" in (await client.get(confirmed.headers["location"])).text
    row = await User.select(User.active, User.email_confirmed_at).first()
    assert row["active"] is True and row["email_confirmed_at"] is not None
    await login(client, "zhang", "long-enough-pass")
    # The link works once.
    again = await client.get(path_of(link))
    assert 'id="link-invalid"' in again.text and 'id="confirm-form"' not in again.text


async def test_a_taken_name_is_told_by_mail_and_gets_no_link(client, mailbox: Mailbox) -> None:
    await make_user("zhang", "candidate")
    assert (await sign_up(client, "Zhang", "other@example.org")).headers[
        "location"
    ] == "/candidate/signup?done=requested"
    await send_pass(mailbox.settings)
    [mail] = mailbox.to("other@example.org")
    assert mail["Subject"] == "您的注册未完成" and "token=" not in str(mail.get_content())
    assert await AccountLink.count() == 0


async def test_a_forgotten_password_is_reset_by_a_single_use_link(client, other_client, mailbox: Mailbox) -> None:
    await make_user("li", "expert")
    await User.update({User.email: "li@example.org"}).where(User.username == "li")
    await login(other_client, "li")  # a session elsewhere ends with the reset
    assert 'href="/password/forgot"' in (await client.get("/login")).text
    asked = await post_form(client, "/password/forgot", {"email": "LI@example.org"}, "/password/forgot")
    unknown = await post_form(client, "/password/forgot", {"email": "nobody@example.org"}, "/password/forgot")
    assert asked.headers["location"] == unknown.headers["location"] == "/password/forgot?done=sent"
    assert "重置密码的链接已经发出" in (await client.get(asked.headers["location"])).text
    mismatch = await open_mailed_link(
        client, mailbox, "li@example.org", "reset-form", new_password=NEW, confirm_password="other-passphrase"
    )
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.text
    reset = await open_mailed_link(
        client, mailbox, "li@example.org", "reset-form", new_password=NEW, confirm_password=NEW
    )
    assert reset.headers["location"] == "/login?done=reset"
    assert mailbox.to("nobody@example.org") == []
    assert (await other_client.get("/account", follow_redirects=False)).status_code != 200
    assert await sign_in_answer(client, "li", PASSWORD) == 422
    await login(client, "li", NEW)
    # The same link again: refused beside the form, the password stays.
    token = path_of(mailbox.last_link("li@example.org")).split("token=")[1]
    again = await post_form(
        client,
        "/password/reset",
        {"token": token, "new_password": "third-passphrase", "confirm_password": "third-passphrase"},
    )
    assert again.status_code == 422 and "链接无效、已使用或已过期" in again.text


async def test_an_expired_reset_link_does_not_work(client, mailbox: Mailbox) -> None:
    await make_user("li", "expert")
    await User.update({User.email: "li@example.org"}).where(User.username == "li")
    await post_form(client, "/password/forgot", {"email": "li@example.org"}, "/password/forgot")
    await AccountLink.update({AccountLink.expires_at: AccountLink.created_at - dt.timedelta(seconds=1)}).where(
        AccountLink.id > 0
    )
    await send_pass(mailbox.settings)
    page = await client.get(path_of(mailbox.last_link("li@example.org")))
    assert 'id="link-invalid"' in page.text and 'id="reset-form"' not in page.text


async def test_reset_requests_are_throttled_per_address(client) -> None:
    for _ in range(5):
        answer = await post_form(client, "/password/forgot", {"email": "x@example.org"}, "/password/forgot")
        assert answer.status_code == 303
    held = await post_form(client, "/password/forgot", {"email": "x@example.org"}, "/password/forgot")
    assert held.status_code == 429 and "重置申请过多" in held.text and int(held.headers["retry-after"]) > 3500
