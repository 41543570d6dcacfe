"""The society hears of its formal review: a returned nomination's mail carries the reasons and
the correction deadline, in each staff member's language, and the same message waits in their
inbox with the unread count in the page header."""

from __future__ import annotations

from accounts.tables import User
from nominations import services
from tests.mail import Mailbox
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import csrf, login, make_user
from xuehui.notify import send_pass
from xuehui.tables import OutboxMessage


async def test_a_returned_nomination_is_mailed_with_its_deadline_and_shown_in_the_inbox(
    client, mailbox: Mailbox
) -> None:
    cycle_id, admin, nominator, society_id = await nominating_society()
    await make_user("nominator2", "society", society_id)
    await User.update({User.email: "cmes@example.org"}).where(User.username == "nominator")
    await User.update({User.email: "second@example.org", User.language: "en"}).where(User.username == "nominator2")
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "return", "缺少应用证明")
    deadline = (await services.get_nomination(nominator, nomination_id))["correction_deadline"].isoformat()

    assert (await send_pass(mailbox.settings)).sent == 2
    [mail] = mailbox.to("cmes@example.org")
    body = str(mail.get_content())
    assert mail["Subject"] == "退回修改：精密机床"
    assert "缺少应用证明" in body and f"请在 {deadline}（北京时间）前修改后重新提交" in body
    [english] = mailbox.to("second@example.org")
    assert english["Subject"] == "Returned for correction: 精密机床" and f"by {deadline}" in str(english.get_content())
    assert await OutboxMessage.count().where(OutboxMessage.recipient_id == admin.user_id) == 0

    await login(client, "nominator")
    home = await client.get("/")
    assert '<span class="badge" id="unread-count">1</span>' in home.text
    inbox = await client.get("/inbox")
    assert "退回修改：精密机床" in inbox.text and deadline in inbox.text
    assert f'href="/nominations/{nomination_id}"' in inbox.text
    message_id = (
        await OutboxMessage.select(OutboxMessage.id).where(OutboxMessage.address == "cmes@example.org").first()
    )["id"]
    read = await client.post(
        f"/inbox/{message_id}/read", data={"_csrf_token": await csrf(client, "/inbox")}, follow_redirects=False
    )
    assert read.status_code == 303
    assert 'id="unread-count"' not in (await client.get("/inbox")).text


async def test_a_pass_is_told_too_and_a_second_review_round_is_a_new_message(mailbox: Mailbox) -> None:
    cycle_id, admin, nominator, _ = await nominating_society()
    await User.update({User.email: "cmes@example.org"}).where(User.username == "nominator")
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "return", "缺少应用证明")
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    await send_pass(mailbox.settings)
    assert [m["Subject"] for m in mailbox.to("cmes@example.org")] == ["退回修改：精密机床", "形式审查通过：精密机床"]
