"""A society runs its own selection before it forwards a nomination: an internal expert review
(date, number of experts, result) and its own notice of at least five working days, recorded on
the nomination; submit is refused without them, and the record travels with the snapshot to
the review pages."""

from __future__ import annotations

import datetime as dt

import pytest

from nominations import services
from nominations.rules.notice import WorkingCalendar, add_working_days
from nominations.schemas import NominationIn
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import login, post_form
from xuehui.clock import today
from xuehui.errors import InvalidInput

CALENDAR = WorkingCalendar()


def notice_of(working_days: int) -> tuple[dt.date, dt.date]:
    """A notice of exactly `working_days` working days, over before today."""
    ends = CALENDAR.next_working_day(today() - dt.timedelta(days=10))
    return add_working_days(CALENDAR, ends, -(working_days - 1)), ends


def with_selection(data: NominationIn, **values: object) -> NominationIn:
    return data.model_copy(update={"body": data.body.model_copy(update=values)})


async def test_submit_is_refused_without_the_societys_own_review_and_notice() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    bare = with_selection(
        demo_nomination("精密机床", 3),
        society_review_on=None,
        society_review_experts=None,
        society_review_result="",
        society_notice_starts=None,
        society_notice_ends=None,
    )
    nomination_id = await services.create_nomination(nominator, cycle_id, bare)
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, nomination_id)
    assert [r.field for r in refused.value.reasons] == [
        "society_review_on",
        "society_review_experts",
        "society_review_result",
        "society_notice_starts",
        "society_notice_ends",
    ]
    assert {r.code for r in refused.value.reasons} == {"nomination.incomplete"}


async def test_a_society_notice_of_four_working_days_is_refused_and_five_pass() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    starts, ends = notice_of(4)
    review_on = starts - dt.timedelta(days=3)
    short = with_selection(
        demo_nomination("精密机床", 3),
        society_review_on=review_on,
        society_notice_starts=starts,
        society_notice_ends=ends,
    )
    nomination_id = await services.create_nomination(nominator, cycle_id, short)
    with pytest.raises(InvalidInput) as refused:
        await services.submit(nominator, nomination_id)
    assert [(r.code, r.field, r.zh) for r in refused.value.reasons] == [
        (
            "eligibility.notice_too_short",
            "society_notice_ends",
            f"学会公示应不少于5个工作日，{starts}至{ends}只有4个工作日",
        )
    ]
    starts, ends = notice_of(5)
    await services.update_nomination(
        nominator,
        nomination_id,
        with_selection(
            short,
            society_review_on=starts - dt.timedelta(days=3),
            society_notice_starts=starts,
            society_notice_ends=ends,
        ),
    )
    assert await services.submit(nominator, nomination_id) == "submitted"
    snapshot = (await services.snapshot(nominator, nomination_id))["body"]
    assert (snapshot["society_review_experts"], snapshot["society_notice_starts"], snapshot["society_notice_ends"]) == (
        7,
        str(starts),
        str(ends),
    )


async def test_too_few_experts_and_a_notice_before_the_review_are_refused() -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    starts, ends = notice_of(5)
    data = with_selection(
        demo_nomination("精密机床", 3),
        society_review_experts=2,
        society_review_on=ends,
        society_notice_starts=starts,
        society_notice_ends=ends,
    )
    check = await services.check(nominator, cycle_id, data)
    assert [(r.code, r.field) for r in check.problems] == [
        ("eligibility.society_review_experts", "society_review_experts"),
        ("eligibility.society_notice_before_review", "society_notice_starts"),
    ]


async def test_the_review_page_shows_the_selection_record_as_submitted(client) -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 3))
    await services.submit(nominator, nomination_id)
    body = (await services.get_nomination(nominator, nomination_id))["body"]
    await login(client, "root-cmes")
    record = (await client.get(f"/admin/nominations/{nomination_id}")).text.split('id="selection-record"')[1]
    record = record.split("</section>")[0]
    assert f'<dd id="society-review-on">{body.society_review_on}</dd>' in record
    assert '<dd id="society-review-experts">7</dd>' in record
    assert '<dd id="society-review-result">7票同意，同意推荐</dd>' in record
    assert f'<dd id="society-notice">{body.society_notice_starts} — {body.society_notice_ends}</dd>' in record
    assert f'<dd id="unit-notice-record">{body.unit_notice_starts} — {body.unit_notice_ends}</dd>' in record


async def test_the_form_shows_a_short_society_notice_beside_its_field_on_submit(client) -> None:
    cycle_id, _, nominator, _ = await nominating_society()
    starts, ends = notice_of(4)
    data = with_selection(
        demo_nomination("精密机床", 3),
        society_review_on=starts - dt.timedelta(days=3),
        society_notice_starts=starts,
        society_notice_ends=ends,
    )
    nomination_id = await services.create_nomination(nominator, cycle_id, data)
    await login(client, "nominator")
    page = f"/nominations/{nomination_id}"
    response = await post_form(client, f"{page}/submit", {"idempotency_key": "k-1", "confirmed": "1"}, page)
    assert response.status_code == 422
    beside = response.text.split('id="f-society_notice_ends"')[1].split("</div>")[0]
    assert f"学会公示应不少于5个工作日，{starts}至{ends}只有4个工作日" in beside
    assert f'value="{ends}"' in response.text.split('id="f-society_notice_ends"')[1][:60]
    assert (await services.get_nomination(nominator, nomination_id))["status"] == "draft"
