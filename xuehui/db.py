"""The one way Xuehui writes, and the helpers that make writes exact on both databases.

SQLite (the embedded default) allows one writer at a time. Piccolo's default DEFERRED
transactions that read before they write fail under load with "database is locked", and even
IMMEDIATE transactions in WAL mode failed 14-52 of 200 concurrent writers after the busy
timeout; one process-wide `asyncio.Lock` around IMMEDIATE transactions made it 0 of 1,000
(reference/reliability_security.md F4). PostgreSQL needs only a plain transaction.

Limited resources (a quota slot, a seat) are taken with a conditional UPDATE inside the write
transaction (`take_slot`): exact on both databases without a retry loop (F3).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from piccolo.columns import Column
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType
from piccolo.querystring import QueryString
from piccolo.table import Table

from xuehui.sqlite_engine import ReusingSQLiteEngine

_write_lock: asyncio.Lock | None = None
_write_lock_loop: asyncio.AbstractEventLoop | None = None


def engine() -> Engine[Any]:
    found = engine_finder()
    if found is None:  # pragma: no cover - piccolo_conf.py always defines DB
        raise RuntimeError("no Piccolo engine configured")
    return found


def is_sqlite() -> bool:
    return isinstance(engine(), SQLiteEngine)


def _lock() -> asyncio.Lock:
    # One lock per event loop: tests and the CLI run several loops in one process.
    global _write_lock, _write_lock_loop
    loop = asyncio.get_running_loop()
    if _write_lock is None or _write_lock_loop is not loop:
        _write_lock, _write_lock_loop = asyncio.Lock(), loop
    return _write_lock


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """Run the block as one write transaction: all of it is committed, or none of it.

    Nested use joins the outer transaction (the lock is not taken twice).
    """
    db = engine()
    if db.transaction_exists():
        yield
        return
    if isinstance(db, SQLiteEngine):
        async with _lock(), db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


async def take_slot(table: str, slot_id: int, used_column: str = "used", limit_column: str = "quota") -> bool:
    """Take one unit of a limited resource row; False when none is left.

    `UPDATE ... SET used = used + 1 WHERE id = ? AND used < quota RETURNING id` decides in the
    database, so concurrent takers can never exceed the limit. Must run inside
    `write_transaction`. Table and column names come from code, never from users.
    """
    for name in (table, used_column, limit_column):
        if not name.replace("_", "").isalnum():
            raise ValueError(f"unsafe identifier {name!r}")
    rows = await engine().run_querystring(
        _raw(
            f"UPDATE {table} SET {used_column} = {used_column} + 1 "  # noqa: S608 - identifiers checked above
            f"WHERE id = {{}} AND {used_column} < {limit_column} RETURNING id",
            slot_id,
        )
    )
    return bool(rows)


async def give_slot_back(table: str, slot_id: int, used_column: str = "used") -> None:
    """Return one unit (a withdrawn submission, a released seat). Never goes below zero."""
    if not (table.replace("_", "").isalnum() and used_column.replace("_", "").isalnum()):
        raise ValueError("unsafe identifier")
    await engine().run_querystring(
        _raw(
            f"UPDATE {table} SET {used_column} = {used_column} - 1 "  # noqa: S608 - identifiers checked above
            f"WHERE id = {{}} AND {used_column} > 0",
            slot_id,
        )
    )


async def serialize_on(key: str) -> None:
    """Inside `write_transaction`: transactions that name the same key run one after another.

    For check-then-write decisions that no single conditional UPDATE can make (count the recent
    failed logins, then record one). PostgreSQL: a transaction-level advisory lock on a hash of
    the key, released at commit or rollback. SQLite: nothing to do, the write lock already lets
    one write transaction run at a time.
    """
    db = engine()
    if not db.transaction_exists():
        raise RuntimeError("serialize_on must run inside write_transaction")
    if isinstance(db, PostgresEngine):
        await db.run_querystring(_raw("SELECT pg_advisory_xact_lock(hashtext({}))", key))


def _raw(template: str, *args: Any) -> QueryString:
    return QueryString(template, *args)


async def prepare_sqlite() -> None:
    """Switch a SQLite file to WAL (it persists in the file) so readers never wait for the writer."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        await db.run_querystring(_raw("PRAGMA journal_mode=WAL"))


@asynccontextmanager
async def connection_pool(max_size: int) -> AsyncIterator[None]:
    """Open the connection pool for the app's lifetime: asyncpg's on PostgreSQL, the reused
    statement connections of `ReusingSQLiteEngine` on SQLite.

    A size of 0 means no pool (each query opens its own connection): the test suite runs
    several apps and event loops in one process, and a pool belongs to one loop.
    """
    db = engine()
    if max_size > 0 and isinstance(db, ReusingSQLiteEngine):
        await db.start_connection_pool(max_size)
    elif max_size > 0 and isinstance(db, PostgresEngine):
        await db.start_connection_pool(min_size=1, max_size=max_size)
    else:
        yield
        return
    try:
        yield
    finally:
        await db.close_connection_pool()


def is_unique_violation(error: BaseException, column: str | None = None) -> bool:
    """A unique index refused a write: asyncpg's UniqueViolationError or sqlite3's IntegrityError
    naming a UNIQUE constraint. With `column`, only when that column's index refused it."""
    name = type(error).__name__
    text = str(error)
    if name == "UniqueViolationError":
        found = True
    elif name == "IntegrityError":
        found = "UNIQUE" in text.upper()
    else:
        return False
    return found and (column is None or column in text)


def json_value(raw: Any) -> Any:
    """A JSON column's value as Python data: PostgreSQL's driver hands back text, SQLite's too,
    and a value built in this process may already be decoded."""
    return json.loads(raw) if isinstance(raw, str | bytes) else raw


async def update_if_version(table: type[Table], record_id: int, version: int, values: Mapping[Column, Any]) -> bool:
    """Write `values` and `version + 1` only while the record is still at `version` (optimistic
    locking of settings edited in a form); False when someone saved meanwhile."""
    record = table._meta.primary_key
    stored = table._meta.get_column_by_name("version")
    changes: dict[Column | str, Any] = dict(values.items())
    changes[stored] = version + 1
    done = await table.update(changes).where((record == record_id) & (stored == version)).returning(record)
    return bool(done)
