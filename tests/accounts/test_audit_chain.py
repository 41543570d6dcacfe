"""The audit log cannot be rewritten behind its back: an INSERT over an existing id (SQLite's
INSERT OR REPLACE) and TRUNCATE (PostgreSQL) are refused by the database, and every entry is
chained to the one before with a keyed hash, so that `xuehui audit verify` and the backup check
find an entry rewritten, removed or forged by someone who got round the triggers."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from piccolo.querystring import QueryString

from accounts.services import audit, verify_audit_chain
from accounts.tables import AuditEntry
from tests.support import make_user
from xuehui import backup as backups
from xuehui.audit_chain import entry_hash, verify_chain
from xuehui.cli import main
from xuehui.db import engine, write_transaction

BACKEND = os.environ.get("XUEHUI_TEST_DB", "sqlite")
KEY = "k" * 40


def chained(count: int) -> list[dict[str, Any]]:
    entries, previous = [], ""
    for n in range(1, count + 1):
        entry = {"id": n, "at": "2026-12-03 08:00:00.000001+00:00", "action": "x", "summary": "{}", "note": str(n)}
        entry |= {"prev_hash": previous, "entry_hash": entry_hash(KEY, previous, entry)}
        entries.append(entry)
        previous = entry["entry_hash"]
    return entries


@pytest.mark.pure
def test_an_intact_chain_and_each_kind_of_tampering() -> None:
    assert verify_chain(KEY, chained(4)).broken == []
    rewritten = chained(4)
    rewritten[1]["note"] = "changed"
    assert verify_chain(KEY, rewritten).broken == [(2, "content does not match its hash (rewritten or forged)")]
    removed = chained(4)
    del removed[1]
    assert verify_chain(KEY, removed).broken == [(3, "the entry it follows is missing or was rewritten")]
    forged = chained(3)
    forged.append({"id": 4, "at": "2026-12-03 09:00:00+00:00", "action": "x", "prev_hash": "", "entry_hash": ""})
    assert verify_chain(KEY, forged).broken == [(4, "entry without a hash after the chain began")]
    # A forger without the secret key cannot make a hash that verifies.
    assert verify_chain("another key" * 4, chained(2)).broken == [
        (1, "content does not match its hash (rewritten or forged)"),
        (2, "content does not match its hash (rewritten or forged)"),
    ]


@pytest.mark.pure
def test_entries_written_before_the_chain_began_are_counted_not_judged() -> None:
    legacy = [{"id": 1, "entry_hash": "", "prev_hash": ""}, {"id": 2, "entry_hash": "", "prev_hash": ""}]
    report = verify_chain(KEY, legacy + [{**e, "id": e["id"] + 2} for e in chained(2)])
    assert (report.entries, report.unchained, report.broken) == (4, 2, [])


async def _three_entries() -> list[int]:
    admin = await make_user("root", "admin")
    async with write_transaction():
        for n in range(3):
            await audit(admin, "test.step", "test", n, {"n": n, "名称": "审计"})
    return [row["id"] for row in await AuditEntry.select(AuditEntry.id).order_by(AuditEntry.id)]


async def verify_command() -> Any:
    """`xuehui audit verify` as the shell runs it (its own event loop, so in a thread)."""
    return await asyncio.to_thread(CliRunner().invoke, main, ["audit", "verify"])


async def _raw(sql: str) -> None:
    await engine().run_querystring(QueryString(sql))


async def test_entries_written_through_the_service_verify_and_a_rewrite_is_found(tmp_path: Path) -> None:
    ids = await _three_entries()
    report = await verify_audit_chain()
    assert (report.entries, report.unchained, report.broken) == (len(ids), 0, [])
    rows = await AuditEntry.select(AuditEntry.prev_hash, AuditEntry.entry_hash).order_by(AuditEntry.id)
    assert [r["prev_hash"] for r in rows[1:]] == [r["entry_hash"] for r in rows[:-1]]
    # Someone with the database's owner rights drops the trigger and edits an entry.
    if BACKEND == "sqlite":
        await _raw("DROP TRIGGER xh_audit_no_update")
    else:
        await _raw("ALTER TABLE xh_audit DISABLE TRIGGER xh_audit_no_change")
    try:
        await _raw(f"UPDATE xh_audit SET note = 'nothing happened' WHERE id = {ids[-2]}")  # noqa: S608
        report = await verify_audit_chain()
        assert report.broken == [(ids[-2], "content does not match its hash (rewritten or forged)")]
        result = await verify_command()
        assert result.exit_code == 1
        assert f"entry {ids[-2]}: content does not match its hash" in result.output
        # The backup check says so too: an SQLite backup is refused, a PostgreSQL check reports it.
        if BACKEND == "sqlite":
            with pytest.raises(backups.BackupError) as refused:
                await asyncio.to_thread(backups.backup, os.environ["DATABASE_URL"], tmp_path / "audit.sqlite")
            problems = refused.value.reasons
        else:
            problems = list((await asyncio.to_thread(backups.verify_postgres, os.environ["DATABASE_URL"])).problems)
        assert problems[0].code == "audit_chain_broken"
        assert f"entry {ids[-2]} (content does not match its hash" in problems[0].en
    finally:
        if BACKEND == "postgres":
            await _raw("ALTER TABLE xh_audit ENABLE TRIGGER xh_audit_no_change")


async def test_the_command_says_the_chain_is_intact() -> None:
    ids = await _three_entries()
    result = await verify_command()
    assert (result.exit_code, result.output.splitlines()) == (
        0,
        [f"{len(ids)} entries, 0 written before the chain began", "the audit log's hash chain is intact"],
    )


async def test_the_database_refuses_an_insert_over_an_entry_and_truncate() -> None:
    """SQLite's INSERT OR REPLACE deletes the clashing row without its delete trigger; PostgreSQL's
    TRUNCATE fires no row trigger: each engine has its own way round, and each is refused."""
    ids = await _three_entries()
    columns = "id, at, action, object_type, object_id, summary, note, actor_name, actor_role, ip"
    values = f"{ids[0]}, '2026-01-01', 'forged', 'x', '', '{{}}', '', '', '', ''"
    sql = f"INSERT OR REPLACE INTO xh_audit ({columns}) VALUES ({values})"  # noqa: S608
    with pytest.raises(Exception, match="append-only"):
        await _raw(sql if BACKEND == "sqlite" else "TRUNCATE xh_audit")
    first = await AuditEntry.select(AuditEntry.action).where(AuditEntry.id == ids[0]).first()
    assert (first, await AuditEntry.count()) == ({"action": "account.user_created"}, len(ids))
