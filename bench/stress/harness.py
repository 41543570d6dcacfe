"""Shared pieces of the fault drills (`make stress`, never part of `make test`).

- `fresh_sqlite()` / `fresh_postgres()`: a new, migrated database with the demo data
  (`xuehui migrate`, `xuehui demo`), dropped again by `Database.cleanup()`.
- `PrivateCluster`: a PostgreSQL 15 cluster of our own (initdb into a temp dir, run as user
  postgres on its own port) that a drill may crash and restart. The shared server on
  127.0.0.1:5432 is only ever used for `CREATE DATABASE xuehui_stress_*` / `DROP DATABASE`.
- `Server`: one `xuehui serve` process with the drill's environment; start, wait until it
  answers, stop, or `kill -9`.
- `Browser` / `ApiClient`: log in over HTTP as a demo user (session cookie + CSRF token scraped
  from a page) or use the JSON API with a personal bearer token.
- `report()`: the one JSON line every drill prints last.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import json
import os
import random
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from xuehui.threads import run_in_thread as run_sync

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
XUEHUI = str(BIN / "xuehui")
PYTHON = str(BIN / "python")
PASSWORD = "Xuehui-demo-2026"
SECRET = "stress-drill-secret-" + "s" * 40
SHARED_PG = os.environ.get("XUEHUI_STRESS_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


_T0 = time.monotonic()


def log(*parts: object) -> None:
    """Progress goes to stderr (with seconds since start); stdout's last line belongs to the JSON report."""
    print(f"[{time.monotonic() - _T0:6.1f}s]", *parts, file=sys.stderr, flush=True)


def seed_from_args(default: int | None = None) -> int:
    """`--seed N` or a random seed; printed so a run can be repeated."""
    seed = default if default is not None else random.SystemRandom().randrange(1, 2**31)
    if "--seed" in sys.argv:
        seed = int(sys.argv[sys.argv.index("--seed") + 1])
    log(f"seed {seed}")
    print(f"seed {seed}", flush=True)
    return seed


def arg_value(name: str, default: str) -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def quick() -> bool:
    return "--quick" in sys.argv


def databases_from_args(default: tuple[str, ...] = ("sqlite", "postgresql")) -> tuple[str, ...]:
    wanted = arg_value("--db", "")
    return tuple(w for w in wanted.split(",") if w) if wanted else default


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- databases ---------------------------------------------------------------------------------


