"""The exam result charts: scores counted in bands whose edges fall on the pass mark, absent and
violation counts, pass rate by site; read back out of the SVG and compared with the results."""

from __future__ import annotations

import io
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from exams import services
from exams.rules.result_figures import ScoreBin, bin_edges, score_bins
from exams.rules.subjects import Subject
from exams.schemas import ViolationIn
from tests.chart_support import axis_labels, bars, marked_labels
from tests.exams.exam_support import (
    decided_violation,
    exam_held,
    exam_society,
    plan_in,
    registered,
    score_sheet,
)
from tests.support import login
from xuehui import jobs


def test_the_bands_fall_on_the_pass_mark_with_narrower_bands_at_the_ends() -> None:
    assert bin_edges(Decimal(75), Decimal(50)) == [
        Decimal(x) for x in ("0", "5.0", "12.5", "20.0", "27.5", "35.0", "42.5", "50", "57.5", "65.0", "72.5", "75")
    ]
    assert bin_edges(Decimal(100), Decimal(60))[6] == Decimal(60)


def test_full_marks_go_in_the_last_band_and_the_pass_mark_opens_a_passing_band() -> None:
    subject = Subject("01", "基础", Decimal(100), Decimal(60), decimal_places=1)
    bins = score_bins([Decimal(100), Decimal("59.9"), Decimal(60), Decimal(0)], subject)
    assert [(b.low, b.count, b.passing) for b in bins if b.count] == [
        (Decimal(0), 1, False),
        (Decimal(50), 1, False),
        (Decimal(60), 1, True),
        (Decimal(90), 1, True),
    ]


@given(
    st.integers(1, 300).flatmap(
        lambda full: st.tuples(
            st.just(full),
            st.integers(0, full),
            st.lists(st.integers(0, full * 2).map(lambda h: Decimal(h) / 2), max_size=40),
        )
    )
)
def test_every_score_is_counted_once_in_its_band(case: tuple[int, int, list[Decimal]]) -> None:
    full, mark, scores = case
    scores = [s for s in scores if s <= full]
    subject = Subject("01", "s", Decimal(full), Decimal(mark), decimal_places=1)
    bins = score_bins(scores, subject)

    def holds(b: ScoreBin, s: Decimal) -> bool:
        return b.low <= s < b.high or (b is bins[-1] and s == b.high)

    assert sum(b.count for b in bins) == len(scores)
    assert [b.count for b in bins] == [sum(holds(b, s) for s in scores) for b in bins]
    assert all(b.passing == (b.low >= mark) for b in bins)
    assert Decimal(mark) in [b.low for b in bins] + [bins[-1].high]


async def test_the_results_page_draws_each_subjects_scores_against_the_pass_mark_and_the_sites(client) -> None:
    _s, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    people = [await registered(plan_id, examadmin, n) for n in range(4)]
    await services.allocate_seats(examadmin, plan_id)
    regs = {r["id"]: r for r in await services.list_registrations(examadmin, plan_id)}
    (_c0, r0), (_c1, r1), (_c2, r2), (_c3, r3) = people
    t = {i: regs[i]["ticket_no"] for i in regs}
    rows = [
        [t[r0], "", "考生0", "01", 75, ""],
        [t[r1], "", "考生1", "01", 59.5, ""],
        [t[r2], "", "考生2", "01", 60, ""],
        [t[r3], "", "考生3", "01", None, "缺考"],
        [t[r0], "", "考生0", "02", 100, ""],
        [t[r1], "", "考生1", "02", 30, ""],
        [t[r2], "", "考生2", "02", 88, ""],
        [t[r3], "", "考生3", "02", 61, ""],
    ]
    import_id = await services.start_score_import(examadmin, plan_id, "scores.xlsx", score_sheet(rows))
    await jobs.wait_for_job((await services.get_import(examadmin, import_id))["validate_job"])
    await jobs.wait_for_job(await services.commit_score_import(examadmin, import_id))
    await decided_violation(
        examadmin, r2, ViolationIn(subject_code="02", level="general", article="第六条第一项", facts="携带手机")
    )
    await exam_held(plan_id)
    await login(client, examadmin.username)

    svg = (await client.get(f"/exams/{plan_id}/results/subjects/01/scores.svg")).content
    drawn = {name: [(band, value) for band, value, _h in values if value != "0"] for name, values in bars(svg).items()}
    assert drawn == {"未及格": [("50–60", "1")], "及格及以上": [("60–70", "1"), ("70–80", "1")]}
    assert marked_labels(svg) == ["60–70"]
    page = (await client.get(f"/exams/{plan_id}/results")).text
    figure = page.split('id="scores-chart-01"', 1)[1].split("</figure>", 1)[0]
    assert f'src="/exams/{plan_id}/results/subjects/01/scores.svg"' in figure
    assert "50–60 1；60–70 1；70–80 1" in figure  # the text alternative
    assert "及格线60：实考3人中2人及格（66.7%）；缺考1人，违纪0人" in figure
    figure_02 = page.split('id="scores-chart-02"', 1)[1].split("</figure>", 1)[0]
    assert "及格线60：实考3人中2人及格（66.7%）；缺考0人，违纪1人" in figure_02  # the void score is not counted

    exported = load_workbook(
        io.BytesIO((await client.get(f"/exams/{plan_id}/results/subjects/02/scores.xlsx")).content)
    )
    table = [[c.value for c in row] for row in exported.active.iter_rows()]
    assert table[0] == ["科目", "分数段", "人数", "及格及以上"]
    assert [r[1:3] for r in table[1:] if r[2]] == [["30–40", 1], ["60–70", 1], ["90–100", 1]]

    sites = bars((await client.get(f"/exams/{plan_id}/results/sites.svg")).content)
    assert {name: [value for _site, value, _h in values] for name, values in sites.items()} == {
        "科目01": ["66.7%"],
        "科目02": ["66.7%"],
    }
    site_rows = load_workbook(io.BytesIO((await client.get(f"/exams/{plan_id}/results/sites.xlsx")).content))
    assert [[c.value for c in row] for row in site_rows.active.iter_rows()][:2] == [
        ["考点", "科目01", "科目02"],
        [site_rows.active["A2"].value, "66.7%", "66.7%"],
    ]
    svg = (await client.get(f"/exams/{plan_id}/results/subjects/01/scores.svg")).content
    assert axis_labels(svg) == ["0", "1"]  # whole counts only: one candidate at most in a band
