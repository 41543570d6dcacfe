"""Formal review from the full record: the checklist decides (every item ticked to pass, a failed
item with its reason to return, the reasons making the letter the society reads), the page shows
everything the nomination holds with identity numbers masked except to admins, and next /
previous walk the queue as it was filtered."""

from __future__ import annotations

import datetime as dt

import pytest

from accounts.rules import Actor
from nominations import services
from nominations.rules import formal_checklist as checklist
from nominations.rules.formal_checklist import PROJECT_ITEMS, Marks
from nominations.schemas import PatentIn
from nominations.tables import ReviewStep
from tests.nominations.support import checklist_form, demo_nomination, nominating_society
from tests.support import login, post_form
from xuehui.clock import today
from xuehui.db import json_value
from xuehui.errors import InvalidInput
from xuehui.idcard import make

FAILED_REASON = "完成单位公章缺失"


def _marks(failed: dict[str, str] | None = None) -> Marks:
    failed = failed or {}
    return Marks(
        {i.code: ("fail" if i.code in failed else "pass") for i in PROJECT_ITEMS},
        dict(failed),
    )


async def _submitted(title: str = "精密机床", start: int = 0) -> tuple[int, Actor, Actor, int]:
    """(cycle id, admin, society user, nomination id): submitted and awaiting formal review."""
    cycle_id, admin, nominator, _ = await nominating_society(quota=5)
    data = demo_nomination(title, 3, start)
    data.body.patents = [
        PatentIn(number="ZL202010123456.7", title=f"{title}的测量装置", granted_on=dt.date(2022, 5, 6))
    ]
    nomination_id = await services.create_nomination(nominator, cycle_id, data)
    await services.submit(nominator, nomination_id)
    return cycle_id, admin, nominator, nomination_id


def test_the_letter_lists_each_failed_item_with_its_reason_then_the_remark() -> None:
    results, problems = checklist.assess(
        PROJECT_ITEMS, _marks({"signatures_seals": "缺盖章页", "ip_proof_valid": "专利已失效"})
    )
    assert problems == []
    assert (
        checklist.return_letter(results, "请于期限内补正")
        == "1. 签字盖章完整：缺盖章页\n2. 知识产权证明有效：专利已失效\n请于期限内补正"
    )


def test_an_unmarked_item_and_a_failure_without_reason_are_refused_beside_their_fields() -> None:
    marks = _marks({"signatures_seals": " "})
    del marks.marks["ip_proof_valid"]  # type: ignore[attr-defined]
    _, problems = checklist.assess(PROJECT_ITEMS, marks)
    assert [(p.code, p.field) for p in problems] == [
        ("checklist.reason_missing", "reason_signatures_seals"),
        ("checklist.unmarked", "check_ip_proof_valid"),
    ]


async def test_all_items_ticked_passes_and_the_checklist_is_kept_with_the_step() -> None:
    _, admin, _, nomination_id = await _submitted()
    assert await services.formal_review(admin, nomination_id, "pass", "", _marks()) == "passed"
    step = await ReviewStep.select().where(ReviewStep.nomination == nomination_id).first()
    kept = json_value(step["checklist"])
    assert [(i["code"], i["passed"]) for i in kept] == [(i.code, True) for i in PROJECT_ITEMS]


async def test_a_failed_item_refuses_a_pass_and_nothing_failed_refuses_a_return() -> None:
    _, admin, _, nomination_id = await _submitted()
    with pytest.raises(InvalidInput) as failed:
        await services.formal_review(admin, nomination_id, "pass", "", _marks({"names_consistent": "署名不一致"}))
    assert [r.code for r in failed.value.reasons] == ["checklist.failed_items"]
    with pytest.raises(InvalidInput) as nothing:
        await services.formal_review(admin, nomination_id, "return", "请补充", _marks())
    assert [r.code for r in nothing.value.reasons] == ["checklist.nothing_failed"]
    assert (await services.get_nomination(admin, nomination_id))["status"] == "submitted"


async def test_failed_items_return_the_nomination_with_their_reasons_as_its_letter() -> None:
    _, admin, nominator, nomination_id = await _submitted()
    marks = _marks({"signatures_seals": FAILED_REASON, "ip_proof_valid": "专利证书复印件不清晰"})
    assert await services.formal_review(admin, nomination_id, "return", "", marks) == "returned"
    seen = await services.get_nomination(nominator, nomination_id)
    assert seen["return_reasons"] == f"1. 签字盖章完整：{FAILED_REASON}\n2. 知识产权证明有效：专利证书复印件不清晰"
    step = (await services.review_steps(nominator, nomination_id))[-1]
    assert step["note"] == seen["return_reasons"]


