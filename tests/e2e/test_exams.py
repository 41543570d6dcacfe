"""An exam from plan to certificate in the browser: the society's exam administrator sets up a plan;
a candidate signs up, is found ineligible with the reason shown and fixes it; the administrator
approves, marks the fee paid and seats everyone; the ticket prints; a score file with errors shows
every error, the fixed file is committed and published; the candidate sees the score and asks for a
re-check; the certificate verifies on the public page."""

import datetime as dt
import io
import re
import uuid
from typing import Any

from openpyxl import Workbook
from playwright.sync_api import Page, expect
from pypdf import PdfReader

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
from xuehui.pdf import QR_SCALE, qr_matrix


def sheet(rows: list[list[object]]) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def download_the_ticket_pdf(page: Page, ticket_no: str) -> str:
    """The candidate downloads the ticket PDF from the candidate page; its text holds the ticket
    number and its QR code encodes the printed check URL, which is returned."""
    page.goto("/candidate")
    href = page.locator("a[id^='ticket-pdf-']").get_attribute("href")
    assert href is not None
    response = page.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.body()))
    text = reader.pages[0].extract_text()
    assert ticket_no in text
    found = re.search(r"(http://127\.0\.0\.1:\d+/public/tickets/\S+\?code=[0-9a-f]+)", text.replace("\n", ""))
    assert found, text
    url = found.group(1)
    codes = [i.image for i in reader.pages[0].images if i.image is not None and i.image.width == i.image.height]
    assert [qr_modules(image) for image in codes] == [qr_matrix(url)]
    return url


def qr_modules(image: Any) -> tuple[tuple[int, ...], ...]:
    grey = image.convert("L")
    size = grey.width // QR_SCALE - 4
    return tuple(
        tuple(int(grey.getpixel(((2 + x) * QR_SCALE + 1, (2 + y) * QR_SCALE + 1)) < 128) for x in range(size))
        for y in range(size)
    )


def test_an_exam_from_registration_to_a_verified_certificate(page: Page) -> None:
    today = dt.datetime.now(CHINA).date()
    code = "E" + uuid.uuid4().hex[:6].upper()
    plan_id = create_plan(page, code, today)
    id_number = idcard.make("320102", dt.date(1991, 3, 4), int(uuid.uuid4().int % 50), "male")
    username = f"cand-{code.lower()}"
    register(page, username, id_number, today)

    sign_in(page, "examadmin")
    page.goto(f"/exams/{plan_id}/registrations")
    page.locator("#registrations a", has_text="王小明").click()
    page.select_option("#f-decision", "approve")
    page.click("#review-form button[type=submit]")
    expect(page.locator("#reg-status")).to_contain_text("审核通过")
    page.click("#mark-paid")
    expect(page.locator("#paid")).to_contain_text("是")
    page.goto(f"/exams/{plan_id}")
    page.click("#allocate")
    expect(page.locator(".confirmation")).to_contain_text("1名审核通过且尚无座位的考生将获得座位，并生成准考证。")
    page.click("#confirm-step")
    expect(page.locator("#counts")).to_contain_text("已排座 1")
    sign_out(page)

    sign_in(page, username, "candidate-pass-1")
    page.goto("/candidate")
    page.locator("a[href$='/ticket']").click()
    ticket_no = page.locator("#ticket-no").inner_text().strip()
    assert re.fullmatch(rf"{today.year}{code}0100101", ticket_no), ticket_no
    expect(page.locator("#ticket-seat")).to_have_text("1")
    expect(page.locator("#ticket")).to_contain_text("开考5分钟后不得入场")
    check_url = download_the_ticket_pdf(page, ticket_no)
    page.goto(check_url)
    expect(page.locator("#ticket-name")).to_have_text("王小明")
    expect(page.locator("#ticket-valid")).to_have_text("有效准考证")
    sign_out(page)

    sign_in(page, "examadmin")
    hold_the_exam(page, plan_id, today)
    upload(
        page,
        plan_id,
        sheet([[ticket_no, id_number, "李四", "01", 120, "正常"], ["99999", id_number, "王小明", "01", 70, ""]]),
    )
    wait_for_import(page, "invalid")
    problems = page.locator("#problems tbody tr")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_contain_text("2")
    expect(page.locator("#problems")).to_contain_text("姓名“李四”与准考证号对应的考生不一致")
    expect(page.locator("#problems")).to_contain_text("成绩120超出范围（0～100）")
    expect(page.locator("#problems")).to_contain_text("准考证号99999不存在")
    upload(page, plan_id, sheet([[ticket_no, id_number, "王小明", "01", 75, "正常"]]))
    wait_for_import(page, "ready")
    expect(page.locator("#report")).to_contain_text("共1行，全部通过校验")
    page.click("#commit-form button[type=submit]")
    expect(page.locator("#committed")).to_be_visible(timeout=JOB_TIMEOUT)
    page.goto(f"/exams/{plan_id}")
    page.click("#publish")
    expect(page.locator(".confirmation")).to_contain_text("成绩公布后只能经复核更改。")
    page.click("#cancel-step")  # cancelled: back on the plan, nothing published
    expect(page.locator("#publish")).to_be_visible()
    expect(page.locator("#published")).to_have_count(0)
    page.click("#publish")
    page.click("#confirm-step")
    expect(page.locator("#published")).to_be_visible()
    sign_out(page)

    sign_in(page, username, "candidate-pass-1")
    page.goto("/candidate")
    row = page.locator("tr[data-subject='01']")
    expect(row).to_contain_text("75")
    expect(row).to_contain_text("通过")
    row.locator("input[name=reason]").fill("请核对合分")
    row.locator("button[type=submit]").click()
    expect(page.locator("tr[data-subject='01']")).to_contain_text("已申请")
    sign_out(page)

    sign_in(page, "examadmin")
    page.goto(f"/exams/{plan_id}/results")
    page.click("#issue-certificates")
    page.click("#confirm-step")
    number = page.locator("#certificates tbody td").first.inner_text().strip()
    assert number.startswith(f"XH{today.year}HG"), number
    sign_out(page)

    page.goto(f"/public/certificates?number={number}")
    expect(page.locator("#certificate-status")).to_have_text("有效")
    expect(page.locator("#certificate")).to_contain_text("王小明")
