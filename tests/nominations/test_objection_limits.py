"""The public objection form takes in only so much: files per objection (count and size),
objections per address and per identity number within a window (429 with Retry-After), no
word-for-word repeats, and a bounded total of evidence per notice. Before these limits, five
requests in under five seconds stored 95 MB."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from nominations import services
from nominations.rules.objection_limits import ObjectionLimits, evidence_problems, flood_refusal
from nominations.tables import Objection, ObjectionFile
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import csrf
from xuehui.clock import today
from xuehui.errors import Conflict, InvalidInput, TooManyRequests
from xuehui.idcard import make
from xuehui.settings import get_settings

PDF = b"%PDF-1.4\n" + b"0" * 900
LIMITS = ObjectionLimits(
    files=2, bytes_per_objection=3000, per_address=2, per_identity=1, window_seconds=600, bytes_per_notice=4000
)


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, value in {
        "XUEHUI_OBJECTION_MAX_FILES": "2",
        "XUEHUI_OBJECTION_MAX_EVIDENCE_BYTES": "3000",
        "XUEHUI_OBJECTION_MAX_PER_ADDRESS": "2",
        "XUEHUI_OBJECTION_MAX_PER_IDENTITY": "1",
        "XUEHUI_OBJECTION_WINDOW_MINUTES": "10",
        "XUEHUI_OBJECTION_MAX_EVIDENCE_PER_NOTICE_BYTES": "4000",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield
    monkeypatch.undo()
    get_settings.cache_clear()


def person(n: int) -> str:
    return make("370102", dt.date(1980, 5, 5), n, "male")


async def notice_with_entry() -> tuple[int, int]:
    """(notice id, nomination id): a nomination under an open notice."""
    cycle_id, admin, nominator, _ = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    return await services.publish_notice(admin, cycle_id, "accepted", "受理公示", today()), nomination_id


def test_the_rules_count_files_and_the_window() -> None:
    assert evidence_problems([1000, 1000], LIMITS) == []
    assert [r.code for r in evidence_problems([10, 10, 10], LIMITS)] == ["objection.too_many_files"]
    assert [r.code for r in evidence_problems([2000, 1001], LIMITS)] == ["objection.evidence_too_large"]
    moment = dt.datetime(2026, 10, 1, 12, 0, tzinfo=dt.UTC)
    old = moment - dt.timedelta(seconds=601)
    assert flood_refusal([old, old, old], [], moment, LIMITS) is None
    one_ago = moment - dt.timedelta(seconds=60)
    refusal = flood_refusal([], [one_ago], moment, LIMITS)
    assert refusal is not None and (refusal[0].code, refusal[1]) == ("objection.too_many", 540)
    refusal = flood_refusal([moment - dt.timedelta(seconds=500), one_ago], [], moment, LIMITS)
    assert refusal is not None and refusal[1] == 100


async def test_files_per_objection_are_limited_in_count_and_size(small_limits: None) -> None:
    notice_id, nomination_id = await notice_with_entry()
    args = (notice_id, nomination_id, "王五", person(3), "13800138000", "某大学")
    with pytest.raises(InvalidInput) as many:
        await services.file_objection(*args, "成果不实", [("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF)], ip="1.2.3.4")
    assert [(r.code, r.field) for r in many.value.reasons] == [("objection.too_many_files", "evidence")]
    with pytest.raises(InvalidInput) as large:
        await services.file_objection(*args, "成果不实", [("a.pdf", PDF + b"0" * 2500)], ip="1.2.3.4")
    assert [r.code for r in large.value.reasons] == ["objection.evidence_too_large"]
    assert (await Objection.count(), await ObjectionFile.count()) == (0, 0)
    await services.file_objection(*args, "成果不实", [("a.pdf", PDF), ("b.pdf", PDF)], ip="1.2.3.4")
    assert await ObjectionFile.count() == 2


async def test_a_flood_from_one_address_or_identity_waits_and_repeats_are_refused(small_limits: None) -> None:
    notice_id, nomination_id = await notice_with_entry()

    async def file(n: int, reasons: str, ip: str) -> int:
        return await services.file_objection(
            notice_id, nomination_id, "王五", person(n), "13800138000", "", reasons, [], ip=ip
        )

    await file(3, "成果不实", "10.0.0.1")
    with pytest.raises(TooManyRequests) as same_person:
        await file(3, "另有问题", "10.0.0.2")  # the same identity from another address
    assert same_person.value.reasons[0].code == "objection.too_many"
    assert 590 <= (same_person.value.retry_after or 0) <= 600
    await file(5, "数据重复", "10.0.0.1")
    with pytest.raises(TooManyRequests) as same_address:
        await file(7, "论文不实", "10.0.0.1")  # a third identity from the first address
    assert same_address.value.retry_after and same_address.value.retry_after <= 600
    assert await Objection.count() == 2
    # Once the window has passed, the same person may write again, but not the same thing.
    await Objection.update({Objection.created_at: Objection.created_at - dt.timedelta(minutes=11)}).where(
        Objection.id > 0
    )
    with pytest.raises(Conflict) as repeat:
        await file(3, "成果不实", "10.0.0.3")
    assert [(r.code, r.field) for r in repeat.value.reasons] == [("objection.duplicate", "reasons")]
    await file(3, "另有问题", "10.0.0.3")
    assert await Objection.count() == 3


async def test_the_evidence_a_notice_gathers_is_bounded(small_limits: None) -> None:
    notice_id, nomination_id = await notice_with_entry()
    for n, ip in ((3, "10.0.0.1"), (5, "10.0.0.2")):
        await services.file_objection(
            notice_id,
            nomination_id,
            "王五",
            person(n),
            "13800138000",
            "",
            "成果不实",
            [("a.pdf", PDF), ("b.pdf", PDF)],
            ip=ip,
        )
    with pytest.raises(Conflict) as full:
        await services.file_objection(
            notice_id, nomination_id, "赵六", person(7), "13800138000", "", "成果不实", [("a.pdf", PDF)], ip="10.0.0.3"
        )
    assert [r.code for r in full.value.reasons] == ["objection.notice_evidence_full"]
    # Without files the objection still goes in.
    await services.file_objection(
        notice_id, nomination_id, "赵六", person(7), "13800138000", "", "成果不实", [], ip="10.0.0.3"
    )
    assert (await Objection.count(), await ObjectionFile.count()) == (3, 4)


async def test_the_form_answers_a_flood_with_429_and_retry_after(client: Any, small_limits: None) -> None:
    notice_id, nomination_id = await notice_with_entry()
    page = f"/public/notices/{notice_id}"

    async def post(n: int, reasons: str, files: list[tuple[str, bytes]]) -> Any:
        token = await csrf(client, page)
        form = {
            "nomination_id": str(nomination_id),
            "name": "王五",
            "id_number": person(n),
            "phone": "13800138000",
            "unit": "",
            "reasons": reasons,
            "_csrf_token": token,
        }
        return await client.post(
            f"{page}/objections",
            data=form,
            files=[("evidence", (name, content, "application/pdf")) for name, content in files],
            follow_redirects=False,
        )

    many = await post(3, "成果不实", [("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF)])
    assert many.status_code == 422 and "每件异议最多附2个证明材料" in many.text and "成果不实</textarea>" in many.text
    first = await post(3, "成果不实", [("a.pdf", PDF)])
    assert first.status_code == 303
    again = await post(3, "另有问题", [])
    assert again.status_code == 429 and 590 <= int(again.headers["retry-after"]) <= 600
    assert "提交异议过于频繁，请10分钟后再试" in again.text
    assert await Objection.count() == 1