async def test_a_failed_item_without_reason_comes_back_beside_the_field_with_the_input_kept(client) -> None:
    _, admin, _, nomination_id = await _submitted()
    await login(client, "root-cmes")
    page = f"/admin/nominations/{nomination_id}"
    form = checklist_form("return", {"signatures_seals": ""}, reasons="请尽快补正")
    form["reason_ip_proof_valid"] = "已核实"
    response = await post_form(client, f"{page}/review", form, page)
    assert response.status_code == 422
    row = response.text.split('data-item="signatures_seals"')[1].split("</tr>")[0]
    assert "“签字盖章完整”不符合，须写明理由" in row
    assert 'value="fail" checked' in row
    assert "请尽快补正</textarea>" in response.text
    assert 'value="已核实"' in response.text
    assert (await services.get_nomination(admin, nomination_id))["status"] == "submitted"


async def test_the_society_sees_the_failed_items_reason_on_its_nomination_page(client) -> None:
    _, _, _, nomination_id = await _submitted()
    await login(client, "root-cmes")
    page = f"/admin/nominations/{nomination_id}"
    response = await post_form(
        client, f"{page}/review", checklist_form("return", {"signatures_seals": FAILED_REASON}), page
    )
    assert (response.status_code, response.headers["location"]) == (303, page)
    await login(client, "nominator")
    assert f"签字盖章完整：{FAILED_REASON}" in (await client.get(f"/nominations/{nomination_id}")).text


async def test_the_review_page_shows_the_whole_record_with_the_full_identity_number_to_an_admin(client) -> None:
    _, _, nominator, nomination_id = await _submitted()
    body = (await services.get_nomination(nominator, nomination_id))["body"]
    first = body.contributors[0]
    await login(client, "root-cmes")
    text = (await client.get(f"/admin/nominations/{nomination_id}")).text
    contributors = text.split('id="record-contributors"')[1].split("</section>")[0]
    assert f'<span class="id-number">{first.id_number}</span>' in contributors
    assert first.unit in contributors
    for section in ("record-units", "record-papers", "record-patents", "record-innovations", "record-application"):
        assert f'id="{section}"' in text
    assert body.papers[0].title in text.split('id="record-papers"')[1].split("</section>")[0]
    assert body.patents[0].number in text.split('id="record-patents"')[1].split("</section>")[0]
    assert body.innovations.split("\n")[0] in text.split('id="record-innovations"')[1]
    assert 'data-rules="ok"' in text.split('id="record-eligibility"')[1].split("</section>")[0]
    assert [i.zh in text.split('id="checklist"')[1] for i in PROJECT_ITEMS] == [True] * len(PROJECT_ITEMS)


async def test_next_and_previous_walk_the_filtered_queue_and_keep_its_search(client) -> None:
    cycle_id, _, nominator, first = await _submitted("精密机床甲")
    second = await services.create_nomination(nominator, cycle_id, demo_nomination("数控系统", 3, 10))
    await services.submit(nominator, second)
    third = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床乙", 3, 20))
    await services.submit(nominator, third)
    await login(client, "root-cmes")
    queue = (await client.get("/admin/nominations?status=submitted&q=精密机床")).text
    assert ("精密机床甲" in queue, "精密机床乙" in queue, "数控系统" in queue) == (True, True, False)
    newest = (await client.get(f"/admin/nominations/{third}?status=submitted&q=精密机床")).text
    nav = newest.split('id="queue-nav"')[1].split("</nav>")[0]
    year = (await services.cycle_row(cycle_id))["year"]
    kept = f"status=submitted&amp;year={year}&amp;q=%E7%B2%BE%E5%AF%86%E6%9C%BA%E5%BA%8A"
    assert f'id="next" href="/admin/nominations/{first}?{kept}"' in nav  # skips 数控系统, which the search leaves out
    assert 'id="previous"' not in nav
    oldest = (await client.get(f"/admin/nominations/{first}?status=submitted&q=精密机床")).text
    nav = oldest.split('id="queue-nav"')[1].split("</nav>")[0]
    assert (f'id="previous" href="/admin/nominations/{third}?{kept}"' in nav, 'id="next"' in nav) == (True, False)
    assert f'href="/admin/nominations?{kept}"' in nav


async def test_the_review_page_lists_each_objections_evidence_by_name_and_size(client) -> None:
    cycle_id, admin, _, nomination_id = await _submitted()
    await services.formal_review(admin, nomination_id, "pass", "", _marks())
    notice_id = await services.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    objector = make("370102", today().replace(year=1985), 7, "male")
    evidence = [("检测报告.pdf", b"%PDF-1.4 " + b"x" * 2039)]
    await services.file_objection(notice_id, nomination_id, "王五", objector, "13800138000", "", "数据重复", evidence)
    await login(client, "root-cmes")
    text = (await client.get(f"/admin/nominations/{nomination_id}")).text
    objections = text.split('id="record-objections"')[1].split("</section>")[0]
    assert "检测报告.pdf</td><td>2.0 KB</td>" in objections
    assert ("数据重复" in objections, f'<span class="id-number">{objector}</span>' in objections) == (True, True)
