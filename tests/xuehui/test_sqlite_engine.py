"""The SQLite engine that reuses statement connections, on a database file of its own."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from piccolo.querystring import QueryString

from xuehui.sqlite_engine import ReusingSQLiteEngine


@pytest.fixture
def engine(tmp_path: Path) -> ReusingSQLiteEngine:
    path = tmp_path / "reuse.sqlite"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, n INTEGER NOT NULL UNIQUE)")
    return ReusingSQLiteEngine(path=str(path), timeout=30)


async def run(engine: ReusingSQLiteEngine, sql: str, *args: object) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = await engine.run_querystring(QueryString(sql, *args))
    return rows


async def test_statements_share_a_few_open_connections_and_see_every_write(engine: ReusingSQLiteEngine) -> None:
    await engine.start_connection_pool(max_size=4)
    try:
        inserted = await asyncio.gather(
            *(run(engine, "INSERT INTO counter (n) VALUES ({}) RETURNING n", n) for n in range(60))
        )
        counted = await asyncio.gather(*(run(engine, "SELECT count(*) AS c FROM counter") for _ in range(20)))
        kept = engine.idle_connections
        # a write from outside the engine is seen at once by a reused connection (no stale snapshot)
        with sqlite3.connect(engine.connection_kwargs["database"]) as other:
            other.execute("INSERT INTO counter (n) VALUES (1000)")
        after = await run(engine, "SELECT count(*) AS c FROM counter")
    finally:
        await engine.close_connection_pool()
    assert sorted(row[0]["n"] for row in inserted) == list(range(60))
    assert {rows[0]["c"] for rows in counted} == {60}
    assert (kept, after, engine.idle_connections) == (4, [{"c": 61}], 0)


async def test_a_connection_whose_statement_failed_is_closed_not_lent_again(engine: ReusingSQLiteEngine) -> None:
    await engine.start_connection_pool(max_size=4)
    try:
        await run(engine, "INSERT INTO counter (n) VALUES (1)")
        assert engine.idle_connections == 1
        with pytest.raises(sqlite3.IntegrityError):
            await run(engine, "INSERT INTO counter (n) VALUES (1)")
        emptied = engine.idle_connections
        rows = await run(engine, "SELECT n FROM counter")
    finally:
        await engine.close_connection_pool()
    assert (emptied, rows) == (0, [{"n": 1}])


async def test_without_a_started_pool_it_keeps_no_connection(engine: ReusingSQLiteEngine) -> None:
    await run(engine, "INSERT INTO counter (n) VALUES (7)")
    rows = await run(engine, "SELECT n FROM counter")
    assert (rows, engine.idle_connections) == ([{"n": 7}], 0)


async def insert_then_fail(engine: ReusingSQLiteEngine) -> None:
    async with engine.transaction():
        await run(engine, "INSERT INTO counter (n) VALUES (5)")
        raise RuntimeError("abandon")


async def test_transactions_keep_their_own_connection_and_roll_back(engine: ReusingSQLiteEngine) -> None:
    await engine.start_connection_pool(max_size=2)
    try:
        with pytest.raises(RuntimeError):
            await insert_then_fail(engine)
        rows = await run(engine, "SELECT n FROM counter")
    finally:
        await engine.close_connection_pool()
    assert rows == []
