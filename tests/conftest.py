"""Test set-up shared by every test: a fresh database per run, reset before each test.

`XUEHUI_TEST_DB=sqlite` (default) or `postgres` picks the engine. The PostgreSQL run creates
its own database on the server named by XUEHUI_TEST_PG_URL and drops it at the end; it never
touches another database. The environment is set here, before any app module is imported,
because Piccolo and the settings read it once.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from xuehui.threads import run_in_thread as _run

# No per-example deadline: on a shared two-core machine one slow example is load, not a failure.
settings.register_profile("xuehui", deadline=None)
settings.load_profile("xuehui")

BACKEND = os.environ.get("XUEHUI_TEST_DB", "sqlite")
PG_SERVER = os.environ.get("XUEHUI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
RUN_DIR = Path(tempfile.mkdtemp(prefix="xuehui-test-"))
RUN_ID = uuid.uuid4().hex[:10]

os.environ["XUEHUI_ARGON2_PROFILE"] = "cheapest"
os.environ["XUEHUI_PG_POOL_SIZE"] = "0"
os.environ["XUEHUI_SECRET_KEY"] = "test-secret-" + "x" * 40
os.environ.pop("XUEHUI_PRODUCTION", None)
os.environ["XUEHUI_OUTBOX_POLL_SECONDS"] = "0"  # tests run the sender passes themselves


def pg_url(database: str) -> str:
    base, _, _ = PG_SERVER.rpartition("/")
    return f"{base}/{database}"


async def _pg_admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_SERVER)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def create_pg_database(name: str) -> str:
    _run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}"'))
    _run(_pg_admin(f'CREATE DATABASE "{name}"'))
    return pg_url(name)


def drop_pg_database(name: str) -> None:
    _run(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if BACKEND == "postgres":
    PG_DATABASE = f"xuehui_test_{RUN_ID}"
    os.environ["DATABASE_URL"] = create_pg_database(PG_DATABASE)
else:
    SQLITE_PATH = RUN_DIR / "test.sqlite"
    SQLITE_TEMPLATE = RUN_DIR / "template.sqlite"
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_PATH}"


def pytest_sessionstart(session: pytest.Session) -> None:
    from xuehui.cli import apply_migrations

    ok, message = _run(apply_migrations())
    assert ok, message
    if BACKEND == "sqlite":
        _run(_enable_wal())
        shutil.copyfile(SQLITE_PATH, SQLITE_TEMPLATE)


async def _enable_wal() -> None:
    from xuehui.db import prepare_sqlite

    await prepare_sqlite()
    # Fold the WAL back into the file so that a plain copy is the whole database.
    from piccolo.querystring import QueryString

    from xuehui.db import engine

    await engine().run_querystring(QueryString("PRAGMA wal_checkpoint(TRUNCATE)"))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if BACKEND == "postgres":
        drop_pg_database(PG_DATABASE)
    shutil.rmtree(RUN_DIR, ignore_errors=True)


async def _truncate_postgres() -> None:
    import asyncpg

    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        tables = await connection.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migration'"
        )
        names = ", ".join(f'"{row["tablename"]}"' for row in tables)
        if names:
            # The audit log refuses TRUNCATE; only this reset between tests, as a superuser in
            # replica mode (no ordinary trigger fires), may empty it.
            await connection.execute("SET session_replication_role = replica")
            await connection.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


def reset_database() -> None:
    if BACKEND == "postgres":
        _run(_truncate_postgres())
    else:
        for suffix in ("-wal", "-shm"):
            Path(f"{SQLITE_PATH}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(SQLITE_TEMPLATE, SQLITE_PATH)


@pytest.fixture(autouse=True)
def fresh_database(request: pytest.FixtureRequest) -> None:
    """Every test that may touch the database starts from the migrated, empty schema."""
    if request.node.get_closest_marker("e2e") is None and request.node.get_closest_marker("pure") is None:
        reset_database()


@pytest.fixture
def app() -> Any:
    from xuehui.app import create_app

    return create_app()


@pytest.fixture
async def client(app: Any) -> Any:
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app) as test_client:
        yield test_client


@pytest.fixture
async def other_client(app: Any) -> Any:
    """A second, independent browser (its own cookies)."""
    from litestar.testing import AsyncTestClient

    async with AsyncTestClient(app=app) as test_client:
        yield test_client


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests run last: Playwright's sync API keeps an event loop running in the main
    thread until the session ends, and async tests cannot run after it starts."""
    items.sort(key=lambda item: "/e2e/" in str(item.path))


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int) -> None:
    """With XUEHUI_FAIL_ON_SKIP set (CI), a skipped test fails the run: skipped is not passed."""
    skipped = terminalreporter.stats.get("skipped", [])
    if os.environ.get("XUEHUI_FAIL_ON_SKIP") and skipped:
        terminalreporter.write_line(f"{len(skipped)} test(s) were skipped and XUEHUI_FAIL_ON_SKIP is set", red=True)
        terminalreporter._session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def mailbox() -> Any:
    """A real SMTP server for the test; the outbox sends to it with `mailbox.settings`."""
    from tests.mail import smtp_server

    with smtp_server() as box:
        yield box
