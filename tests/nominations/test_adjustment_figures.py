"""The adjustment's figures as the admin sees them before publishing: each society's pass rate and
award rate as bars against the policy's threshold and the average, read back out of the SVG and
compared with the run's numbers; the same numbers in the table and the workbook."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from nominations import services
from tests.chart_support import bars, guides
from tests.nominations.test_official_results import _last_year_with_two_nominations, workbook
from tests.support import login


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
