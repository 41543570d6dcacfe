"""Builders and HTTP helpers shared by the service and API tests (real database, no mocks)."""

from __future__ import annotations

import re
from typing import Any

from litestar.testing import AsyncTestClient

from accounts.rules import Actor
from accounts.services import create_user
from societies.schemas import SocietyIn
from societies.services import create_society

PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


async def make_society(code: str = "CMES", name: str = "省机械工程学会") -> int:
    return await create_society(None, SocietyIn(code=code, name_zh=name, name_en=f"{code} society"))


async def make_user(username: str, role: str, society_id: int | None = None, password: str = PASSWORD) -> Actor:
    user_id = await create_user(
        None,
        username=username,
        display_name=f"{username} name",
        role=role,
        password=password,
        society_id=society_id,
        must_change_password=False,
    )
    return Actor(user_id=user_id, username=username, display_name=f"{username} name", role=role, society_id=society_id)


async def initial_passwords_changed() -> None:
    """Every account of a test world has changed the initial password an admin gave it (until
    then an account reaches nothing but its account page)."""
    from accounts.tables import User

    await User.update({User.must_change_password: False}, force=True)


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF field"
    return match.group(1)


async def csrf(client: AsyncTestClient[Any], path: str = "/") -> str:
    response = await client.get(path)
    return csrf_from(response.text)


async def login(client: AsyncTestClient[Any], username: str, password: str = PASSWORD) -> None:
    token = await csrf(client, "/login")
    response = await client.post(
        "/login",
        data={"username": username, "password": password, "next": "/", "_csrf_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert "xh_session" in response.cookies or client.cookies.get("xh_session")


async def post_form(client: AsyncTestClient[Any], path: str, data: dict[str, Any], page: str = "/") -> Any:
    token = await csrf(client, page)
    return await client.post(path, data={**data, "_csrf_token": token}, follow_redirects=False)


async def api(client: AsyncTestClient[Any], method: str, path: str, json: Any = None) -> Any:
    """A JSON call from a signed-in browser session: sends the session's CSRF token as a header."""
    token = await csrf(client, "/")
    return await client.request(method, path, json=json, headers={"x-csrf-token": token})
