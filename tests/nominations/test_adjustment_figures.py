"""The adjustment's figures as the admin sees them before publishing: each society's pass rate and
award rate as bars against the policy's threshold and the average, read back out of the SVG and
compared with the run's numbers; the same numbers in the table and the workbook."""

from __future__ import annotations

import io

from defusedxml import ElementTree as ET
from openpyxl import load_workbook

from nominations import services
from tests.nominations.test_official_results import _last_year_with_two_nominations, workbook
from tests.support import login

SVG = "{http://www.w3.org/2000/svg}"


def bars(svg: bytes) -> dict[str, list[tuple[str, str, float]]]:
    """Per series (legend text): (society, value shown, bar height) of every bar."""
    root = ET.fromstring(svg)
    legends = [
        "".join(g.itertext()) for g in root.iter(f"{SVG}g") if (g.get("class") or "").startswith("legend reactive")
    ]
    found: dict[str, list[tuple[str, str, float]]] = {}
    plot = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "plot")
    series = [g for g in plot.iter(f"{SVG}g") if (g.get("class") or "").startswith("series serie-")]
    for index, group in enumerate(series):
        drawn = []
        for bar in group.iter(f"{SVG}g"):
            if bar.get("class") != "bar":
                continue
            rect = bar.find(f"{SVG}rect")
            desc = {d.get("class"): d.text for d in bar.findall(f"{SVG}desc")}
            assert rect is not None
            drawn.append((desc["x_label"] or "", desc["value"] or "", float(rect.get("height") or 0)))
        found[legends[index]] = drawn
    return found


def guides(svg: bytes) -> list[str]:
    root = ET.fromstring(svg)
    return [t.text or "" for t in root.iter(f"{SVG}text") if t.get("class") == "major"]


async def test_the_chart_draws_every_societys_rates_against_the_threshold_and_the_average(client) -> None:
    cycle_id, last, admin, _, _ = await _last_year_with_two_nominations()
    data = workbook([["精密机床", "技术发明奖", "二等奖", "获奖"], ["智能焊接", "技术发明奖", "", "形式审查未通过"]])
    await services.import_official_results(
        admin, last, (await services.preview_official_results(admin, last, data))["sha"]
    )
    run_id = await services.run_adjustment(admin, cycle_id)
    await login(client, "root-cmes")
    response = await client.get(f"/admin/adjustment/runs/{run_id}/rates.svg")
    assert (response.status_code, response.headers["content-type"], b"<script" in response.content) == (
        200,
        "image/svg+xml",
        False,
    )
    drawn = bars(response.content)
    assert {name: [(s, v) for s, v, _ in values] for name, values in drawn.items()} == {
        "形式审查通过率": [("CMES学会", "50.0%")],
        "获奖率": [("CMES学会", "50.0%")],
    }
    # Equal rates are equal bars; the threshold (90 %) and the average (50 %) are the highlighted lines.
    assert drawn["形式审查通过率"][0][2] == drawn["获奖率"][0][2] > 0
    assert guides(response.content) == ["50.0%", "90.0%"]
    page = (await client.get(f"/admin/adjustment/{cycle_id}?run={run_id}")).text
    figure = page.split('id="rates-chart"', 1)[1].split("</figure>", 1)[0]
    assert f'src="/admin/adjustment/runs/{run_id}/rates.svg"' in figure
    assert "CMES学会 50.0% / 50.0%" in figure  # the text alternative
    assert "突出显示的线：通过率阈值 90.0%；平均获奖率 50.0%" in figure
    table = page.split('id="adjustment"', 1)[1]
    assert table.count('<td class="number">50.0%</td>') == 2
    exported = load_workbook(io.BytesIO((await client.get(f"/admin/adjustment/runs/{run_id}/table.xlsx")).content))
    rows = [[c.value for c in row] for row in exported.active.iter_rows()]
    assert rows[0] == ["学会", "可以推荐", "形式审查通过率", "获奖率", "平均获奖率", "理由"]
    assert rows[1][:5] == ["CMES学会", "是", "50.0%", "50.0%", "50.0%"]
