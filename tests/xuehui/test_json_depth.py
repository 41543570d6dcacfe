"""A JSON body nested thousands deep is refused before it is parsed (400, the reason in both
languages) on every JSON route, instead of a RecursionError and a 500; ordinary nesting still
passes."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient

from societies.tables import PilotProject
from tests.support import api, csrf, initial_passwords_changed, login, make_society, make_user
from xuehui.json_depth import MAX_JSON_DEPTH, too_deep
from xuehui.web import LANG_COOKIE


def nested(depth: int, inner: Any = 1) -> str:
    return "[" * depth + str(inner) + "]" * depth


async def _admin(client: AsyncTestClient[Any]) -> int:
    society = await make_society()
    await make_user("root", "admin")
    await initial_passwords_changed()
    await login(client, "root")
    return society


def test_depth_is_counted_outside_strings_only() -> None:
    assert not too_deep(nested(MAX_JSON_DEPTH).encode())
    assert too_deep(nested(MAX_JSON_DEPTH + 1).encode())
    assert too_deep(('{"a":' * 5000 + "1" + "}" * 5000).encode())
    # brackets inside strings, escaped quotes included, are text, not nesting
    assert not too_deep(('{"t": "' + "[{" * 5000 + '\\"]"}').encode())
    assert not too_deep(b"")
    assert not too_deep(b"[[[[")  # malformed but shallow: the parser says what is wrong


async def test_a_deep_body_is_refused_before_parsing_through_the_api(client) -> None:
    society = await _admin(client)
    title = nested(5000, '"x"')
    deep = f'{{"society_id": {society}, "title": {title}, "function_type": "award_nomination"}}'
    headers = {"x-csrf-token": await csrf(client, "/"), "content-type": "application/json"}
    response = await client.post("/api/pilots", content=deep, headers=headers)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "json_too_deep",
            "zh": f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）",
            "en": f"the JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)",
            "message": f"JSON 嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）",
            "field": "body",
        }
    ]
    client.cookies.set(LANG_COOKIE, "en")
    english = await client.put("/api/pilots/1", content=nested(5000), headers=headers)
    assert english.status_code == 400
    assert english.json()["errors"][0]["message"] == f"the JSON is nested too deeply (at most {MAX_JSON_DEPTH} levels)"
    assert await PilotProject.count() == 0
    # the same request with ordinary nesting goes through
    fine = await api(
        client, "POST", "/api/pilots", {"society_id": society, "title": "试点", "function_type": "award_nomination"}
    )
    assert fine.status_code == 201, fine.text
    assert await PilotProject.count() == 1
