"""The sign-up form shows its limits, and a 10,000-character name comes back beside its field
with the rest kept, never as an error page."""

from __future__ import annotations

from typing import Any

from accounts.tables import User
from tests.support import post_form


async def test_a_ten_thousand_character_name_is_refused_beside_the_field_with_the_input_kept(client: Any) -> None:
    form = (await client.get("/candidate/signup")).text
    name_field = form.split('id="f-display_name"', 1)[1].split("</div>", 1)[0]
    assert 'maxlength="100"' in name_field and "最多100字" in name_field
    typed = {
        "username": "zhang",
        "display_name": "张" * 10_000,
        "email": "z@example.cn",
        "password": "long-enough-pass",
    }
    refused = await post_form(client, "/candidate/signup", typed, "/candidate/signup")
    assert refused.status_code == 422
    beside = refused.text.split('id="f-display_name"', 1)[1].split("</div>", 1)[0]
    assert '<small class="error">内容过长（10000字），上限为100字</small>' in beside
    assert 'id="f-username" name="username" type="text" value="zhang"' in refused.text
    assert 'value="z@example.cn"' in refused.text
    assert await User.count().where(User.username == "zhang") == 0
