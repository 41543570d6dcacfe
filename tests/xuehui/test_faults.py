"""Faults found by the crash drills (bench/stress/), pinned in-process.

- A database that is away or busy answers 503 with Retry-After, a full disk 507, a bug 500:
  decided by the exception's type and causes, each case with a real exception (most provoked for
  real: a full SQLite file, a locked one, a refused connection).
- A job of a process that was killed on this host reads failed at once, not a minute later.
- A job marked failed while it still ran commits nothing.
- `serialize_on` makes check-then-write transactions take turns on both databases.
"""

from __future__ import annotations

import asyncio
import errno
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from accounts.tables import AuditEntry
from xuehui import jobs
from xuehui.app import _database_fault, server_error_handler
from xuehui.clock import now
from xuehui.db import serialize_on, write_transaction
from xuehui.tables import Job


def sqlite_full_error(tmp_path: Path) -> sqlite3.OperationalError:
    """SQLITE_FULL for real: a database capped at a few pages, written past the cap."""
    connection = sqlite3.connect(tmp_path / "full.sqlite")
    try:
        connection.execute("CREATE TABLE t (x BLOB)")
        connection.execute("PRAGMA max_page_count = 3")
        for _ in range(100):
            try:
                connection.execute("INSERT INTO t VALUES (randomblob(4000))")
            except sqlite3.OperationalError as error:
                return error
        raise AssertionError("the capped database never filled up")
    finally:
        connection.close()


def sqlite_locked_error(tmp_path: Path) -> sqlite3.OperationalError:
    """SQLITE_BUSY for real: a second writer with no patience while the first holds the lock."""
    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path, isolation_level=None)
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("BEGIN IMMEDIATE")
        return caught.value
    finally:
        holder.close()
        other.close()


async def refused_connection(host: str) -> BaseException:
    """Whatever asyncpg raises when nothing listens (port 1 is never a PostgreSQL server)."""
    with pytest.raises(Exception) as caught:  # noqa: PT011 - the type is what the test inspects
        await asyncpg.connect(f"postgresql://postgres@{host}:1/postgres", timeout=5)
    return caught.value


@pytest.mark.pure
def test_a_full_sqlite_database_is_507_and_a_locked_one_503(tmp_path: Path) -> None:
    full = sqlite_full_error(tmp_path)
    assert "full" in str(full)
    assert _database_fault(full)[0] == 507
    assert _database_fault(sqlite_locked_error(tmp_path))[0] == 503


@pytest.mark.pure
@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
async def test_a_refused_postgresql_connection_is_503(host: str) -> None:
    # "localhost" may try ::1 and 127.0.0.1 and raise OSError("Multiple exceptions: ..."), whose
    # text names no "connection": it used to answer 500.
    error = await refused_connection(host)
    assert _database_fault(error) == (503, _database_fault(ConnectionRefusedError())[1])


