"""A pilot project's KPIs drawn over time: each reading as a share of its target, read back out of
the SVG and compared with the readings; the target and the stage dates are the highlighted lines;
every reading in the workbook; the page shows the chart with a text alternative."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from defusedxml import ElementTree as ET
from openpyxl import load_workbook

from societies import services
from societies.schemas import KpiReadingIn
from societies.tables import PilotProject
from tests.societies.test_pilots import TODAY, pilot_body, setup_society_user
from tests.support import api, make_user

SVG = "{http://www.w3.org/2000/svg}"


def dots(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [
        d.text or ""
        for g in root.iter(f"{SVG}g")
        if g.get("class") == "dots"
        for d in g.findall(f"{SVG}desc")
        if d.get("class") == "value"
    ]


def highlighted(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "major"]


async def test_the_chart_draws_every_reading_against_the_target_and_the_stage_dates(client) -> None:
    await setup_society_user(client)
    project = (await api(client, "POST", "/api/pilots", pilot_body())).json()
    await PilotProject.update({PilotProject.status: "implementing"}).where(PilotProject.id == project["id"])
    admin = await make_user("root", "admin")
    for days_ago, actual in ((20, "5"), (10, "12"), (0, "25")):
        on = TODAY - dt.timedelta(days=days_ago)
        await services.add_kpi_reading(
            admin, project["id"], KpiReadingIn(kpi_key="k1", actual=Decimal(actual), recorded_on=on)
        )
    response = await client.get(f"/pilots/{project['id']}/kpis.svg")
    assert (response.status_code, response.headers["content-type"], b"<script" in response.content) == (
        200,
        "image/svg+xml",
        False,
    )
    # 5, 12 and 25 against the target of 20.
    assert dots(response.content) == [
        f"{TODAY - dt.timedelta(days=20)}: 25.0%",
        f"{TODAY - dt.timedelta(days=10)}: 60.0%",
        f"{TODAY}: 125.0%",
    ]
    stage_days = [TODAY + dt.timedelta(days=n) for n in (-30, 31, 301, 360)]  # each start, and the last end
    assert highlighted(response.content) == ["100.0%", *(day.isoformat() for day in stage_days)]
    page = (await client.get(f"/pilots/{project['id']}")).text
    figure = page.split('id="kpi-chart"', 1)[1].split("</figure>", 1)[0]
    assert f'src="/pilots/{project["id"]}/kpis.svg"' in figure
    assert (
        f"推荐项目数：{TODAY - dt.timedelta(days=20)} 25.0%、{TODAY - dt.timedelta(days=10)} 60.0%、{TODAY} 125.0%"
        in figure
    )
    book = load_workbook(io.BytesIO((await client.get(f"/pilots/{project['id']}/kpis.xlsx")).content))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0] == ["指标", "目标", "单位", "截至日期", "实际值", "完成比例"]
    assert [row[5] for row in rows[1:]] == ["25.0%", "60.0%", "125.0%"]


async def test_a_project_without_readings_shows_no_chart(client) -> None:
    await setup_society_user(client)
    project = (await api(client, "POST", "/api/pilots", pilot_body())).json()
    assert 'id="kpi-chart"' not in (await client.get(f"/pilots/{project['id']}")).text
