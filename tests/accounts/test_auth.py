"""Sign-in, sessions, CSRF, throttling and API tokens through the real app and database."""

import asyncio
import datetime as dt
import json
import statistics
import time
from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher

from accounts import services
from accounts.tables import ApiToken, AuditEntry, LoginFailure, Session, User
from tests.support import PASSWORD, csrf, login, make_society, make_user, post_form
from xuehui.errors import InvalidInput, TooManyRequests
from xuehui.settings import get_settings


async def test_login_issues_a_fresh_session_id_even_when_one_was_planted(client, other_client) -> None:
    await make_user("alice", "admin")
    client.cookies.set("xh_session", "attacker-chosen-id", domain="testserver.local")
    await login(client, "alice")
    issued = client.cookies.get("xh_session")
    assert issued != "attacker-chosen-id"
    other_client.cookies.set("xh_session", "attacker-chosen-id", domain="testserver.local")
    assert (await other_client.get("/api/me")).status_code == 401
    me = await client.get("/api/me")
    assert me.json()["username"] == "alice"


async def test_unknown_user_and_wrong_password_get_the_same_answer(client) -> None:
    await make_user("alice", "admin")
    token = await csrf(client, "/login")
    wrong = await client.post("/login", data={"username": "alice", "password": "nope-nope-nope", "_csrf_token": token})
    unknown = await client.post(
        "/login", data={"username": "nobody", "password": "nope-nope-nope", "_csrf_token": token}
    )
    assert wrong.status_code == unknown.status_code == 422
    assert "用户名或密码不正确" in wrong.text and "用户名或密码不正确" in unknown.text
    assert await LoginFailure.count() == 2