@pytest.mark.pure
@pytest.mark.parametrize(
    ("error", "status"),
    [
        # Seen while PostgreSQL restarted under load (bench/stress/drill_postgres_restart.py).
        (asyncpg.exceptions.CannotConnectNowError("the database system is starting up"), 503),
        (asyncpg.exceptions.CannotConnectNowError("the database system is not yet accepting connections"), 503),
        (asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed in the middle of operation"), 503),
        (asyncpg.exceptions.AdminShutdownError("terminating connection due to administrator command"), 503),
        (asyncpg.exceptions.CrashShutdownError("terminating connection because of crash of another server"), 503),
        (asyncpg.exceptions.TooManyConnectionsError("sorry, too many clients already"), 503),
        (asyncpg.exceptions.SerializationError("could not serialize access"), 503),
        (asyncpg.exceptions.InterfaceError("cannot call Transaction.rollback(): the connection is closed"), 503),
        (asyncpg.exceptions.InterfaceError("pool is closing"), 503),
        (ConnectionResetError(errno.ECONNRESET, "Connection reset by peer"), 503),
        (TimeoutError(), 503),
        (asyncpg.exceptions.DiskFullError("could not extend file: No space left on device"), 507),
        (OSError(errno.ENOSPC, "No space left on device"), 507),
        # Bugs stay 500, even when their message mentions a connection.
        (asyncpg.exceptions.InterfaceError("cannot perform operation: another operation is in progress"), 500),
        (asyncpg.exceptions.UniqueViolationError("duplicate key value violates unique constraint"), 500),
        (KeyError("connection"), 500),
        (RuntimeError("connection settings are wrong"), 500),
        (sqlite3.OperationalError("no such table: xh_connection"), 500),
        (OSError(errno.ENOENT, "No such file or directory"), 500),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else str(value),
)
def test_database_faults_are_told_from_bugs_by_type(error: BaseException, status: int) -> None:
    assert _database_fault(error)[0] == status


@pytest.mark.pure
def test_a_fault_is_found_through_causes_and_exception_groups() -> None:
    def load_session() -> None:
        try:
            raise asyncpg.exceptions.CannotConnectNowError("the database system is shutting down")
        except Exception as inner:
            raise RuntimeError("while loading the session") from inner

    with pytest.raises(RuntimeError) as caught:
        load_session()
    assert _database_fault(caught.value)[0] == 503
    group = ExceptionGroup("several", [ValueError("x"), OSError(errno.ENOSPC, "No space left on device")])
    assert _database_fault(group)[0] == 507


@get("/api/full", sync_to_thread=False)
def _full_route() -> None:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute("CREATE TABLE t (x BLOB)")
        connection.execute("PRAGMA max_page_count = 3")
        for _ in range(100):
            connection.execute("INSERT INTO t VALUES (randomblob(4000))")
    finally:
        connection.close()


@get("/api/away")
async def _away_route() -> None:
    await asyncpg.connect("postgresql://postgres@127.0.0.1:1/postgres", timeout=5)


@get("/api/bug", sync_to_thread=False)
def _bug_route() -> None:
    raise KeyError("connection")


@pytest.mark.pure
async def test_the_error_handler_answers_507_503_with_retry_after_and_500() -> None:
    app = Litestar(
        route_handlers=[_full_route, _away_route, _bug_route], exception_handlers={Exception: server_error_handler}
    )
    async with AsyncTestClient(app=app) as client:
        full = await client.get("/api/full")
        away = await client.get("/api/away")
        bug = await client.get("/api/bug")
    assert (full.status_code, full.json()["errors"][0]["code"]) == (507, "storage_full")
    assert (away.status_code, away.json()["errors"][0]["code"]) == (503, "unavailable")
    assert full.headers["retry-after"] == away.headers["retry-after"] == "5"
    assert (bug.status_code, bug.json()["errors"][0]["code"]) == (500, "internal")
    assert "retry-after" not in bug.headers


def _dead_pid() -> int:
    process = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    return int(process.stdout)


async def test_a_job_of_a_killed_process_on_this_host_reads_failed_at_once() -> None:
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        async with write_transaction():
            rows = {
                "killed": f"{jobs.HOST}:{_dead_pid()}:deadbeef",
                "earlier_me": f"{jobs.HOST}:{os.getpid()}:0ldtag00",
                "alive": f"{jobs.HOST}:{alive.pid}:a11ve000",
                "elsewhere": f"another-host@1:{_dead_pid()}:e15e0000",
            }
            for kind, worker in rows.items():
                # A heartbeat of a second ago: the timeout alone would keep every one of them running.
                await Job(kind=kind, state="running", worker=worker, created_at=now(), heartbeat_at=now()).save()
        assert await jobs.fail_stale_jobs() == 2
        states = {r["kind"]: r["state"] for r in await Job.select(Job.kind, Job.state)}
        assert states == {"killed": "failed", "earlier_me": "failed", "alive": "running", "elsewhere": "running"}
    finally:
        alive.kill()
        alive.wait()


async def test_a_job_marked_failed_while_it_ran_commits_nothing() -> None:
    async def commit(value: None) -> dict[str, str]:
        await AuditEntry.insert(
            AuditEntry(at=now(), action="test.late", object_type="test", summary="{}", actor_role="public")
        )
        return {"done": "yes"}

    job_id = await jobs.start_job(None, "test.slow", time.sleep, 1.5, commit=commit)
    deadline = time.monotonic() + 20
    while (await Job.select(Job.state).where(Job.id == job_id).first())["state"] != "running":
        assert time.monotonic() < deadline
        await asyncio.sleep(0.05)
    async with write_transaction():  # another instance took it for dead
        await Job.update({Job.state: "failed"}).where(Job.id == job_id)
    job = await jobs.wait_for_job(job_id)
    assert (job["state"], [e["code"] for e in job["errors"]]) == ("failed", ["job.interrupted"])
    assert await AuditEntry.count().where(AuditEntry.action == "test.late") == 0


async def test_serialize_on_makes_check_then_write_transactions_take_turns() -> None:
    async with write_transaction():
        counter = Job(kind="test.counter", state="succeeded", progress=0, created_at=now())
        await counter.save()

    async def increment() -> None:
        async with write_transaction():
            await serialize_on("test-counter")
            row = await Job.select(Job.progress).where(Job.id == counter.id).first()
            await asyncio.sleep(0.01)  # a read-then-write race window
            await Job.update({Job.progress: row["progress"] + 1}).where(Job.id == counter.id)

    await asyncio.gather(*[increment() for _ in range(12)])
    assert (await Job.select(Job.progress).where(Job.id == counter.id).first())["progress"] == 12
    with pytest.raises(RuntimeError, match="inside write_transaction"):
        await serialize_on("outside")
