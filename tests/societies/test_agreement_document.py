"""A pilot project's task agreement (任务书) as a PDF: the agreement's goals, tasks, stages,
funding and leader, the three parties' signature dates and seal boxes, read back with pypdf;
the same project gives the same bytes; another society gets nothing."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from tests.societies.test_pilots import TODAY, pilot_body, setup_society_user
from tests.support import api, login, make_society, make_user


async def test_the_society_prints_its_signed_task_agreement(client: Any, other_client: Any) -> None:
    await setup_society_user(client)
    project = (await api(client, "POST", "/api/pilots", pilot_body())).json()
    await api(client, "POST", f"/api/pilots/{project['id']}/actions", {"action": "submit"})
    await api(client, "POST", f"/api/pilots/{project['id']}/actions", {"action": "sign_society"})
    page = await client.get(f"/pilots/{project['id']}")
    assert f'href="/pilots/{project["id"]}/agreement.pdf"' in page.text
    response = await client.get(f"/pilots/{project['id']}/agreement.pdf")
    assert response.headers["content-type"] == "application/pdf"
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages]
    text = "\n".join(pages)
    for shown in (
        "任务书",
        "科技奖励推荐试点",
        "CMES学会",
        "省科学技术厅",
        "有序承接科技奖励推荐职能",
        "建立制度",
        "王建国",
    ):
        assert shown in text
    assert "签字盖章" in pages[-1]
    assert f"签署日期：{TODAY.isoformat()}" in pages[-1]  # the society's signature
    assert f"1/{len(pages)}" in pages[0]
    assert (await client.get(f"/pilots/{project['id']}/agreement.pdf")).content == response.content

    other = await make_user("other-society", "society", await make_society("CCF", "计算机学会"))
    await login(other_client, other.username)
    hidden = await other_client.get(f"/pilots/{project['id']}/agreement.pdf")
    assert hidden.status_code == 404
    assert "科技奖励推荐试点" not in hidden.text
