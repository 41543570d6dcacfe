"""Small steps shared by the browser tests: signing in and out, and an exam plan set up and
registered for through the pages, the exam held, and a score file uploaded."""

import datetime as dt
import re
import time

from playwright.sync_api import Page, expect

from tests.conftest import RUN_DIR
from tests.mail import Mailbox
from xuehui.clock import CHINA
from xuehui.demo import DEMO_PASSWORD

JOB_TIMEOUT = 30_000
MAIL_TIMEOUT = 15.0
CANDIDATE_PASSWORD = "candidate-pass-1"
# The SMTP server the browser tests' app mails to (set by the `server` fixture).
MAILBOX: Mailbox | None = None
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def sign_in(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("#f-username", username)
    page.fill("#f-password", password)
    page.click("form.card button[type=submit]")
    expect(page.locator("a.who")).to_be_visible()


def change_initial_password(page: Page, initial: str, new: str) -> None:
    """The first sign-in with a password an admin gave: the account page asks for a new one first."""
    expect(page.locator(".notice")).to_contain_text("请先修改密码再继续使用")
    page.fill("#f-current_password", initial)
    page.fill("#f-new_password", new)
    page.fill("#f-confirm_password", new)
    page.click("form[action='/account/password'] button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("密码已修改")


def sign_out(page: Page) -> None:
    page.click("header form[action='/logout'] button")
    expect(page.locator("a[href='/login']").first).to_be_visible()


def mark_checklist(page: Page, failed: dict[str, str] | None = None) -> None:
    """On a formal-review page, tick every checklist item but the `failed` ones, each failed
    with its reason typed beside it."""
    failed = failed or {}
    for row in page.locator("#checklist tbody tr").all():
        code = row.get_attribute("data-item") or ""
        if code in failed:
            row.locator("input[value=fail]").check()
            row.locator(f"input[name=reason_{code}]").fill(failed[code])
        else:
            row.locator("input[value=pass]").check()


def fill_declarations(page: Page, society_notice: tuple[str, str], unit_notice: tuple[str, str]) -> None:
    """What a nomination records before it goes forward: the registration number, the two
    commitments, every completer's notice in their unit and the society's own selection
    (review the day before its notice starts; dates as YYYY-MM-DD)."""
    page.fill("#f-registration_number", "9372026Y0042")
    page.check("#f-single_channel")
    page.check("#f-prior_use_declared")
    page.fill("#f-unit_notice_starts", unit_notice[0])
    page.fill("#f-unit_notice_ends", unit_notice[1])
    page.fill("#f-society_review_on", unit_notice[1])
    page.fill("#f-society_review_experts", "7")
    page.fill("#f-society_review_result", "7票同意，同意推荐")
    page.fill("#f-society_notice_starts", society_notice[0])
    page.fill("#f-society_notice_ends", society_notice[1])


def create_plan(page: Page, code: str, today: dt.date) -> str:
    sign_in(page, "examadmin")
    page.goto("/exams")
    page.fill("#f-code", code)
    page.fill("#f-exam_code", "HG")
    page.fill("#f-name", f"化工工程师职业资格考试 {code}")
    page.fill("#f-registration_opens", today.isoformat())
    page.fill("#f-registration_closes", (today + dt.timedelta(days=10)).isoformat())
    page.fill("#f-publication_date", (today + dt.timedelta(days=30)).isoformat())
    page.fill("#f-elig_30", "4")
    page.click("#plan-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(code)
    plan_id = re.search(r"/exams/(\d+)", page.url).group(1)  # type: ignore[union-attr]
    start = dt.datetime.combine(today + dt.timedelta(days=20), dt.time(9), CHINA)
    page.fill("#subject-form #f-code", "01")
    page.fill("#subject-form #f-name", "专业知识")
    page.fill("#f-full_marks", "100")
    page.fill("#f-pass_mark", "60")
    page.fill("#f-starts_at", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#f-ends_at", (start + dt.timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"))
    page.click("#subject-form button[type=submit]")
    expect(page.locator("#subjects + table")).to_contain_text("专业知识")
    page.fill("#f-site_code", "01")
    page.fill("#f-site_name", "第一中学")
    page.fill("#f-room_no", "1")
    page.fill("#f-rows", "2")
    page.fill("#f-columns", "3")
    page.click("#room-form button[type=submit]")
    expect(page.locator("#rooms + table")).to_contain_text("第一中学")
    sign_out(page)
    return plan_id


def mailed_link(address: str, count: int = 1) -> str:
    """The last link in the mails to `address`, once `count` of them have arrived."""
    assert MAILBOX is not None
    deadline = time.monotonic() + MAIL_TIMEOUT
    while len(MAILBOX.to(address)) < count:
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.2)
    return MAILBOX.last_link(address)


def mail_about(address: str, words: str) -> str:
    """The body of the first mail to `address` whose subject holds `words`, waiting for it."""
    assert MAILBOX is not None
    deadline = time.monotonic() + MAIL_TIMEOUT
    while True:
        found = [str(m.get_content()) for m in MAILBOX.to(address) if words in str(m["Subject"])]
        if found:
            return found[0]
        assert time.monotonic() < deadline, f"no mail about {words} to {address}"
        time.sleep(0.2)


def sign_up(page: Page, username: str, email: str, password: str = CANDIDATE_PASSWORD) -> None:
    """Sign up as a candidate and enable the account by the mailed link."""
    page.goto("/candidate/signup")
    page.fill("#f-username", username)
    page.fill("#f-display_name", "王小明")
    page.fill("#f-email", email)
    page.fill("#f-password", password)
    page.fill("#f-confirm_password", password)
    page.click("#signup-form button[type=submit]")
    # The same neutral answer whether or not the name was free; the mail tells.
    expect(page.locator(".notice")).to_contain_text("注册申请已受理")
    page.goto(mailed_link(email))
    page.click("#confirm-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("您的邮箱已确认")


def register(page: Page, username: str, id_number: str, today: dt.date, subjects: tuple[str, ...] = ("01",)) -> None:
    sign_up(page, username, f"{username}@example.org")
    sign_in(page, username, CANDIDATE_PASSWORD)
    page.goto("/candidate")
    page.locator("#open-plans a").last.click()
    page.fill("#f-id_number", id_number)
    page.select_option("#f-education", "30")
    page.fill("#f-graduation_date", "2012-07-01")
    page.fill("#f-work_start", (today - dt.timedelta(days=400)).isoformat())
    page.fill("#f-employer", "省化工设计院")
    for code in subjects:
        page.check(f"input[name=subjects][value='{code}']")
    page.set_input_files("#f-photo", files=[{"name": "me.png", "mimeType": "image/png", "buffer": PNG}])
    page.check("input[name=commitment_signed]")
    page.click("#registration-form button[type=submit]")
    expect(page.locator("#decision .eligibility")).to_contain_text("需相关工作满4年")
    page.fill("#f-work_start", "2015-03-01")
    page.click("#registration-form button[type=submit]")
    expect(page.locator("#decision .eligibility")).to_contain_text("符合第1行条件")
    sign_out(page)


def hold_the_exam(page: Page, plan_id: str, today: dt.date) -> None:
    """Edit the plan as if the exam had been held: registration closed, the exam yesterday, scores
    published today. Each edit keeps the dates in order, so the window closes first."""
    page.goto(f"/exams/{plan_id}/edit")
    form = page.locator("#plan-edit-form")
    form.locator("#f-registration_opens").fill((today - dt.timedelta(days=3)).isoformat())
    form.locator("#f-registration_closes").fill((today - dt.timedelta(days=2)).isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text("考试计划已保存")
    for index in range(page.locator("form.subject-edit").count()):  # each subject yesterday, three hours apart
        subject = page.locator("form.subject-edit").nth(index)
        start = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(8 + 3 * index))
        subject.locator("#f-starts_at").fill(start.strftime("%Y-%m-%dT%H:%M"))
        subject.locator("#f-ends_at").fill((start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
        subject.locator("button[type=submit]").click()
        expect(page.locator(".notice")).to_contain_text("科目已保存")
    form = page.locator("#plan-edit-form")
    form.locator("#f-publication_date").fill(today.isoformat())
    form.locator("button[type=submit]").click()
    expect(page.locator(".notice")).to_contain_text("考试计划已保存")


def wait_for_import(page: Page, state: str) -> None:
    """Wait for the self-reloading import page; on failure show the job panel and the server log."""
    try:
        expect(page.locator("#import-state")).to_have_attribute("data-state", state, timeout=JOB_TIMEOUT)
    except AssertionError as error:
        log = (RUN_DIR / "e2e-server.log").read_text(errors="replace").splitlines()[-60:]
        panel = page.locator(".job").inner_text() if page.locator(".job").count() else ""
        raise AssertionError(f"{error}\njob panel: {panel}\nserver log:\n" + "\n".join(log)) from None


def upload(page: Page, plan_id: str, data: bytes) -> None:
    page.goto(f"/exams/{plan_id}")
    page.set_input_files(
        "#score-form input[type=file]",
        files=[{"name": "scores.xlsx", "mimeType": "application/octet-stream", "buffer": data}],
    )
    page.click("#score-form button[type=submit]")
