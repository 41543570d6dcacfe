"""The password-change form is throttled like sign-in: wrong current passwords are counted per
account, held back with a 429 and Retry-After after five in the window, and audited."""

import asyncio
import datetime as dt

import pytest

from accounts import services
from accounts.rules import PASSWORD_CHANGE_THROTTLED, password_change_refusal
from accounts.tables import AuditEntry, LoginFailure
from tests.support import PASSWORD, login, make_user, post_form
from xuehui.errors import InvalidInput, TooManyRequests

NEW = "a-brand-new-secret"
T0 = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
WINDOW = 15 * 60


def _form(current: str) -> dict[str, str]:
    return {"current_password": current, "new_password": NEW, "confirm_password": NEW}


@pytest.mark.pure
def test_the_fifth_wrong_password_in_the_window_holds_back_until_the_oldest_leaves_it() -> None:
    four = [T0 + dt.timedelta(minutes=m) for m in range(4)]
    assert password_change_refusal(four, T0 + dt.timedelta(minutes=5), 5, WINDOW) is None
    five = [*four, T0 + dt.timedelta(minutes=4)]
    assert password_change_refusal(five, T0 + dt.timedelta(minutes=5), 5, WINDOW) == (PASSWORD_CHANGE_THROTTLED, 600)
    assert password_change_refusal(five, T0 + dt.timedelta(minutes=15), 5, WINDOW) is None


async def test_wrong_current_passwords_are_throttled_with_retry_after_and_audited(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    for _ in range(5):
        wrong = await post_form(client, "/account/password", _form("not-my-password"), "/account")
        assert (wrong.status_code, "当前密码不正确" in wrong.text) == (422, True)
    held = await post_form(client, "/account/password", _form(PASSWORD), "/account")
    assert (held.status_code, held.headers["retry-after"]) == (429, "900")
    assert "当前密码输错次数过多" in held.text
    assert await LoginFailure.count().where(LoginFailure.purpose == "password_change") == 5
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions[-6:] == ["account.password_change_failed"] * 5 + ["account.password_change_throttled"]
    # The held-back change changed nothing: the old password still signs in.
    await login(client, "alice")


async def test_a_right_current_password_leaves_no_failure_and_others_still_count() -> None:
    alice = await make_user("alice", "admin")
    with pytest.raises(InvalidInput):
        await services.change_password(alice, "not-my-password", NEW)
    with pytest.raises(InvalidInput):  # right current password, weak new one: no guess wasted
        await services.change_password(alice, PASSWORD, "short")
    assert await LoginFailure.count() == 1
    await services.change_password(alice, PASSWORD, NEW)
    assert await LoginFailure.count() == 1


async def test_wrong_current_passwords_do_not_slow_down_signing_in() -> None:
    alice = await make_user("alice", "admin")
    for _ in range(5):
        with pytest.raises(InvalidInput):
            await services.change_password(alice, "not-my-password", NEW)
    _token, actor = await services.login("alice", PASSWORD, "10.0.0.1")
    assert actor.username == "alice"
    assert await services.failed_logins(alice) == {}


async def test_a_burst_of_guesses_gets_no_more_checks_than_the_limit() -> None:
    alice = await make_user("alice", "admin")
    outcomes = await asyncio.gather(
        *(services.change_password(alice, f"guess-{n}-wrong", NEW) for n in range(9)), return_exceptions=True
    )
    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["InvalidInput"] * 5 + ["TooManyRequests"] * 4
    assert {o.retry_after for o in outcomes if isinstance(o, TooManyRequests)} <= {899, 900}
