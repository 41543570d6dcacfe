"""The public result look-up cannot be brute-forced: it asks for the name, the identity number
and the ticket number, goes by POST (the identity number never reaches a URL, a log or the
history), and look-ups that find nothing are throttled per address and per identity number
(429 with Retry-After). Before, 16 guesses in 0.1 s found a result from a known region and
birth date, by GET with the identity number in the query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from exams import services
from exams.rules.lookups import LookupLimits, lookup_refusal
from exams.tables import LookupAttempt
from tests.exams.exam_support import exam_held, exam_society, plan_in, registered, score_sheet
from tests.support import csrf
from xuehui import jobs
from xuehui.errors import NotFound, TooManyRequests
from xuehui.idcard import make
from xuehui.settings import get_settings
from xuehui.throttle import wait_seconds

PAGE = "/public/exam-results"


@pytest.fixture
def few_tries(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("XUEHUI_LOOKUP_MAX_MISSES_PER_ADDRESS", "3")
    monkeypatch.setenv("XUEHUI_LOOKUP_MAX_MISSES_PER_IDENTITY", "2")
    monkeypatch.setenv("XUEHUI_LOOKUP_WINDOW_MINUTES", "10")
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


async def published() -> tuple[str, str, str]:
    """(name, ticket number, identity number) of a candidate whose result is published."""
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    _c, reg_id = await registered(plan_id, examadmin, 1)
    await services.allocate_seats(examadmin, plan_id)
    reg = await services.get_registration(examadmin, reg_id)
    sheet = score_sheet([[reg["ticket_no"], "", "考生1", "01", 75, ""], [reg["ticket_no"], "", "考生1", "02", 80, ""]])
    import_id = await services.start_score_import(examadmin, plan_id, "scores.xlsx", sheet)
    await jobs.wait_for_job((await services.get_import(examadmin, import_id))["validate_job"])
    await jobs.wait_for_job(await services.commit_score_import(examadmin, import_id))
    await exam_held(plan_id)
    await services.publish(examadmin, plan_id)
    return "考生1", reg["ticket_no"], reg["id_number"]


def test_the_wait_counts_from_the_oldest_try_in_the_window() -> None:
    moment = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
    tries = [moment - dt.timedelta(seconds=s) for s in (700, 300, 100)]
    assert wait_seconds(tries, 3, 600, moment) is None  # the oldest is out of the window
    assert wait_seconds(tries, 2, 600, moment) == 300
    limits = LookupLimits(per_address=5, per_identity=1, window_seconds=600)
    refusal = lookup_refusal(tries, tries[2:], moment, limits)
    assert refusal is not None and (refusal[0].code, refusal[1]) == ("lookup.too_many", 500)


async def test_a_look_up_needs_the_name_too_and_misses_are_throttled(few_tries: None) -> None:
    name, ticket, id_number = await published()
    found = await services.public_lookup(name, ticket, id_number, "10.0.0.1")
    assert [s["score"] for s in found["results"]["subjects"]] == [75, 80]
    assert await LookupAttempt.count() == 0  # a look-up that finds its result costs no try
    with pytest.raises(NotFound):
        await services.public_lookup("考生2", ticket, id_number, "10.0.0.1")
    # Guessing the ticket of a known person: two misses, then the identity waits, from any address.
    guessed = make("320102", dt.date(1990, 1, 9), 8, "male")
    for ip in ("10.0.0.2", "10.0.0.3"):
        with pytest.raises(NotFound):
            await services.public_lookup(name, "HG26-0001", guessed, ip)
    with pytest.raises(TooManyRequests) as held:
        await services.public_lookup(name, ticket, guessed, "10.0.0.4")
    assert held.value.reasons[0].code == "lookup.too_many" and 590 <= (held.value.retry_after or 0) <= 600
    # One address guessing many identities: after the miss above, two more are its last.
    for day in (1, 2):
        with pytest.raises(NotFound):
            await services.public_lookup(name, ticket, make("320102", dt.date(1991, 1, day), 1, "male"), "10.0.0.1")
    with pytest.raises(TooManyRequests):
        await services.public_lookup(name, ticket, id_number, "10.0.0.1")  # even the right answer waits
    assert await services.public_lookup(name, ticket, id_number, "10.0.0.5")  # the real person elsewhere


async def test_the_page_asks_by_post_and_answers_a_flood_with_429(client: Any, few_tries: None) -> None:
    name, ticket, id_number = await published()
    form = await client.get(PAGE, params={"ticket_no": ticket, "id_number": id_number})
    assert 'method="post"' in form.text and 'name="name"' in form.text
    assert 'id="lookup-result"' not in form.text  # a query in the URL looks nothing up

    async def post(data: dict[str, str]) -> Any:
        token = await csrf(client, PAGE)
        return await client.post(PAGE, data={**data, "_csrf_token": token}, follow_redirects=False)

    found = await post({"name": name, "ticket_no": ticket, "id_number": id_number})
    assert found.status_code == 200 and 'id="lookup-result"' in found.text and "考生1" in found.text
    wrong = {"name": "考生2", "ticket_no": ticket, "id_number": id_number}
    for _ in range(2):
        missed = await post(wrong)
        assert missed.status_code == 404 and "未查到成绩" in missed.text
        assert f'value="{ticket}"' in missed.text and id_number not in missed.text
    held = await post({"name": name, "ticket_no": ticket, "id_number": id_number})
    assert held.status_code == 429 and 590 <= int(held.headers["retry-after"]) <= 600
    assert "查询次数过多，请10分钟后再试" in held.text


async def test_the_api_takes_the_query_in_the_body(client: Any, few_tries: None) -> None:
    name, ticket, id_number = await published()
    token = await csrf(client, "/")
    body = {"name": name, "ticket_no": ticket, "id_number": id_number}
    response = await client.post("/api/public/exam-results", json=body, headers={"x-csrf-token": token})
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["qualified"]) == ("考生1", True)
    old_way = await client.get("/api/public/exam-results", params={"ticket_no": ticket, "id_number": id_number})
    assert old_way.status_code == 405