@pytest.fixture
def real_argon2(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The production hashing profile, for a test that compares how long answers take."""
    monkeypatch.setenv("XUEHUI_ARGON2_PROFILE", "rfc9106-low-memory")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def test_unknown_user_and_wrong_password_take_the_same_time(real_argon2: None) -> None:
    """An unknown name still costs one full password check, so timing does not reveal accounts.

    Skipping the check for an unknown name makes it about a hundred times faster than a wrong
    password; the band below is wide enough for a busy machine and far from that.
    """
    await make_user("alice", "admin")

    async def seconds(username: str) -> float:
        started = time.perf_counter()
        with pytest.raises(InvalidInput):
            await services.login(username, "wrong-password", "10.9.9.9")
        return time.perf_counter() - started

    wrong = [await seconds("alice") for _ in range(4)]
    unknown = [await seconds("nobody") for _ in range(4)]
    ratio = statistics.median(unknown) / statistics.median(wrong)
    assert 0.5 < ratio < 2.0, (wrong, unknown)


async def test_login_is_throttled_per_account_after_five_failures(client) -> None:
    await make_user("alice", "admin")
    for _ in range(5):
        await post_form(client, "/login", {"username": "alice", "password": "wrong-password"}, "/login")
    blocked = await post_form(client, "/login", {"username": "alice", "password": PASSWORD}, "/login")
    assert (blocked.status_code, blocked.headers["retry-after"]) == (429, "900")
    assert "登录失败次数过多" in blocked.text
    assert await Session.count() == 0


async def test_guesses_from_other_addresses_never_lock_the_owner_out_and_every_failure_is_audited() -> None:
    await make_user("alice", "admin")
    for n in range(5):
        with pytest.raises(InvalidInput):
            await services.login("alice", "wrong-password", f"10.1.0.{n}")
    # The sixth attempt on the account, from anywhere, waits a second; the owner then gets in.
    with pytest.raises(TooManyRequests) as held:
        await services.login("alice", PASSWORD, "192.168.7.7")
    assert held.value.retry_after == 1
    await asyncio.sleep(1.05)
    _token, actor = await services.login("alice", PASSWORD, "192.168.7.7")
    assert actor.username == "alice"
    # The failures stay on record, and they no longer count against the account.
    assert await LoginFailure.count() == 5
    _again, _ = await services.login("alice", PASSWORD, "192.168.7.8")
    entries = await AuditEntry.select(AuditEntry.action, AuditEntry.ip, AuditEntry.summary).order_by(AuditEntry.id)
    attempts = [(e["action"], e["ip"]) for e in entries if e["action"].startswith("account.login")]
    assert attempts == [
        *[("account.login_failed", f"10.1.0.{n}") for n in range(5)],
        ("account.login_throttled", "192.168.7.7"),
        ("account.login", "192.168.7.7"),
        ("account.login", "192.168.7.8"),
    ]
    assert json.loads(entries[-4]["summary"]) == {"username": "alice"}


async def test_admins_see_each_accounts_failed_sign_ins(client) -> None:
    await make_user("alice", "society", await make_society())
    await make_user("root", "admin")
    for n in range(3):
        with pytest.raises(InvalidInput):
            await services.login("alice", "wrong-password", f"10.2.0.{n}")
    await login(client, "root")
    page = (await client.get("/admin/users")).text
    assert ('data-failed-logins="alice">3<' in page, 'data-failed-logins="root">0<' in page) == (True, True)


async def test_simultaneous_wrong_passwords_get_no_more_checks_than_the_limit() -> None:
    """A burst of guesses at once (as from several instances) gets exactly the limit, not more."""
    await make_user("alice", "admin")
    outcomes = await asyncio.gather(
        *(services.login("alice", "wrong-password", f"10.0.0.{n}") for n in range(12)),
        return_exceptions=True,
    )
    kinds = sorted(type(outcome).__name__ for outcome in outcomes)
    assert kinds == ["InvalidInput"] * 5 + ["TooManyRequests"] * 7
    assert await LoginFailure.count() == 5


async def test_logout_ends_the_session_at_once(client, other_client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    stolen = client.cookies.get("xh_session")
    response = await post_form(client, "/logout", {})
    assert response.status_code == 303
    other_client.cookies.set("xh_session", stolen, domain="testserver.local")
    assert (await other_client.get("/api/me")).status_code == 401
    assert await Session.count() == 0


async def test_disabling_a_user_ends_their_sessions(client, other_client) -> None:
    await make_user("root", "admin")
    bob = await make_user("bob", "expert")
    await login(other_client, "bob")
    assert (await other_client.get("/api/me")).status_code == 200
    await login(client, "root")
    response = await post_form(client, f"/admin/users/{bob.user_id}/disable", {}, "/admin/users")
    assert response.status_code == 303
    assert (await other_client.get("/api/me")).status_code == 401
    relogin = await post_form(other_client, "/login", {"username": "bob", "password": PASSWORD}, "/login")
    assert relogin.status_code == 422


async def test_password_change_ends_other_sessions_and_keeps_this_one(client, other_client) -> None:
    await make_user("alice", "society", await make_society())
    await login(client, "alice")
    await login(other_client, "alice")
    response = await post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a-brand-new-secret", "confirm_password": "a-brand-new-secret"},
        "/account",
    )
    assert response.status_code == 303
    assert (await client.get("/api/me")).json()["username"] == "alice"
    assert (await other_client.get("/api/me")).status_code == 401
    assert await Session.count() == 1


async def test_password_change_refuses_a_weak_password_and_changes_nothing(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    before = (await User.select(User.password_hash).first())["password_hash"]
    response = await post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "short", "confirm_password": "short"},
        "/account",
    )
    assert response.status_code == 422
    assert "密码至少需要10个字符" in response.text
    assert (await User.select(User.password_hash).first())["password_hash"] == before


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("aaaaaaaaaaaa", "密码太容易被猜到"),
        ("1234567890123", "密码太容易被猜到"),
        (PASSWORD, "新密码不能与当前密码相同"),
    ],
)
async def test_a_guessable_or_the_current_password_is_refused_as_the_new_one(client, new: str, message: str) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    before = (await User.select(User.password_hash).first())["password_hash"]
    response = await post_form(
        client, "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm_password": new}
    )
    assert (response.status_code, message in response.text) == (422, True)
    assert (await User.select(User.password_hash).first())["password_hash"] == before


async def test_an_account_that_must_change_its_password_can_do_nothing_else_first(client) -> None:
    await services.create_user(
        None, username="newbie", display_name="新用户", role="admin", password=PASSWORD, must_change_password=True
    )
    await login(client, "newbie")
    held = await client.get("/admin/users", follow_redirects=False)
    assert (held.status_code, held.headers["location"]) == (303, "/account?done=must_change")
    assert "请先修改密码再继续使用。" in (await client.get(held.headers["location"])).text
    api = await client.get("/api/me")
    assert (api.status_code, api.json()["errors"][0]["code"]) == (403, "password.must_change")
    changed = await post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": "a-brand-new-secret", "confirm_password": "a-brand-new-secret"},
        "/account",
    )
    assert changed.status_code == 303
    assert (await client.get("/admin/users")).status_code == 200
    assert (await client.get("/api/me")).json()["username"] == "newbie"


async def test_forms_without_or_with_a_foreign_csrf_token_are_refused(client, other_client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    no_token = await client.post("/account/tokens", data={"name": "x"})
    assert no_token.status_code == 403
    foreign = await csrf(other_client, "/")
    with_foreign = await client.post("/account/tokens", data={"name": "x", "_csrf_token": foreign})
    assert with_foreign.status_code == 403
    assert await ApiToken.count() == 0


async def test_session_expires_after_the_idle_timeout(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    long_ago = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)
    # Sessions are not audit rows: moving their clock back is how a test waits 31 minutes.
    await Session.update({Session.last_seen_at: long_ago}, force=True)
    assert (await client.get("/api/me")).status_code == 401
    assert await Session.count() == 0


async def test_session_expires_after_the_absolute_lifetime_even_when_busy(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    await Session.update({Session.created_at: dt.datetime.now(dt.UTC) - dt.timedelta(hours=8, seconds=1)}, force=True)
    assert (await client.get("/api/me")).status_code == 401


async def test_old_hash_parameters_are_upgraded_at_login(client) -> None:
    await make_user("alice", "admin")
    legacy = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    await User.update({User.password_hash: legacy}, force=True)
    await login(client, "alice")
    upgraded = (await User.select(User.password_hash).first())["password_hash"]
    assert upgraded != legacy and upgraded.startswith("$argon2id$")
    assert services.passwords.needs_rehash(upgraded, "cheapest") is False


async def test_every_sign_in_and_out_is_audited(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    await post_form(client, "/logout", {})
    actions = [row["action"] for row in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions == ["account.user_created", "account.login", "account.logout"]


async def test_the_audit_log_refuses_updates_and_deletes() -> None:
    await make_user("alice", "admin")
    with pytest.raises(Exception, match="append-only"):
        await AuditEntry.update({AuditEntry.action: "forged"}, force=True)
    with pytest.raises(Exception, match="append-only"):
        await AuditEntry.delete(force=True)
    assert [r["action"] for r in await AuditEntry.select(AuditEntry.action)] == ["account.user_created"]


async def test_security_headers_and_cookie_flags(client) -> None:
    await make_user("alice", "admin")
    page = await client.get("/login")
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["referrer-policy"] == "same-origin"
    token = csrf(client, "/login")
    response = await client.post(
        "/login", data={"username": "alice", "password": PASSWORD, "_csrf_token": await token}, follow_redirects=False
    )
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("xh_session=")
    assert sorted(part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]) == [
        "httponly",
        "max-age",
        "path",
        "samesite",
    ]
    assert "SameSite=lax" in cookie
    signed_in = await client.get("/account")
    assert signed_in.headers["cache-control"] == "no-store"


async def test_unknown_host_is_refused(client) -> None:
    response = await client.get("/", headers={"host": "evil.example.com"})
    assert response.status_code == 400
