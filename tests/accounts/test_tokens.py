"""Personal API tokens: hashed, expiring, scoped, made only from a signed-in session, and ended
by a password change or a disable; the account page shows their expiry and last use."""

import datetime as dt
import re

import pytest
from litestar.testing import AsyncTestClient

from accounts import services
from accounts.tables import ApiToken, AuditEntry
from tests.support import PASSWORD, api, login, make_society, make_user, post_form
from xuehui.errors import Forbidden

NEW_PASSWORD = "a-brand-new-secret"


async def _token(client, name: str = "nightly export", **extra) -> dict:
    created = await api(client, "POST", "/api/tokens", {"name": name, **extra})
    assert created.status_code == 201, created.text
    return created.json()


async def test_api_token_is_stored_hashed_works_as_bearer_and_can_be_revoked(client, app) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    created = await _token(client, scope="read_write")
    plain = created["token"]
    stored = await ApiToken.select(ApiToken.token_hash, ApiToken.prefix).first()
    assert stored["token_hash"] != plain and len(stored["token_hash"]) == 64
    async with AsyncTestClient(app=app) as script:
        headers = {"authorization": f"Bearer {plain}"}
        assert (await script.get("/api/me", headers=headers)).json()["username"] == "alice"
        # A script with a bearer token needs no CSRF token (no browser can forge the header).
        revoke = await script.delete(f"/api/tokens/{created['id']}", headers=headers)
        assert revoke.status_code == 204
        assert (await script.get("/api/me", headers=headers)).status_code == 401


async def test_a_token_cannot_make_another_token(client, app) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    plain = (await _token(client, scope="read_write"))["token"]
    async with AsyncTestClient(app=app) as script:
        made = await script.post("/api/tokens", json={"name": "second"}, headers={"authorization": f"Bearer {plain}"})
    assert (made.status_code, made.json()["errors"][0]["code"]) == (403, "token.session_only")
    assert [r["name"] for r in await ApiToken.select(ApiToken.name)] == ["nightly export"]
    token_actor = await services.resolve_api_token(plain)
    assert token_actor is not None
    with pytest.raises(Forbidden):
        await services.create_api_token(token_actor, "minted")


async def test_a_token_expires_after_the_days_chosen_at_creation(client, app) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    week = await _token(client, "weekly", days=7)
    default = await _token(client, "default")
    made = {row["name"]: row for row in await ApiToken.select(ApiToken.name, ApiToken.created_at, ApiToken.expires_at)}
    lifetimes = {name: (row["expires_at"] - row["created_at"]).days for name, row in made.items()}
    assert lifetimes == {"weekly": 7, "default": 90}
    assert (week["scope"], default["scope"]) == ("read", "read")
    past = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    await ApiToken.update({ApiToken.expires_at: past}).where(ApiToken.name == "weekly")
    async with AsyncTestClient(app=app) as script:
        expired = await script.get("/api/me", headers={"authorization": f"Bearer {week['token']}"})
        live = await script.get("/api/me", headers={"authorization": f"Bearer {default['token']}"})
    assert (expired.status_code, live.status_code) == (401, 200)


