"""A score import replaces exactly what it contains: per subject and candidate, with a preview of
what it adds, changes and keeps; header-only files, hidden sheets and error cells are refused
with nothing written; a workbook of one sheet per subject imports all of them."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from exams import services
from exams.tables import Score, ScoreImport
from tests.exams.exam_support import exam_society, plan_in, registered
from tests.support import csrf, login
from xuehui import jobs

HEADER = ["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"]


def book(sheets: dict[str, Sequence[Sequence[Any]]], hidden: Sequence[str] = (), active: int = 0) -> bytes:
    wb = Workbook()
    first = wb.active
    assert first is not None
    wb.remove(first)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append(HEADER)
        for row in rows:
            ws.append(list(row))
        for cells in ws.iter_rows(min_row=2):
            for cell in cells[:2]:
                if isinstance(cell.value, str) and not cell.value.startswith("#"):
                    cell.data_type = "s"
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.active = active
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


async def scored_plan() -> tuple[int, Any, list[dict[str, Any]]]:
    _a, examadmin = await exam_society()
    plan_id = await services.create_plan(examadmin, plan_in())
    ids = [(await registered(plan_id, examadmin, n))[1] for n in range(3)]
    await services.allocate_seats(examadmin, plan_id)
    regs = {r["id"]: r for r in await services.list_registrations(examadmin, plan_id)}
    return plan_id, examadmin, [regs[i] for i in ids]


def row(reg: dict[str, Any], subject: str, score: object, status: str = "正常") -> list[object]:
    return [reg["ticket_no"], reg["id_number"], reg["name"], subject, score, status]


async def preview(examadmin: Any, plan_id: int, data: bytes) -> dict[str, Any]:
    import_id = await services.start_score_import(examadmin, plan_id, "scores.xlsx", data)
    await jobs.wait_for_job((await services.get_import(examadmin, import_id))["validate_job"])
    return await services.get_import(examadmin, import_id)


async def commit(examadmin: Any, record: dict[str, Any], **kwargs: bool) -> dict[str, Any]:
    job = await jobs.wait_for_job(await services.commit_score_import(examadmin, record["id"], **kwargs))
    assert job["state"] == "succeeded", job
    return job


async def current(plan_id: int) -> list[tuple[str, str, str | None, int]]:
    rows = await Score.select(Score.registration.name, Score.subject_code, Score.score, Score.version).where(
        (Score.current == True) & (Score.registration.plan == plan_id)  # noqa: E712 - Piccolo expression
    )
    return sorted(
        (
            r["registration.name"],
            r["subject_code"],
            None if r["score"] is None else f"{float(r['score']):g}",
            r["version"],
        )
        for r in rows
    )


async def test_a_subject_02_file_after_a_subject_01_file_keeps_subject_01() -> None:
    plan_id, examadmin, (a, b, c) = await scored_plan()
    first = await preview(examadmin, plan_id, book({"成绩": [row(a, "01", 70), row(b, "01", 80), row(c, "01", 90)]}))
    assert first["details"]["changes"]["added"] == 3
    await commit(examadmin, first)
    second = await preview(examadmin, plan_id, book({"成绩": [row(a, "02", 60), row(b, "02", 65)]}))
    assert second["details"]["changes"] == {
        "added": 2,
        "unchanged": 0,
        "changed": [],
        "changed_count": 0,
        "kept_by_subject": {"01": 3},
        "kept": [
            {"ticket": r["ticket_no"], "name": r["name"], "subject": "01", "score": ["present", s]}
            for r, s in sorted(((a, "70"), (b, "80"), (c, "90")), key=lambda p: p[0]["ticket_no"])
        ],
        "kept_count": 3,
        "removable": 0,
    }
    await commit(examadmin, second)
    assert await current(plan_id) == [
        ("考生0", "01", "70", 1),
        ("考生0", "02", "60", 2),
        ("考生1", "01", "80", 1),
        ("考生1", "02", "65", 2),
        ("考生2", "01", "90", 1),
    ]


async def test_a_correction_file_replaces_only_its_candidates_and_removes_others_only_when_ticked() -> None:
    plan_id, examadmin, (a, b, c) = await scored_plan()
    await commit(
        examadmin,
        await preview(examadmin, plan_id, book({"成绩": [row(a, "01", 70), row(b, "01", 80), row(a, "02", 50)]})),
    )
    fix = book({"成绩": [row(a, "01", 75), row(b, "01", 80), row(c, "01", None, "缺考")]})
    record = await preview(examadmin, plan_id, fix)
    changes = record["details"]["changes"]
    assert (changes["added"], changes["unchanged"], changes["changed"], changes["kept_by_subject"]) == (
        1,
        1,
        [
            {
                "ticket": a["ticket_no"],
                "name": "考生0",
                "subject": "01",
                "old": ["present", "70"],
                "new": ["present", "75"],
            }
        ],
        {"02": 1},
    )
    lines = services.report_lines({**record, **record["details"]}, "zh")
    assert f"修改：{a['ticket_no']} 考生0 科目01：70 → 75" in lines
    assert "现有成绩中有1个不在文件中，将保留（科目02：1个）" in lines
    await commit(examadmin, record)
    assert await current(plan_id) == [
        ("考生0", "01", "75", 2),
        ("考生0", "02", "50", 1),
        ("考生1", "01", "80", 2),
        ("考生2", "01", None, 2),
    ]
    # Ticked: the current scores of the file's subjects (01) that it lacks go; subject 02 stays.
    only_a = await preview(examadmin, plan_id, book({"成绩": [row(a, "01", 76)]}))
    assert only_a["details"]["changes"]["removable"] == 2
    await commit(examadmin, only_a, remove_missing=True)
    assert await current(plan_id) == [("考生0", "01", "76", 3), ("考生0", "02", "50", 1)]


async def test_a_header_only_file_is_refused_and_never_empties_the_scores_or_takes_a_version() -> None:
    plan_id, examadmin, (a, _b, _c) = await scored_plan()
    await commit(examadmin, await preview(examadmin, plan_id, book({"成绩": [row(a, "01", 70)]})))
    empty = await preview(examadmin, plan_id, book({"成绩": []}))
    assert (empty["state"], [(p["code"], p["zh"]) for p in empty["problems"]]) == (
        "invalid",
        [("score_import.no_rows", "文件中只有表头，没有成绩行；未导入任何成绩，现有成绩不变")],
    )
    summary = await services.import_scores_now(
        await services.get_plan(examadmin, plan_id), book({"成绩": []}), dry_run=False, confirm_replace=True
    )
    assert ("version" in summary, [p["code"] for p in summary["problems"]]) == (False, ["score_import.no_rows"])
    assert await current(plan_id) == [("考生0", "01", "70", 1)]
    follow = await preview(examadmin, plan_id, book({"成绩": [row(a, "02", 60)]}))
    assert (await commit(examadmin, follow))["result"]["version"] == 2


async def test_one_sheet_per_subject_is_imported_together_and_the_preview_names_the_sheets() -> None:
    plan_id, examadmin, (a, b, _c) = await scored_plan()
    data = book(
        {
            "科目01": [row(a, "01", 70), row(b, "01", 71)],
            "科目02": [row(a, "02", 60), row(b, "02", 61)],
            "代码表": [],
        },
        hidden=["代码表"],
    )
    # a hidden sheet with the score header may be an outdated copy: refused by name
    record = await preview(examadmin, plan_id, data)
    assert record["state"] == "invalid"
    assert [p["code"] for p in record["problems"]] == ["excel.hidden_sheet"]
    assert "“代码表”" in record["problems"][0]["zh"]
    data = book({"科目01": [row(a, "01", 70), row(b, "01", 71)], "科目02": [row(a, "02", 60), row(b, "02", 61)]})
    record = await preview(examadmin, plan_id, data)
    assert record["details"]["sheets"] == {"read": ["科目01", "科目02"], "other": [], "hidden": []}
    assert services.report_lines({**record, **record["details"]}, "zh")[:2] == [
        "已读取工作表：“科目01”、“科目02”",
        "共4行，全部通过校验",
    ]
    await commit(examadmin, record)
    assert [(n, s, v) for n, s, v, _ in await current(plan_id)] == [
        ("考生0", "01", "70"),
        ("考生0", "02", "60"),
        ("考生1", "01", "71"),
        ("考生1", "02", "61"),
    ]


async def test_the_same_candidate_and_subject_on_two_sheets_is_refused_naming_both() -> None:
    plan_id, examadmin, (a, _b, _c) = await scored_plan()
    record = await preview(examadmin, plan_id, book({"上午": [row(a, "01", 70)], "补录": [row(a, "01", 75)]}))
    assert [(p["code"], p["row"], p["zh"]) for p in record["problems"]] == [
        ("score_import.duplicate", 2, "工作表“补录”：与工作表“上午”第2行重复（同一准考证号和科目）")
    ]
    assert await Score.count() == 0


async def test_an_error_cell_is_refused_and_does_not_hide_the_other_problems() -> None:
    plan_id, examadmin, (a, b, _c) = await scored_plan()
    data = book({"成绩": [row(a, "01", 70, "#N/A"), row(b, "01", 170), row(b, "02", "#REF!")]})
    record = await preview(examadmin, plan_id, data)
    assert [(p["code"], p["row"], p["column"]) for p in record["problems"]] == [
        ("excel.error_cell", 2, "F"),
        ("excel.error_cell", 4, "E"),
        ("score_import.out_of_range", 3, "E"),
    ]
    assert (
        record["problems"][0]["zh"] == "工作表“成绩”第2行F列（状态）是错误值 #N/A，不能当作空白读取；请改正后重新上传"
    )
    assert (await Score.count(), await ScoreImport.count()) == (0, 1)


async def settled(client: Any, url: str) -> Any:
    """The import page once its job has finished (it reloads itself while the job runs)."""
    page = await client.get(url)
    for _ in range(200):
        if "refresh" not in page.headers:
            return page
        await asyncio.sleep(0.05)
        page = await client.get(url)
    raise AssertionError("the import's job did not finish")


async def test_the_import_page_shows_the_sheet_the_changes_and_the_removal_box(client) -> None:
    plan_id, examadmin, (a, b, _c) = await scored_plan()
    await commit(examadmin, await preview(examadmin, plan_id, book({"成绩": [row(a, "01", 70), row(b, "01", 80)]})))
    await login(client, examadmin.username)
    token = await csrf(client, f"/exams/{plan_id}")
    uploaded = await client.post(
        f"/exams/{plan_id}/scores",
        data={"_csrf_token": token},
        files={"file": ("fix.xlsx", book({"更正": [row(a, "01", 72)]}), "application/octet-stream")},
        follow_redirects=False,
    )
    import_id = int(uploaded.headers["location"].rsplit("/", 1)[1])
    page = await settled(client, f"/exams/imports/{import_id}")
    assert "<li>已读取工作表：“更正”</li>" in page.text
    assert f"<li>修改：{a['ticket_no']} 考生0 科目01：70 → 72</li>" in page.text
    assert "<li>现有成绩中有1个不在文件中，将保留（科目01：1个）</li>" in page.text
    assert 'name="remove_missing"' in page.text
    token = await csrf(client, f"/exams/imports/{import_id}")
    done = await client.post(
        f"/exams/imports/{import_id}/commit", data={"_csrf_token": token, "remove_missing": "1"}, follow_redirects=False
    )
    assert done.status_code == 303
    assert 'id="committed"' in (await settled(client, f"/exams/imports/{import_id}")).text
    assert await current(plan_id) == [("考生0", "01", "72", 2)]
