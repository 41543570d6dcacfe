"""Scores imported through the pages as offices send them: first one workbook with a sheet per
subject, then a file per subject. Each preview says which sheets were read and what the import
adds, changes and keeps; the results page shows the scores each commit left."""

import datetime as dt
import io
import uuid

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    JOB_TIMEOUT,
    create_plan,
    hold_the_exam,
    register,
    sign_in,
    sign_out,
    upload,
    wait_for_import,
)
from xuehui import idcard
from xuehui.clock import CHINA

HEADER = ["准考证号", "身份证号", "姓名", "科目代码", "成绩"]


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        ws = book.create_sheet(title)
        ws.append(HEADER)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def add_second_subject(page: Page, plan_id: str, today: dt.date) -> None:
    page.goto(f"/exams/{plan_id}")
    start = dt.datetime.combine(today + dt.timedelta(days=20), dt.time(14), CHINA)
    page.fill("#subject-form #f-code", "02")
    page.fill("#subject-form #f-name", "专业实务")
    page.fill("#f-full_marks", "100")
    page.fill("#f-pass_mark", "60")
    page.fill("#f-starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#f-ends_at", (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.click("#subject-form button[type=submit]")
    expect(page.locator("#subjects + table")).to_contain_text("专业实务")


def preview_and_commit(page: Page, plan_id: str, data: bytes, expected: list[str]) -> None:
    upload(page, plan_id, data)
    wait_for_import(page, "ready")
    report = page.locator("#report")
    for line in expected:
        expect(report).to_contain_text(line)
    page.click("#commit-form button[type=submit]")
    expect(page.locator("#committed")).to_be_visible(timeout=JOB_TIMEOUT)


def test_a_workbook_with_a_sheet_per_subject_then_a_file_per_subject(page: Page) -> None:
    today = dt.datetime.now(CHINA).date()
    code = "S" + uuid.uuid4().hex[:6].upper()
    plan_id = create_plan(page, code, today)
    sign_in(page, "examadmin")
    add_second_subject(page, plan_id, today)
    sign_out(page)
    id_number = idcard.make("320102", dt.date(1989, 6, 7), int(uuid.uuid4().int % 50), "female")
    username = f"cand-{code.lower()}"
    register(page, username, id_number, today, subjects=("01", "02"))

    sign_in(page, "examadmin")
    page.goto(f"/exams/{plan_id}/registrations")
    page.locator("#registrations a", has_text="王小明").click()
    page.select_option("#f-decision", "approve")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#reg-status")).to_contain_text("审核通过")
    page.click("#mark-paid")
    page.goto(f"/exams/{plan_id}")
    page.click("#allocate")
    page.click("#confirm-step")
    expect(page.locator("#counts")).to_contain_text("已排座 1")
    page.goto(f"/exams/{plan_id}/registrations")
    ticket = page.locator("#registrations tbody tr td").last.inner_text().strip()
    assert ticket.startswith(str(today.year)), ticket
    hold_the_exam(page, plan_id, today)

    both = workbook(
        {
            "科目01": [[ticket, id_number, "王小明", "01", 75]],
            "科目02": [[ticket, id_number, "王小明", "02", 81]],
        }
    )
    preview_and_commit(page, plan_id, both, ["已读取工作表：“科目01”、“科目02”", "新增成绩2个，修改0个，未变0个"])
    page.goto(f"/exams/{plan_id}/results")
    expect(page.locator("#results")).to_contain_text("01: 75")
    expect(page.locator("#results")).to_contain_text("02: 81")

    first = workbook({"专业知识": [[ticket, id_number, "王小明", "01", 78]]})
    preview_and_commit(
        page,
        plan_id,
        first,
        [
            "已读取工作表：“专业知识”",
            "新增成绩0个，修改1个，未变0个",
            f"修改：{ticket} 王小明 科目01：75 → 78",
            "现有成绩中有1个不在文件中，将保留（科目02：1个）",
            f"保留：{ticket} 王小明 科目02：81",
        ],
    )
    second = workbook({"专业实务": [[ticket, id_number, "王小明", "02", 81]]})
    preview_and_commit(
        page,
        plan_id,
        second,
        [
            "已读取工作表：“专业实务”",
            "新增成绩0个，修改0个，未变1个",
            "现有成绩中有1个不在文件中，将保留（科目01：1个）",
            f"保留：{ticket} 王小明 科目01：78",
        ],
    )
    page.goto(f"/exams/{plan_id}/results")
    expect(page.locator("#results")).to_contain_text("01: 78")
    expect(page.locator("#results")).to_contain_text("02: 81")
    sign_out(page)