async def test_the_api_refuses_a_lifetime_beyond_a_year(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    refused = await api(client, "POST", "/api/tokens", {"name": "forever", "days": 366})
    assert refused.status_code in (400, 422)
    assert await ApiToken.count() == 0


async def test_a_read_only_token_may_read_but_not_change_anything(client, app) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    plain = (await _token(client))["token"]
    async with AsyncTestClient(app=app) as script:
        headers = {"authorization": f"Bearer {plain}"}
        assert (await script.get("/api/users/", headers=headers)).status_code == 200
        write = await script.post(
            "/api/users/",
            json={"username": "mallory", "display_name": "M", "role": "admin", "password": PASSWORD},
            headers=headers,
        )
    assert write.status_code == 403
    assert [row["username"] for row in await services.list_users(await _admin())] == ["alice"]


async def _admin():
    from accounts.rules import Actor

    return Actor(user_id=1, username="alice", display_name="alice name", role="admin")


async def test_a_password_change_ends_every_token(client, app) -> None:
    await make_user("alice", "society", await make_society())
    await login(client, "alice")
    plain = (await _token(client, scope="read_write"))["token"]
    changed = await post_form(
        client,
        "/account/password",
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
        "/account",
    )
    assert changed.status_code == 303
    async with AsyncTestClient(app=app) as script:
        assert (await script.get("/api/me", headers={"authorization": f"Bearer {plain}"})).status_code == 401
    assert (await ApiToken.select(ApiToken.revoked_at).first())["revoked_at"] is not None
    actions = [r["action"] for r in await AuditEntry.select(AuditEntry.action).order_by(AuditEntry.id)]
    assert actions[-2:] == ["account.password_changed", "account.tokens_ended"]
    assert "已撤销" in (await client.get("/account")).text


async def test_disabling_an_account_ends_its_tokens_for_good(client, app) -> None:
    root = await make_user("root", "admin")
    bob = await make_user("bob", "expert")
    await login(client, "bob")
    plain = (await _token(client))["token"]
    await services.set_active(root, bob.user_id, False)
    await services.set_active(root, bob.user_id, True)
    async with AsyncTestClient(app=app) as script:
        assert (await script.get("/api/me", headers={"authorization": f"Bearer {plain}"})).status_code == 401


async def test_the_account_page_makes_a_token_with_its_expiry_and_shows_its_last_use(client, app) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    made = await post_form(client, "/account/tokens", {"name": "报表脚本", "days": "30", "scope": "read"}, "/account")
    assert made.status_code == 201
    plain = re.search(r'<code id="new-token">([^<]+)</code>', made.text).group(1)
    row = await ApiToken.select(ApiToken.id, ApiToken.created_at, ApiToken.expires_at, ApiToken.scope).first()
    assert ((row["expires_at"] - row["created_at"]).days, row["scope"]) == (30, "read")
    page = (await client.get("/account")).text
    assert f'data-last-used="{row["id"]}">从未使用<' in page and "只读" in page
    async with AsyncTestClient(app=app) as script:
        assert (await script.get("/api/me", headers={"authorization": f"Bearer {plain}"})).status_code == 200
    page = (await client.get("/account")).text
    assert f'data-last-used="{row["id"]}">从未使用<' not in page
    assert re.search(rf'data-last-used="{row["id"]}">\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}<', page), page


async def test_the_account_page_refuses_a_lifetime_that_is_not_offered(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    refused = await post_form(client, "/account/tokens", {"name": "forever", "days": "9999"}, "/account")
    assert refused.status_code == 422
    assert "有效期须为1至365天" in refused.text and 'value="forever"' in refused.text
    assert await ApiToken.count() == 0


async def test_a_token_limited_to_exams_reaches_nothing_else(client, app) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    made = await _token(client, "exams only", scope="read_write", areas=["exams"])
    assert made["areas"] == ["exams"]
    async with AsyncTestClient(app=app) as script:
        headers = {"authorization": f"Bearer {made['token']}"}
        exams = await script.get("/api/exams/plans", headers=headers)
        users = await script.get("/api/users/", headers=headers)
        me = await script.get("/api/me", headers=headers)
    assert (exams.status_code, users.status_code, me.status_code) == (200, 403, 200)


async def test_the_account_page_limits_a_token_to_the_areas_ticked(client) -> None:
    await make_user("alice", "admin")
    await login(client, "alice")
    made = await post_form(
        client,
        "/account/tokens",
        {"name": "评审脚本", "days": "90", "scope": "read", "areas": ["experts", "exams"]},
        "/account",
    )
    assert made.status_code == 201
    assert (await ApiToken.select(ApiToken.areas).first())["areas"] == "experts,exams"
    assert "只读: 专家与评审、考试" in (await client.get("/account")).text


def test_every_api_route_belongs_to_a_token_area(app) -> None:
    """A new API must be given an area, or a token limited to some areas could not reach it."""
    from xuehui.web import token_area

    paths = {route.path for route in app.routes if route.path.startswith("/api")}
    assert sorted(p for p in paths if token_area(p) is None) == []
