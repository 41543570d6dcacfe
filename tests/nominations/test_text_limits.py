"""Long text fields show their limit on the form (maxlength and 最多N字) and a longer value is
refused beside its field with what was typed kept, never saved cut or shown as an error page."""

from nominations.forms import NOMINATION
from nominations.tables import Nomination
from tests.nominations.support import nominating_society
from tests.support import login, post_form


async def test_a_ten_thousand_character_title_is_refused_beside_the_field_and_nothing_is_saved(client) -> None:
    await nominating_society()
    await login(client, "nominator")
    limit = NOMINATION["title"]
    form = (await client.get("/nominations/new")).text
    title_field = form.split('id="f-title"', 1)[1].split("</div>", 1)[0]
    assert f'maxlength="{limit}"' in title_field and f"最多{limit}字" in title_field
    fields = {"title": "精" * 10_000, "category": "technological_invention", "grade": "second", "summary": "概要"}
    refused = await post_form(client, "/nominations", fields, "/nominations/new")
    assert refused.status_code == 422
    beside = refused.text.split('id="f-title"', 1)[1].split("</div>", 1)[0]
    assert f'<small class="error">内容过长（10000字），上限为{limit}字</small>' in beside
    assert ">概要</textarea>" in refused.text
    assert await Nomination.count() == 0