@dataclass
class Database:
    kind: str  # "sqlite" | "postgresql"
    url: str
    path: Path | None = None
    workdir: Path | None = None
    pg_name: str = ""
    pg_admin: str = ""

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "XUEHUI_SECRET_KEY": SECRET,
            # The drills are about faults, not password hashing: keep logins cheap.
            "XUEHUI_ARGON2_PROFILE": "cheapest",
            "PYTHONUNBUFFERED": "1",
        }
        env.pop("XUEHUI_PRODUCTION", None)
        env.update(extra)
        return env

    def cleanup(self) -> None:
        if self.pg_name:
            with contextlib.suppress(Exception):
                run_sync(pg_execute(self.pg_admin, f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)'))
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)

    # Read-only inspection for the verifiers (straight SQL, never through the app).
    async def fetch(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        if self.kind == "sqlite":
            assert self.path is not None
            return await asyncio.to_thread(_sqlite_fetch, self.path, sql, args)
        import asyncpg

        connection = await asyncpg.connect(self.url, timeout=10)
        try:
            pg_sql = _numbered(sql)
            return [dict(r) for r in await connection.fetch(pg_sql, *args)]
        finally:
            await connection.close()

    async def execute(self, sql: str, *args: Any) -> None:
        if self.kind == "sqlite":
            assert self.path is not None
            await asyncio.to_thread(_sqlite_execute, self.path, sql, args)
            return
        import asyncpg

        connection = await asyncpg.connect(self.url, timeout=10)
        try:
            await connection.execute(_numbered(sql), *args)
        finally:
            await connection.close()

    async def integrity(self) -> str:
        """SQLite `PRAGMA integrity_check`; PostgreSQL: a full read of every table succeeded."""
        if self.kind == "sqlite":
            rows = await self.fetch("PRAGMA integrity_check")
            return ",".join(str(next(iter(r.values()))) for r in rows)
        tables = await self.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for t in tables:
            await self.fetch(f'SELECT count(*) AS n FROM "{t["tablename"]}"')  # noqa: S608 - names from the catalog
        return "ok"


def _numbered(sql: str) -> str:
    """`?` placeholders to PostgreSQL's `$n`."""
    count = 0

    def repl(_: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"${count}"

    return re.sub(r"\?", repl, sql)


def _sqlite_fetch(path: Path, sql: str, args: tuple[Any, ...]) -> list[dict[str, Any]]:
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.row_factory = sqlite3.Row
        return [dict(r) for r in connection.execute(sql, args).fetchall()]
    finally:
        connection.close()


def _sqlite_execute(path: Path, sql: str, args: tuple[Any, ...]) -> None:
    connection = sqlite3.connect(path, timeout=30)
    try:
        connection.execute(sql, args)
        connection.commit()
    finally:
        connection.close()


async def pg_execute(admin_url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url, timeout=10)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _run_cli(db: Database, *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        [XUEHUI, *args], env=db.env(), cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"xuehui {' '.join(args)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def prepare(db: Database, demo: bool = True) -> Database:
    _run_cli(db, "migrate")
    if demo:
        _run_cli(db, "demo", "--quiet")
    return db


def fresh_sqlite(directory: Path | None = None, demo: bool = True) -> Database:
    """A new SQLite file (in `directory`, or a temp dir removed by cleanup), migrated, with the demo."""
    workdir = None
    if directory is None:
        directory = workdir = Path(tempfile.mkdtemp(prefix="xuehui-stress-"))
    path = directory / "xuehui.sqlite"
    db = Database("sqlite", f"sqlite:///{path}", path=path, workdir=workdir)
    try:
        return prepare(db, demo)
    except BaseException:
        db.cleanup()
        raise


def fresh_postgres(server: str = SHARED_PG, demo: bool = True) -> Database:
    """A new database `xuehui_stress_<random>` on `server`, migrated, with the demo."""
    name = f"xuehui_stress_{uuid.uuid4().hex[:10]}"
    run_sync(pg_execute(server, f'CREATE DATABASE "{name}"'))
    base, _, _ = server.rpartition("/")
    db = Database("postgresql", f"{base}/{name}", pg_name=name, pg_admin=server)
    try:
        return prepare(db, demo)
    except BaseException:
        db.cleanup()
        raise


def fresh(kind: str, demo: bool = True) -> Database:
    return fresh_sqlite(demo=demo) if kind == "sqlite" else fresh_postgres(demo=demo)


def pg_reachable(url: str = SHARED_PG) -> bool:
    async def probe() -> bool:
        import asyncpg

        try:
            connection = await asyncpg.connect(url, timeout=3)
        except Exception:
            return False
        await connection.close()
        return True

    return bool(run_sync(probe()))


class PrivateCluster:
    """A PostgreSQL cluster of our own, which a drill may crash (`pg_ctl -m immediate stop`)."""

    def __init__(self, port: int = 55432) -> None:
        self.port = port
        self.dir = Path(tempfile.mkdtemp(prefix="xuehui-pg-"))
        self.data = self.dir / "data"
        self.sock = self.dir / "sock"
        self.logfile = self.dir / "pg.log"
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        self.started = False

    def _as_postgres(self, *args: str, check: bool = True, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
            cwd="/",
        )

    def init(self) -> None:
        self.sock.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        shutil.chown(self.sock, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")

    def start(self) -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.logfile),
            "-w",
            "-t",
            "60",
            "-o",
            f"-p {self.port} -k {self.sock} -c listen_addresses=127.0.0.1 -c fsync=on",
            "start",
        )
        self.started = True

    def crash(self) -> None:
        """Immediate shutdown: no checkpoint, every backend killed, crash recovery at the next start."""
        self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        if self.started:
            self._as_postgres(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
            self.started = False

    def cleanup(self) -> None:
        with contextlib.suppress(Exception):
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def fresh_on_cluster(cluster: PrivateCluster, demo: bool = True) -> Database:
    return fresh_postgres(cluster.url, demo=demo)


# --- the server ---------------------------------------------------------------------------------


class Server:
    """One `xuehui serve --host 127.0.0.1 --port P` process in its own process group."""

    def __init__(self, db: Database, port: int | None = None, name: str = "app", **env: str) -> None:
        self.db = db
        self.port = port or free_port()
        self.name = name
        self.env = db.env(**env)
        self.proc: subprocess.Popen[bytes] | None = None
        self.logdir = Path(tempfile.mkdtemp(prefix=f"xuehui-{name}-log-"))
        self.starts = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def logfile(self) -> Path:
        return self.logdir / f"{self.name}-{self.starts}.log"

    def start(self, timeout: float = 60) -> None:
        self.starts += 1
        out = self.logfile.open("wb")
        self.proc = subprocess.Popen(
            [XUEHUI, "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=self.env,
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        out.close()
        self.wait_ready(timeout)

    def wait_ready(self, timeout: float = 60) -> float:
        started = time.monotonic()
        deadline = started + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}: {self.tail()}")
            try:
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.name} did not answer within {timeout}s: {self.tail()}")

    def kill(self) -> None:
        """`kill -9` of the server process, then of whatever it left behind (pool workers)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            log(f"{self.name} ignored SIGTERM for 15 s; killing it")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        self.proc = None

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.logfile.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    def count_in_logs(self, needle: str) -> int:
        total = 0
        for path in self.logdir.glob("*.log"):
            total += path.read_text(errors="replace").count(needle)
        return total

    def cleanup(self) -> None:
        self.stop()
        if os.environ.get("XUEHUI_STRESS_KEEP_LOGS"):
            log(f"server logs kept in {self.logdir}")
        else:
            shutil.rmtree(self.logdir, ignore_errors=True)


# --- HTTP clients -------------------------------------------------------------------------------


def client(base: str, timeout: float = 15, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=base, timeout=timeout, follow_redirects=False, **kwargs)


async def csrf_of(http: httpx.AsyncClient, path: str) -> str:
    page = await http.get(path)
    found = CSRF_RE.search(page.text)
    if not found:
        raise RuntimeError(f"no CSRF token on {path} ({page.status_code})")
    return found.group(1)


@dataclass
class Browser:
    """A signed-in browser: its cookies live in `http`, `csrf` goes into every form."""

    http: httpx.AsyncClient
    csrf: str
    username: str

    async def post_form(self, path: str, data: dict[str, Any]) -> httpx.Response:
        return await self.http.post(path, data={**data, "_csrf_token": self.csrf})

    async def aclose(self) -> None:
        await self.http.aclose()


async def try_login(http: httpx.AsyncClient, username: str, password: str = PASSWORD) -> httpx.Response:
    token = await csrf_of(http, "/login")
    return await http.post(
        "/login", data={"username": username, "password": password, "next": "/", "_csrf_token": token}
    )


async def login(base: str, username: str, password: str = PASSWORD) -> Browser:
    http = client(base)
    response = await try_login(http, username, password)
    if response.status_code != 303 or "xh_session" not in http.cookies:
        await http.aclose()
        raise RuntimeError(f"login as {username} failed: {response.status_code} {response.text[:300]}")
    return Browser(http, await csrf_of(http, "/account"), username)


async def api_token(base: str, username: str) -> str:
    """Sign in, create a personal API token over the JSON API (session + CSRF header), sign out."""
    browser = await login(base, username)
    try:
        response = await browser.http.post(
            "/api/tokens",
            json={"name": f"stress-{uuid.uuid4().hex[:6]}", "scope": "read_write"},
            headers={"x-csrf-token": browser.csrf},
        )
        if response.status_code != 201:
            raise RuntimeError(f"token for {username}: {response.status_code} {response.text[:300]}")
        return str(response.json()["token"])
    finally:
        await browser.aclose()


def api(base: str, token: str, timeout: float = 15) -> httpx.AsyncClient:
    return client(base, timeout=timeout, headers={"authorization": f"Bearer {token}"})


# --- reporting ----------------------------------------------------------------------------------


@dataclass
class Tally:
    """What one drill tried and saw, summed over its runs."""

    drill: str
    database: str
    runs: int = 0
    tried: int = 0
    acknowledged: int = 0
    lost: int = 0
    half_written: int = 0
    statuses_during_fault: Counter[str] = field(default_factory=Counter)
    server_errors_500: int = 0
    recovered_without_restart: bool | None = None
    notes: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    extra: Counter[str] = field(default_factory=Counter)
    started: float = field(default_factory=time.monotonic)

    def fail(self, message: str) -> None:
        log(f"FAIL: {message}")
        self.failures.append(message if len(message) < 400 else message[:200] + " ... " + message[-190:])

    def recovered(self, value: bool) -> None:
        self.recovered_without_restart = (
            value if self.recovered_without_restart is None else (self.recovered_without_restart and value)
        )

    def as_dict(self) -> dict[str, Any]:
        shown = [f"FAIL {f}" for f in self.failures[:5]]
        if len(self.failures) > 5:
            shown.append(f"FAIL ... and {len(self.failures) - 5} more failures")
        notes = "; ".join([*self.notes, *shown])
        return {
            "drill": self.drill,
            "database": self.database,
            "runs": self.runs,
            "tried": self.tried,
            "acknowledged": self.acknowledged,
            "lost": self.lost,
            "half_written": self.half_written,
            "statuses_during_fault": dict(sorted(self.statuses_during_fault.items())),
            "server_errors_500": self.server_errors_500,
            "recovered_without_restart": self.recovered_without_restart,
            "seconds": round(time.monotonic() - self.started, 1),
            "notes": notes,
            "ok": not self.failures and self.lost == 0 and self.half_written == 0 and self.server_errors_500 == 0,
        }


def report(tallies: list[Tally]) -> int:
    """Print one JSON object as the last stdout line (several databases: one object with `parts`)."""
    dicts = [t.as_dict() for t in tallies]
    if len(dicts) == 1:
        out = dicts[0]
    else:
        out = {
            "drill": dicts[0]["drill"],
            "database": ",".join(d["database"] for d in dicts),
            "runs": sum(d["runs"] for d in dicts),
            "tried": sum(d["tried"] for d in dicts),
            "acknowledged": sum(d["acknowledged"] for d in dicts),
            "lost": sum(d["lost"] for d in dicts),
            "half_written": sum(d["half_written"] for d in dicts),
            "statuses_during_fault": dict(
                sorted(sum((Counter(d["statuses_during_fault"]) for d in dicts), Counter()).items())
            ),
            "server_errors_500": sum(d["server_errors_500"] for d in dicts),
            "recovered_without_restart": _combine([d["recovered_without_restart"] for d in dicts]),
            "seconds": round(sum(d["seconds"] for d in dicts), 1),
            "notes": " | ".join(f"{d['database']}: {d['notes']}" for d in dicts if d["notes"]),
            "ok": all(d["ok"] for d in dicts),
            "parts": dicts,
        }
    print(json.dumps(out, ensure_ascii=False), flush=True)
    return 0 if out["ok"] else 1


def _combine(values: list[bool | None]) -> bool | None:
    known = [v for v in values if v is not None]
    return None if not known else all(known)


def status_key(response: httpx.Response | None, error: BaseException | None = None) -> str:
    if response is not None:
        return str(response.status_code)
    return f"error:{type(error).__name__}" if error is not None else "error"


# --- the nomination workload: drafts and keyed submissions ---------------------------------------

PEOPLE = 3
CATEGORY = "technological_invention"


def id_number(k: int) -> str:
    """A valid, distinct identity number for person `k` (one person per nomination per cycle)."""
    from xuehui.idcard import make

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=k // 50)  # 50 people a day: up to 1 million
    return make("370102", birth, k % 50, "male" if k % 2 == 0 else "female")


def nomination_payload(title: str, first_person: int) -> dict[str, Any]:
    today = datetime.datetime.now(datetime.UTC).date()
    people = [
        {
            "name": f"测试{first_person + i}",
            "id_number": id_number(first_person + i),
            "unit": "山东大学",
            "title": "教授",
            "contribution": "总体设计与关键技术攻关",
        }
        for i in range(PEOPLE)
    ]
    return {
        "title": title,
        "category": CATEGORY,
        "grade": "second",
        "discipline_code": "460",
        "body": {
            "summary": "面向高端装备制造的关键技术研究与应用。",
            "innovations": "提出了新的设计方法并实现产业化。",
            "application_benefits": "在省内十余家企业推广应用。",
            "application_started_on": (today - datetime.timedelta(days=3 * 365)).isoformat(),
            "contributors": people,
            "units": [{"name": "山东大学", "province_code": "370000"}],
            "papers": [
                {
                    "title": f"{title} 论文",
                    "published_on": (today - datetime.timedelta(days=4 * 365)).isoformat(),
                    "authors": [p["name"] for p in people],
                }
            ],
        },
    }


async def set_quota(db: Database, base: str, quota: int) -> int:
    """The admin sets the `society` user's quota over the page (session + CSRF); returns the quota row id."""
    society = (await db.fetch("SELECT society_id FROM xh_user WHERE username = 'society'"))[0]["society_id"]
    cycle = (await db.fetch("SELECT id FROM xh_award_cycle ORDER BY year DESC"))[0]["id"]
    admin = await login(base, "admin")
    try:
        response = await admin.post_form(
            f"/admin/award-cycles/{cycle}/quotas", {"society_id": society, "category": CATEGORY, "quota": quota}
        )
        if response.status_code != 303:
            raise RuntimeError(f"setting the quota: {response.status_code} {response.text[:300]}")
    finally:
        await admin.aclose()
    rows = await db.fetch(
        "SELECT id FROM xh_quota WHERE cycle = ? AND society_id = ? AND category = ?", cycle, society, CATEGORY
    )
    return int(rows[0]["id"])


@dataclass
class Op:
    """One write request: a draft (`create`) or a keyed submission (`submit`)."""

    kind: str
    title: str
    key: str = ""
    nomination_id: int | None = None
    acked: bool = False
    in_flight: bool = False
    status: str = ""


def _empty(value: Any) -> bool:
    return value in (None, "", "{}", {})


async def verify_nominations(
    db: Database, ops: list[Op], title_prefix: str, quota_id: int | None, tally: Tally
) -> None:
    """Every acknowledged write is stored; every stored drill nomination is whole; quota consistent."""
    rows = await db.fetch(
        "SELECT id, title, status, body, snapshot, idempotency_key, quota FROM xh_nomination WHERE title LIKE ?",
        f"{title_prefix}%",
    )
    by_title = {r["title"]: r for r in rows}
    if len(by_title) != len(rows):
        tally.half_written += len(rows) - len(by_title)
        tally.fail(f"{len(rows) - len(by_title)} duplicate nominations under {title_prefix}")
    audits = await db.fetch(
        "SELECT action, object_id, count(*) AS n FROM xh_audit WHERE object_type = 'nomination' "
        "AND action IN ('nomination.created', 'nomination.submitted') GROUP BY action, object_id"
    )
    audit_count = {(a["action"], str(a["object_id"])): int(a["n"]) for a in audits}
    people = await db.fetch("SELECT nomination, count(*) AS n FROM xh_nomination_contributor GROUP BY nomination")
    contributors = {int(p["nomination"]): int(p["n"]) for p in people}

    for op in ops:
        if not op.acked:
            continue
        row = by_title.get(op.title)
        if row is None or (op.nomination_id is not None and int(row["id"]) != op.nomination_id):
            tally.lost += 1
            tally.fail(f"lost acknowledged {op.kind} {op.title}")
        elif op.kind == "submit" and (row["status"] != "submitted" or row["idempotency_key"] != op.key):
            tally.lost += 1
            tally.fail(f"lost acknowledged submission {op.key}: {row['status']}")

    for row in rows:
        nid = int(row["id"])
        problems = []
        body = json.loads(row["body"]) if isinstance(row["body"], str) else row["body"]
        if len(body.get("contributors", [])) != PEOPLE:
            problems.append("body")
        created = audit_count.get(("nomination.created", str(nid)), 0)
        if created != 1:
            problems.append(f"created audit x{created}")
        submitted = audit_count.get(("nomination.submitted", str(nid)), 0)
        if row["status"] == "submitted":
            if _empty(row["snapshot"]) or not row["idempotency_key"] or row["quota"] is None:
                problems.append("submission fields")
            if contributors.get(nid, 0) != PEOPLE:
                problems.append(f"contributors {contributors.get(nid, 0)}")
            if submitted != 1:
                problems.append(f"submitted audit x{submitted}")
        elif row["status"] == "draft":
            if not _empty(row["snapshot"]) or row["idempotency_key"] or row["quota"] is not None:
                problems.append("draft carries submission data")
            if contributors.get(nid, 0) or submitted:
                problems.append("draft has contributors or a submitted audit")
        else:
            problems.append(f"status {row['status']}")
        if problems:
            tally.half_written += 1
            tally.fail(f"half-written nomination {nid} ({row['title']}): {', '.join(problems)}")

    if quota_id is not None:
        used = (await db.fetch("SELECT used FROM xh_quota WHERE id = ?", quota_id))[0]["used"]
        holding = (await db.fetch("SELECT count(*) AS n FROM xh_nomination WHERE quota = ?", quota_id))[0]["n"]
        if int(used) != int(holding):
            tally.half_written += 1
            tally.fail(f"quota used {used} but {holding} nominations hold a slot")
    integrity = await db.integrity()
    if integrity != "ok":
        tally.fail(f"integrity_check: {integrity}")


async def titles_stored(db: Database, titles: list[str]) -> set[str]:
    if not titles:
        return set()
    marks = ",".join("?" * len(titles))
    rows = await db.fetch(f"SELECT title FROM xh_nomination WHERE title IN ({marks})", *titles)  # noqa: S608
    return {r["title"] for r in rows}
