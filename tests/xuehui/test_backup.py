"""`xuehui backup` / `xuehui restore`: an online backup taken while writes continue restores every
write acknowledged before it began, with a valid audit log; bad input is refused clearly.

The tests that need one engine are defined only on the run of that engine (each engine's run
collects its own; nothing is skipped); the file-level refusals run on both.
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from xuehui import backup as backups
from xuehui.cli import main

BACKEND = os.environ.get("XUEHUI_TEST_DB", "sqlite")
PG_SERVER = os.environ.get("XUEHUI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    return os.environ["DATABASE_URL"]


async def _write_societies(acknowledged: list[tuple[int, str]], stop: asyncio.Event) -> None:
    """Keep creating societies (each with its audit entry, one transaction) until told to stop;
    a write counts as acknowledged once the service call has returned."""
    from societies import services
    from societies.schemas import SocietyIn

    n = 0
    while not stop.is_set():
        code = f"BK{n:05d}"
        society_id = await services.create_society(None, SocietyIn(code=code, name_zh=f"备份测试学会{n}"))
        acknowledged.append((society_id, code))
        n += 1


async def _pg_admin(sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(PG_SERVER)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _pg_url(name: str) -> str:
    return f"{PG_SERVER.rpartition('/')[0]}/{name}"


async def _restored_societies(url: str) -> tuple[dict[int, str], set[str]]:
    """(society id -> code, ids named by 'society.created' audit entries) in a restored database."""
    query_societies = "SELECT id, code FROM xh_society"
    query_audit = "SELECT object_id FROM xh_audit WHERE action = 'society.created'"
    if backups.engine_of_url(url) == "sqlite":
        connection = sqlite3.connect(backups.sqlite_path_of_url(url))
        try:
            societies = {int(i): str(c) for i, c in connection.execute(query_societies).fetchall()}
            audited = {str(row[0]) for row in connection.execute(query_audit).fetchall()}
        finally:
            connection.close()
        return societies, audited
    import asyncpg

    pg = await asyncpg.connect(url)
    try:
        societies = {int(r["id"]): str(r["code"]) for r in await pg.fetch(query_societies)}
        audited = {str(r["object_id"]) for r in await pg.fetch(query_audit)}
    finally:
        await pg.close()
    return societies, audited


async def test_backup_taken_while_writes_continue_restores_every_acknowledged_write(tmp_path: Path) -> None:
    acknowledged: list[tuple[int, str]] = []
    stop = asyncio.Event()
    writer = asyncio.create_task(_write_societies(acknowledged, stop))
    try:
        while len(acknowledged) < 15:
            await asyncio.sleep(0.005)
        before = list(acknowledged)  # every write acknowledged before the backup began
        dump = tmp_path / ("xuehui.sqlite" if BACKEND == "sqlite" else "xuehui.dump")
        taken = await asyncio.to_thread(backups.backup, database_url(), dump)
        during = len(acknowledged) - len(before)
        while len(acknowledged) < len(before) + during + 3:  # and writes go on after it
            await asyncio.sleep(0.005)
    finally:
        stop.set()
        await writer
    assert taken.ok, taken.problems
    assert during >= 1, "the writer made no progress while the backup ran: the backup blocked the app"
    assert taken.counts["xh_society"] >= len(before)

    if BACKEND == "sqlite":
        target_url = f"sqlite:///{tmp_path / 'restored' / 'fresh.sqlite'}"
        (tmp_path / "restored").mkdir()
        name = ""
    else:
        name = f"xuehui_test_backup_{uuid.uuid4().hex[:10]}"
        await _pg_admin(f'CREATE DATABASE "{name}"')
        target_url = _pg_url(name)
    try:
        restored = await asyncio.to_thread(backups.restore, dump, target_url)
        societies, audited = await _restored_societies(target_url)
    finally:
        if name:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    assert restored.ok, restored.problems
    assert restored.integrity.startswith("ok")
    # Rows per table in the restored database equal those in the backup.
    assert restored.counts == taken.counts
    # Nothing acknowledged before the backup began is missing.
    assert [pair for pair in before if societies.get(pair[0]) != pair[1]] == []
    # No half-written change: every restored society carries the audit entry of its creation.
    assert {str(i) for i in societies if societies[i].startswith("BK")} <= audited
    # The audit log is still append-only in the restored database.
    assert restored.audit_refuses_change is True
    assert set(restored.audit_triggers) >= set(
        backups.SQLITE_AUDIT_TRIGGERS if BACKEND == "sqlite" else backups.PG_AUDIT_TRIGGERS
    )
    assert restored.migrations_applied == restored.migrations_known and not restored.migrations_pending


@pytest.mark.pure  # files only: the test database is not touched
def test_a_missing_file_or_one_that_is_no_backup_is_refused_in_the_users_language(tmp_path: Path) -> None:
    with pytest.raises(backups.BackupError) as missing:
        backups.verify_file(tmp_path / "nope.sqlite")
    assert missing.value.reasons[0].code == "backup_missing"

    with pytest.raises(backups.BackupError) as no_database:
        backups.backup(f"sqlite:///{tmp_path / 'absent.sqlite'}", tmp_path / "out.sqlite")
    assert no_database.value.reasons[0].code == "database_missing"
    assert not (tmp_path / "absent.sqlite").exists()  # never created by looking at it

    text = tmp_path / "notes.txt"
    text.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(backups.BackupError) as not_backup:
        backups.restore(text, f"sqlite:///{tmp_path / 'target.sqlite'}")
    assert not_backup.value.reasons[0].code == "not_a_backup"
    assert not (tmp_path / "target.sqlite").exists()

    chinese = CliRunner().invoke(main, ["backup", "--verify", str(text)])
    assert chinese.exit_code == 1
    assert "不是数据库备份" in chinese.stderr
    english = CliRunner().invoke(main, ["restore", str(tmp_path / "gone.dump"), "--lang", "en"])
    assert english.exit_code == 1
    assert "backup file not found" in english.stderr


@pytest.mark.pure  # files only: the test database is not touched
def test_a_backup_never_restores_into_the_other_engine(tmp_path: Path) -> None:
    fake_dump = tmp_path / "x.dump"
    fake_dump.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 64)
    with pytest.raises(backups.BackupError) as into_sqlite:
        backups.restore(fake_dump, f"sqlite:///{tmp_path / 'target.sqlite'}")
    assert into_sqlite.value.reasons[0].code == "wrong_engine"

    sqlite_file = tmp_path / "x.sqlite"
    sqlite3.connect(sqlite_file).close()
    sqlite_file.write_bytes(backups.SQLITE_HEADER + b"\x00" * 84)
    with pytest.raises(backups.BackupError) as into_pg:
        backups.restore(sqlite_file, "postgresql://nobody@127.0.0.1:1/none")
    assert into_pg.value.reasons[0].code == "wrong_engine"


@pytest.mark.pure  # files only: the test database is not touched
def test_missing_postgresql_tools_are_named() -> None:
    with pytest.raises(backups.BackupError) as error:
        backups.find_tool("pg_restore", search_path=os.devnull)
    reason = error.value.reasons[0]
    assert reason.code == "tool_missing"
    assert "pg_restore" in reason.en
    assert "postgresql-client" in reason.zh


if BACKEND == "sqlite":

    def _sqlite_backup(tmp_path: Path) -> Path:
        out = tmp_path / "backup.sqlite"
        report = backups.backup(database_url(), out)
        assert report.ok, report.problems
        return out

    async def test_restore_refuses_a_target_that_is_not_empty_unless_forced(tmp_path: Path) -> None:
        from societies import services
        from societies.schemas import SocietyIn

        await services.create_society(None, SocietyIn(code="KEEP", name_zh="保留学会"))
        dump = await asyncio.to_thread(_sqlite_backup, tmp_path)
        target = tmp_path / "live.sqlite"
        live = sqlite3.connect(target)
        live.execute("CREATE TABLE precious (x INTEGER)")
        live.execute("INSERT INTO precious VALUES (1)")
        live.commit()
        live.close()

        refused = CliRunner().invoke(main, ["restore", str(dump), "--to", f"sqlite:///{target}", "--lang", "en"])
        assert refused.exit_code == 1
        assert "is not empty" in refused.stderr
        with sqlite3.connect(target) as check:
            assert check.execute("SELECT x FROM precious").fetchall() == [(1,)]

        forced = CliRunner().invoke(main, ["restore", str(dump), "--to", f"sqlite:///{target}", "--force", "--json"])
        assert forced.exit_code == 0, forced.output
        with sqlite3.connect(target) as check:
            assert check.execute("SELECT count(*) FROM sqlite_master WHERE name = 'precious'").fetchone() == (0,)
            assert check.execute("SELECT name_zh FROM xh_society WHERE code = 'KEEP'").fetchone() == ("保留学会",)
            assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)

        again = CliRunner().invoke(main, ["backup", str(dump)])
        assert again.exit_code == 1
        assert "已存在" in again.stderr

    async def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
        from societies import services
        from societies.schemas import SocietyIn

        await services.create_society(None, SocietyIn(code="AUD", name_zh="审计学会"))
        dump = await asyncio.to_thread(_sqlite_backup, tmp_path)
        damage = sqlite3.connect(dump)  # an index that no longer matches its table
        damage.execute("PRAGMA writable_schema = ON")
        damage.execute(
            "UPDATE sqlite_master SET sql = replace(sql, '(\"action\")', '(\"object_type\")') "
            "WHERE name = 'xh_audit_action'"
        )
        damage.commit()
        damage.close()
        verified = CliRunner().invoke(main, ["backup", "--verify", str(dump), "--lang", "en"])
        assert verified.exit_code == 1
        assert "missing from index xh_audit_action" in verified.output

        target = tmp_path / "fresh.sqlite"
        with pytest.raises(backups.BackupError) as error:
            backups.restore(dump, f"sqlite:///{target}")
        assert error.value.reasons[0].code == "integrity"
        assert not target.exists()

    def test_a_backup_from_an_older_version_is_migrated_on_restore(tmp_path: Path) -> None:
        old = tmp_path / "old.sqlite"
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{old}"}
        migrated = subprocess.run(
            [sys.executable, "-m", "piccolo.main", "migrations", "forwards", "accounts"],
            env=environment,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert migrated.returncode == 0, migrated.stderr
        before = backups.verify_file(old)
        accounts_only = [m for m in backups.known_migrations() if m[0] == "accounts"]
        assert before.migrations_pending and before.migrations_applied == len(accounts_only)

        target = tmp_path / "new.sqlite"
        restored = backups.restore(old, f"sqlite:///{target}")
        assert restored.ok, restored.problems
        assert restored.migrations_pending == ()
        assert restored.migrations_applied == restored.migrations_known == len(backups.known_migrations())
        assert "xh_society" in restored.counts


if BACKEND == "postgres":

    def test_postgres_restore_only_into_an_empty_database_that_exists(tmp_path: Path) -> None:
        dump = tmp_path / "x.dump"
        assert backups.backup(database_url(), dump).ok

        with pytest.raises(backups.BackupError) as not_empty:
            backups.restore(dump, database_url())
        assert not_empty.value.reasons[0].code == "target_not_empty"

        absent = f"xuehui_test_backup_{uuid.uuid4().hex[:10]}_absent"
        refused = CliRunner().invoke(main, ["restore", str(dump), "--to", _pg_url(absent), "--lang", "en"])
        assert refused.exit_code == 1
        assert "does not exist" in refused.stderr
        assert "createdb" in refused.stderr

        with pytest.raises(backups.BackupError) as forced:
            backups.restore(dump, _pg_url(absent), force=True)
        assert forced.value.reasons[0].code == "force_postgres"

        verified = CliRunner().invoke(main, ["backup", "--verify", str(dump), "--json"])
        assert verified.exit_code == 0
        assert '"audit_triggers": ["xh_audit_no_change", "xh_audit_no_truncate"]' in verified.output
