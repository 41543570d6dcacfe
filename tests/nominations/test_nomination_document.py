"""The 提名书 of a submitted nomination as a PDF: read back with pypdf and compared with the
snapshot (title, contributors, units, the snapshot's hash and Beijing time in the footer), the
signature and seal pages, page numbers; the same snapshot gives the same bytes."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from nominations import services
from nominations.services.documents import snapshot_hash
from tests.nominations.support import demo_nomination, nominating_society
from tests.support import login, make_society, make_user
from xuehui.clock import CHINA


def pages_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


async def test_the_society_and_the_admin_download_the_submitted_nomination_form(client: Any) -> None:
    cycle_id, admin, nominator, _society_id = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await login(client, nominator.username)
    draft = await client.get(f"/nominations/{nomination_id}/nomination.pdf")
    assert draft.status_code == 409
    assert "提名尚未提交" in draft.text
    await services.submit(nominator, nomination_id, "key-1")
    snapshot = await services.snapshot(nominator, nomination_id)
    response = await client.get(f"/nominations/{nomination_id}/nomination.pdf")
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline;")
    pages = pages_of(response.content)
    text = "\n".join(pages)
    assert "提名书" in pages[0]
    assert "精密机床" in pages[0]
    assert "CMES学会" in pages[0]
    for contributor in snapshot["body"]["contributors"]:
        assert contributor["name"] in text
    for unit in snapshot["body"]["units"]:
        assert unit["name"] in text
    assert "十、主要完成人签名" in text
    assert "十一、完成单位盖章" in text
    digest = snapshot_hash(snapshot)
    submitted = snapshot["submitted_at"]
    import datetime as dt

    beijing = dt.datetime.fromisoformat(submitted).astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
    for number, page in enumerate(pages, start=1):
        assert f"快照 {digest[:12]}" in page
        assert f"提交 {beijing} 北京时间" in page
        assert f"{number}/{len(pages)}" in page
    assert PdfReader(io.BytesIO(response.content)).metadata.creation_date.replace(tzinfo=None) == (
        dt.datetime.fromisoformat(submitted).astimezone(dt.UTC).replace(microsecond=0, tzinfo=None)
    )
    again = await client.get(f"/nominations/{nomination_id}/nomination.pdf")
    assert again.content == response.content
    page = await client.get(f"/nominations/{nomination_id}")
    assert f'href="/nominations/{nomination_id}/nomination.pdf"' in page.text

    await login(client, admin.username)
    by_admin = await client.get(f"/nominations/{nomination_id}/nomination.pdf")
    assert by_admin.content == response.content
    review = await client.get(f"/admin/nominations/{nomination_id}")
    assert f'href="/nominations/{nomination_id}/nomination.pdf"' in review.text


async def test_another_society_cannot_download_the_nomination_form(client: Any) -> None:
    cycle_id, _admin, nominator, _society_id = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id, "key-1")
    other = await make_user("other-society", "society", await make_society("CCF", "计算机学会"))
    await login(client, other.username)
    response = await client.get(f"/nominations/{nomination_id}/nomination.pdf")
    assert response.status_code == 404
    assert "精密机床" not in response.text


async def test_anyone_prints_a_public_notice_with_its_list_period_and_where_to_object(client: Any) -> None:
    from xuehui.clock import today

    cycle_id, admin, nominator, _society_id = await nominating_society()
    nomination_id = await services.create_nomination(nominator, cycle_id, demo_nomination("精密机床", 5))
    await services.submit(nominator, nomination_id)
    await services.formal_review(admin, nomination_id, "pass", "")
    notice_id = await services.publish_notice(admin, cycle_id, "accepted", "受理公示", today())
    notice = await services.public_notice(notice_id)
    page = await client.get(f"/public/notices/{notice_id}")
    assert f'href="/public/notices/{notice_id}/notice.pdf"' in page.text
    response = await client.get(f"/public/notices/{notice_id}/notice.pdf")
    assert response.headers["content-type"] == "application/pdf"
    (text,) = pages_of(response.content)
    assert "受理公示" in text
    assert f"{notice['starts_on'].isoformat()} — {notice['ends_on'].isoformat()}" in text
    (entry,) = notice["entries"]
    assert entry["title"] in text
    for name in entry["contributors"]:
        assert name in text
    assert f"http://127.0.0.1:8000/public/notices/{notice_id}" in text
    assert (await client.get(f"/public/notices/{notice_id}/notice.pdf")).content == response.content


async def test_the_society_and_the_admin_download_the_submitted_recommendation_form(client: Any) -> None:
    import datetime as dt

    from tests.nominations.support import complete, demo_person, recommending_society

    programme_id, admin, nominator, _society_id = await recommending_society()
    from xuehui.clock import today

    person = demo_person("张青年", dt.date(today().year - 35, 3, 3), 7)
    recommendation_id = await services.create_recommendation(nominator, programme_id, person)
    await complete(nominator, programme_id, recommendation_id)
    await login(client, nominator.username)
    assert (await client.get(f"/talent/{recommendation_id}/recommendation.pdf")).status_code == 409
    await services.submit_recommendation(nominator, recommendation_id, "key-r")
    response = await client.get(f"/talent/{recommendation_id}/recommendation.pdf")
    assert response.headers["content-type"] == "application/pdf"
    pages = pages_of(response.content)
    text = "\n".join(pages)
    for shown in ("推荐书", "张青年", person.unit, person.id_number, "七、被推荐人声明", "九、推荐单位意见"):
        assert shown in text
    from nominations.tables import Recommendation
    from xuehui.db import json_value

    row = await Recommendation.select(Recommendation.snapshot).where(Recommendation.id == recommendation_id).first()
    digest = snapshot_hash(json_value(row["snapshot"]))
    for number, page in enumerate(pages, start=1):
        assert f"快照 {digest[:12]}" in page
        assert f"{number}/{len(pages)}" in page
    form = await client.get(f"/talent/{recommendation_id}")
    assert f'href="/talent/{recommendation_id}/recommendation.pdf"' in form.text
    await login(client, admin.username)
    assert (await client.get(f"/talent/{recommendation_id}/recommendation.pdf")).content == response.content
