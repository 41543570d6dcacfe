"""Pieces shared by bench/load_mix.py and bench/stress/drill_backup_under_load.py.

- `Database` / `fresh_database()`: a new SQLite file or a new PostgreSQL database named
  `<prefix>_<random>` on the shared server (only CREATE/DROP DATABASE of our own names there),
  migrated, with the demo data; `cleanup()` drops it again.
- `Server`: one `xuehui serve` process on a free loopback port; start, wait, stop.
- `login()`, `form_fields()`: log in like a browser (CSRF token scraped from the form) and read
  the fields of a page's form to post them back.
- `seed()` (run as `python bench/load_support.py seed` with DATABASE_URL set): the extra data of
  the load test, through the services: nominators and draft nominations, experts with accounts
  and a staffed review batch, two exam plans (one with published results, one seated and waiting
  for its score import).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import html.parser
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
XUEHUI = str(BIN / "xuehui")
PYTHON = str(BIN / "python")
DEMO_PASSWORD = "Xuehui-demo-2026"
SEED_PASSWORD = "Load-test-pass-2026"
SECRET = "load-test-secret-" + "l" * 40
PG_SERVER = os.environ.get("XUEHUI_STRESS_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def log(*parts: object) -> None:
    """Progress to stderr: the last stdout line of a drill belongs to its JSON report."""
    print(*parts, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100); 0.0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


# --- databases ---------------------------------------------------------------------------------


async def pg_execute(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def pg_url(name: str) -> str:
    return f"{PG_SERVER.rpartition('/')[0]}/{name}"


@dataclass
class Database:
    kind: str  # "sqlite" | "postgresql"
    url: str
    workdir: Path
    pg_name: str = ""

    @property
    def path(self) -> Path:
        return Path(self.url.removeprefix("sqlite:///"))

    def env(self, **extra: str) -> dict[str, str]:
        env = {**os.environ, "DATABASE_URL": self.url, "XUEHUI_SECRET_KEY": SECRET, "PYTHONUNBUFFERED": "1"}
        env.pop("XUEHUI_PRODUCTION", None)
        env.update(extra)
        return env

    def cleanup(self) -> None:
        if self.pg_name:
            with contextlib.suppress(Exception):
                asyncio.run(pg_execute(PG_SERVER, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
        shutil.rmtree(self.workdir, ignore_errors=True)


def empty_database(kind: str, prefix: str) -> Database:
    """A new, empty database: a file in a temp directory, or `<prefix>_<random>` on the shared server."""
    workdir = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    if kind == "sqlite":
        return Database("sqlite", f"sqlite:///{workdir / 'xuehui.sqlite'}", workdir)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    assert re.fullmatch(r"xuehui_(stress|load|test)_\w+", name), name
    asyncio.run(pg_execute(PG_SERVER, f'CREATE DATABASE "{name}"'))
    return Database("postgresql", pg_url(name), workdir, pg_name=name)


def run_cli(db: Database, *args: str, **env: str) -> str:
    result = subprocess.run(
        [XUEHUI, *args], env=db.env(**env), capture_output=True, text=True, check=False, cwd=ROOT, timeout=600
    )
    if result.returncode != 0:
        raise RuntimeError(f"xuehui {' '.join(args)} failed: {result.stderr.strip()[-2000:]}")
    return result.stdout


def fresh_database(kind: str, prefix: str, *, demo: bool = True) -> Database:
    """A new database, migrated, with the demo data (demo accounts hashed with the real argon2 profile)."""
    db = empty_database(kind, prefix)
    try:
        run_cli(db, "migrate")
        if demo:
            run_cli(db, "demo", "--quiet")
    except BaseException:
        db.cleanup()
        raise
    return db


# --- the server --------------------------------------------------------------------------------


class Server:
    """One `xuehui serve` process (its output goes to a log file in the database's workdir)."""

    def __init__(self, db: Database, *, workers: int = 1, **env: str) -> None:
        self.db = db
        self.port = free_port()
        self.workers = workers
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = db.workdir / f"server-{self.port}.log"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> None:
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                [XUEHUI, "serve", "--port", str(self.port), "--workers", str(self.workers)],
                env=self.db.env(**self.env),
                stdout=out,
                stderr=subprocess.STDOUT,
                cwd=ROOT,
                start_new_session=True,
            )
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        raise RuntimeError(f"server did not answer in {timeout} s: {self.log_tail()}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=5)

    def log_tail(self, lines: int = 30) -> str:
        if not self.log_path.exists():
            return ""
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- a browser's view --------------------------------------------------------------------------


def csrf_from(page: str) -> str:
    match = CSRF_RE.search(page)
    if match is None:
        raise RuntimeError("the page has no CSRF field")
    return match.group(1)


async def login(client: Any, username: str, password: str) -> float:
    """Log in through the form like a browser; returns the seconds the POST took."""
    page = await client.get("/login")
    token = csrf_from(page.text)
    started = time.perf_counter()
    response = await client.post(
        "/login",
        data={"username": username, "password": password, "next": "/", "_csrf_token": token},
        follow_redirects=False,
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 303 or "/login" in response.headers.get("location", ""):
        raise RuntimeError(f"login of {username} failed: {response.status_code}")
    return elapsed


class _FormParser(html.parser.HTMLParser):
    """The successful controls of the form whose action is `action` (as a browser would post them)."""

    def __init__(self, action: str) -> None:
        super().__init__(convert_charrefs=True)
        self.action = action
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text: list[str] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("action", "") == self.action
            return
        if not self.inside:
            return
        name = a.get("name", "")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind in ("checkbox", "radio") else "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._select_first, self._select_chosen = name, None, False
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a and not self._select_chosen:
                self.fields.append((self._select, value))
                self._select_chosen = True

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and self._select_first is not None:
                self.fields.append((self._select, self._select_first))
            self._select = None


def form_fields(page: str, action: str) -> list[tuple[str, str]]:
    parser = _FormParser(action)
    parser.feed(page)
    if not parser.fields:
        raise RuntimeError(f"no form posting to {action} on the page")
    return parser.fields


# --- the extra data of the load test ------------------------------------------------------------

NOMINATORS = 8
DRAFTS_PER_NOMINATOR = 6
REVIEWERS = 24
EXTRA_EXPERTS = 60
REVIEW_ITEMS = 60
CANDIDATES = 120


async def _exam_held(plan_id: int) -> None:
    """Seed shortcut: move a plan's dates into the past as if its exam had been held (registration
    closed, the exam yesterday, publication today), in the order the plan's date rule wants."""
    from exams.tables import ExamPlan, ExamSubject
    from xuehui.clock import CHINA, aware, today

    day = today()
    await ExamPlan.update(
        {
            ExamPlan.registration_opens: day - dt.timedelta(days=4),
            ExamPlan.registration_closes: day - dt.timedelta(days=3),
            ExamPlan.publication_date: day,
        }
    ).where(ExamPlan.id == plan_id)
    for row in await ExamSubject.select(ExamSubject.id, ExamSubject.starts_at).where(ExamSubject.plan == plan_id):
        hour = aware(row["starts_at"]).astimezone(CHINA).time()
        start = dt.datetime.combine(day - dt.timedelta(days=1), hour, CHINA)
        await ExamSubject.update(
            {ExamSubject.starts_at: start, ExamSubject.ends_at: start + dt.timedelta(hours=2)}
        ).where(ExamSubject.id == row["id"])


async def seed() -> dict[str, Any]:
    """Add the load test's data to a database that holds the demo data. Returns what the driver needs."""
    import openpyxl  # noqa: F401 - the score sheets are read by the import

    from accounts.rules import Actor
    from accounts.services import create_user
    from accounts.tables import User
    from exams import services as exams
    from exams.schemas import EligibilityRowIn, PlanIn, RegistrationIn, RoomIn, SubjectIn
    from exams.schemas import ReviewIn as RegistrationReview
    from expert_pool import services as pool
    from expert_pool.schemas import BatchIn, ExpertIn
    from nominations import services as nominations
    from nominations.demo import demo_nomination
    from nominations.tables import AwardCycle
    from societies.tables import Society
    from xuehui import idcard
    from xuehui.clock import CHINA, today

    def actor(row: dict[str, Any]) -> Actor:
        return Actor(row["id"], row["username"], row["display_name"], row["role"], society_id=row["society_id"])

    columns = (User.id, User.username, User.display_name, User.role, User.society_id)
    users = {r["username"]: r for r in await User.select(*columns)}
    admin = actor(users["admin"])
    cmes = (await Society.select(Society.id).where(Society.code == "CMES").first())["id"]
    cycle_id = (await AwardCycle.select(AwardCycle.id).order_by(AwardCycle.id, ascending=False).first())["id"]

    # Nominators of the mechanical engineering society, each keeping a few drafts.
    nominators: list[dict[str, Any]] = []
    sequence = 12
    for n in range(1, NOMINATORS + 1):
        username = f"nominator{n:02d}"
        user_id = await create_user(
            None,
            username=username,
            display_name=f"机械学会 填报人{n}",
            role="society",
            password=SEED_PASSWORD,
            society_id=cmes,
            must_change_password=False,
        )
        me = Actor(user_id, username, username, "society", society_id=cmes)
        drafts = []
        for k in range(DRAFTS_PER_NOMINATOR):
            sequence += 8
            drafts.append(
                await nominations.create_nomination(
                    me, cycle_id, demo_nomination(f"装备制造关键技术研究（{n}-{k}）", 3 + k % 4, start=sequence)
                )
            )
        nominators.append({"username": username, "drafts": drafts})

    # Experts: some with accounts (the virtual reviewers), the rest only in the registry.
    def expert_id_number(seq: int) -> str:
        return idcard.make("110101", dt.date(1960 + seq % 30, 1 + seq % 12, 1 + seq % 28), seq % 450, "male")

    reviewers = []
    for n in range(1, REVIEWERS + EXTRA_EXPERTS + 1):
        username = f"reviewer{n:02d}" if n <= REVIEWERS else ""
        await pool.register_expert(
            admin,
            ExpertIn(
                name=f"专家{n:03d}",
                id_number=expert_id_number(n),
                unit=f"第{n}研究所",
                in_province=n % 3 != 0,
                primary_discipline="460.15" if n % 2 else "460.20",
                keywords=["机械", "制造"],
                username=username,
                password=SEED_PASSWORD if username else "",
            ),
        )
        if username:
            reviewers.append(username)
    items = [
        {
            "kind": "award_nomination",
            "external_id": f"LOAD-{i:04d}",
            "title": f"评审项目{i}",
            "disciplines": ["460.15" if i % 2 else "460.20"],
            "keywords": ["机械"],
            "people": [],
            "units": [f"企业{i}"],
            "category": "technological_invention",
            "material": "项目简介、创新点、应用情况。" * 20,
        }
        for i in range(REVIEW_ITEMS)
    ]
    form = {
        "criteria": [
            {"code": "innovation", "name_zh": "创新性", "name_en": "Innovation", "weight": 0.5, "max_score": 100},
            {"code": "benefit", "name_zh": "效益", "name_en": "Benefit", "weight": 0.3, "max_score": 100},
            {"code": "quality", "name_zh": "材料质量", "name_en": "Materials", "weight": 0.2, "max_score": 100},
        ]
    }
    batch_id = await pool.create_batch(
        admin,
        BatchIn.model_validate(
            {"name": "负载测试评审批次", "required": 3, "max_load": 8, "form": form, "items": items}
        ),
    )
    await pool.run_assignment(admin, batch_id)

    # Two exam plans of the chemical society: one with published results, one seated and
    # waiting for the score import the exam administrator does during the run.
    examadmin = actor(users["examadmin"])
    day = today()

    def subject(code: str, hour: int) -> SubjectIn:
        start = dt.datetime.combine(day + dt.timedelta(days=20), dt.time(hour), CHINA)
        return SubjectIn(
            code=code,
            name=f"科目{code}",
            full_marks=100,
            pass_mark=60,
            decimal_places=1,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2, minutes=30),
        )

    def plan(code: str) -> PlanIn:
        return PlanIn(
            code=code,
            exam_code="HG",
            name=f"化工工程师职业资格考试（{code}）",
            year=day.year,
            registration_opens=day - dt.timedelta(days=1),
            registration_closes=day + dt.timedelta(days=10),
            fee=120,
            cutoff_date=dt.date(day.year, 12, 31),
            eligibility=[EligibilityRowIn(education=30, min_years=4)],
            rolling={"full": 2, "exempt": 1},
            publication_date=day + dt.timedelta(days=30),
            subjects=[subject("01", 9), subject("02", 14)],
            rooms=[
                RoomIn(site_code="01", site_name="第一考点", room_no=r, rows=5, columns=6, spare_seats=0)
                for r in range(1, CANDIDATES // 30 + 2)
            ],
        )

    photo = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    plans: dict[str, int] = {}
    lookups: list[dict[str, str]] = []
    for code in ("LD1", "LD2"):
        plan_id = await exams.create_plan(examadmin, plan(code))
        plans[code] = plan_id
        for n in range(CANDIDATES):
            seq = (1 if code == "LD1" else 2) * 1000 + n
            username = f"cand{seq}"
            user_id = await create_user(
                None,
                username=username,
                display_name=f"考生{seq}",
                role="candidate",
                password=SEED_PASSWORD,
                must_change_password=False,
            )
            candidate = Actor(user_id, username, username, "candidate")
            person = RegistrationIn(
                id_number=idcard.make("320102", dt.date(1985, 1, 1) + dt.timedelta(days=seq), seq % 50, "male"),
                name=f"考生{seq}",
                education=30,
                graduation_date=dt.date(2010, 7, 1),
                work_start=dt.date(day.year - 8, 1, 1),
                employer=f"化工企业{n % 9}",
                subjects=["01", "02"],
                route="commitment",
                commitment_signed=True,
            )
            reg_id = await exams.register(candidate, plan_id, person, photo)
            await exams.review(examadmin, reg_id, RegistrationReview(decision="approve"))
            await exams.mark_paid(examadmin, reg_id)
        await exams.allocate_seats(examadmin, plan_id)
    await _exam_held(plans["LD1"])
    ld1 = await exams.plan_by_code("LD1")
    sheet = score_sheet_for(await exams.list_registrations(examadmin, plans["LD1"]))
    summary = await exams.import_scores_now(ld1, sheet, False, False)
    if summary.get("problems"):
        raise RuntimeError(f"seed score import failed: {summary['problems'][:3]}")
    await exams.publish(examadmin, plans["LD1"])
    for reg in await exams.list_registrations(examadmin, plans["LD1"]):
        lookups.append({"ticket_no": str(reg["ticket_no"]), "id_number": str(reg["id_number"])})
    return {
        "nominators": nominators,
        "reviewers": reviewers,
        "batch_id": batch_id,
        "plans": plans,
        "lookups": lookups,
    }


def score_sheet_for(registrations: list[dict[str, Any]], subjects: tuple[str, ...] = ("01", "02")) -> bytes:
    """A score sheet with one row per candidate and subject (identity and ticket numbers as text)."""
    import io
    import random

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["准考证号", "身份证号", "姓名", "科目代码", "成绩", "状态"])
    for reg in registrations:
        for code in subjects:
            sheet.append(
                [str(reg["ticket_no"]), str(reg["id_number"]), reg["name"], code, random.randint(40, 99), "正常"]
            )
    for row in sheet.iter_rows(min_row=2):
        for cell in row[:2]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def fill_score_template(template: bytes) -> bytes:
    """The exam administrator's job: the downloaded template with a score in every row."""
    import io
    import random

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(template))
    sheet = book.active
    assert sheet is not None
    for row in sheet.iter_rows(min_row=2):
        row[4].value = round(random.uniform(35, 99), 1)
        for cell in row[:2]:
            cell.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _seed_with_pool() -> dict[str, Any]:
    from xuehui.db import connection_pool

    async with connection_pool(4):  # PostgreSQL: one pool, not a connection per query
        return await seed()


def run_seed(db: Database) -> dict[str, Any]:
    """Seed in a subprocess (the app's modules read DATABASE_URL once, at import)."""
    out = run_cli_python(db, str(Path(__file__).resolve()), "seed")
    return dict(json.loads(out.strip().splitlines()[-1]))


def run_cli_python(db: Database, *args: str) -> str:
    result = subprocess.run(
        [PYTHON, *args],
        env=db.env(XUEHUI_ARGON2_PROFILE="cheapest"),
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=900,
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {result.stderr.strip()[-3000:]}")
    return result.stdout


if __name__ == "__main__":
    if sys.argv[1:] == ["seed"]:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(asyncio.run(_seed_with_pool()), ensure_ascii=False, default=str))
    else:
        raise SystemExit("usage: load_support.py seed   (with DATABASE_URL set)")
