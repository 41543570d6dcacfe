"""SQLite: an online copy through SQLite's backup API, its check, and the restore into a file.

The copy runs in one step inside one read transaction, so in WAL mode it is a consistent
snapshot even while the app keeps writing (the app's writers never wait for it). The copy is
written next to the target, switched out of WAL (one self-contained file), checked with
`PRAGMA integrity_check` and only then renamed into place. A restore checks the backup first,
refuses a non-empty target unless forced, copies through the same API into a fresh file,
applies any migration the backup lacks, and verifies.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from xuehui.backup.checks import (
    chain_problems,
    compare,
    file_kind,
    finish,
    fsync,
    migrate_if_needed,
    prepare_output,
    quote_name,
)
from xuehui.backup.report import (
    AUDIT_TABLE,
    MIGRATION_TABLE,
    SQLITE_AUDIT_TRIGGERS,
    BackupError,
    Report,
    refuse,
)
from xuehui.errors import Reason

SQLITE_BUSY_TIMEOUT_SECONDS = 30  # wait this long for the app's writers rather than fail the copy
INTEGRITY_PROBLEMS_SHOWN = 5  # the first lines of a failed integrity check; the rest repeat the damage


@contextlib.contextmanager
def _sqlite(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """Open an existing SQLite file (never creates one)."""
    mode = "ro" if read_only else "rw"
    try:
        uri = f"{path.resolve().as_uri()}?mode={mode}"  # percent-encoded: any file name is safe
        connection = sqlite3.connect(uri, uri=True, timeout=SQLITE_BUSY_TIMEOUT_SECONDS, isolation_level=None)
    except sqlite3.Error as error:
        raise refuse(
            "cannot_open", f"无法打开数据库 {path}：{error}", f"cannot open the database {path}: {error}"
        ) from error
    try:
        yield connection
    finally:
        connection.close()


def _sqlite_tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _sqlite_audit_probe(connection: sqlite3.Connection) -> bool | None:
    """Try to change the newest audit row inside a transaction that is always rolled back.

    True: the database refused (append-only holds); False: it let the change through; None:
    the log is empty, so there is no row to try.
    """
    newest = connection.execute(f"SELECT max(id) FROM {AUDIT_TABLE}").fetchone()  # noqa: S608 - constant
    if newest is None or newest[0] is None:
        return None
    connection.execute("BEGIN")
    try:
        connection.execute(f"UPDATE {AUDIT_TABLE} SET note = note WHERE id = ?", (newest[0],))  # noqa: S608
    except sqlite3.IntegrityError:
        return True
    finally:
        connection.execute("ROLLBACK")
    return False


def verify_sqlite(path: Path, *, probe_audit: bool = False) -> Report:
    """Check one SQLite file: integrity, rows per table, migrations, the audit log's triggers.

    `probe_audit` also tries a (rolled back) UPDATE of the audit log; a backup file is opened
    read-only and never probed.
    """
    if file_kind(path) != "sqlite":
        raise refuse("not_sqlite", f"{path} 不是 SQLite 数据库", f"{path} is not an SQLite database")
    problems: list[Reason] = []
    try:
        with _sqlite(path, read_only=not probe_audit) as connection:
            checks = [str(row[0]) for row in connection.execute("PRAGMA integrity_check").fetchall()]
            integrity = "ok" if checks == ["ok"] else "; ".join(checks[:INTEGRITY_PROBLEMS_SHOWN])
            tables = _sqlite_tables(connection)
            counts = {
                name: int(connection.execute(f"SELECT count(*) FROM {quote_name(name)}").fetchone()[0])  # noqa: S608
                for name in tables
            }
            triggers = tuple(
                str(row[0])
                for row in connection.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ? ORDER BY name",
                    (AUDIT_TABLE,),
                ).fetchall()
            )
            applied: set[tuple[str, str]] = set()
            if MIGRATION_TABLE in tables:
                applied = {
                    (str(app), str(name))
                    for name, app in connection.execute(f"SELECT name, app_name FROM {MIGRATION_TABLE}").fetchall()  # noqa: S608
                }
            refuses = _sqlite_audit_probe(connection) if probe_audit and AUDIT_TABLE in tables else None
            if AUDIT_TABLE in tables:
                connection.row_factory = sqlite3.Row
                entries = connection.execute(f"SELECT * FROM {AUDIT_TABLE} ORDER BY id").fetchall()  # noqa: S608
                problems += chain_problems([dict(entry) for entry in entries])
    except sqlite3.DatabaseError as error:
        raise refuse(
            "damaged_database",
            f"{path} 已损坏或不是可读的 SQLite 数据库：{error}",
            f"{path} is damaged or not a readable SQLite database: {error}",
        ) from error
    if integrity != "ok":
        problems.append(
            Reason("integrity", f"完整性检查未通过：{integrity}", f"the integrity check failed: {integrity}")
        )
    return finish("sqlite", str(path), integrity, counts, triggers, SQLITE_AUDIT_TRIGGERS, refuses, applied, problems)


def _sqlite_copy(source: Path, destination: Path, journal_mode: str) -> None:
    """Copy with the backup API in one step: one read transaction, so one consistent snapshot."""
    with _sqlite(source, read_only=False) as src:
        dst = sqlite3.connect(destination, isolation_level=None)
        try:
            src.backup(dst, pages=-1)
            mode = dst.execute(f"PRAGMA journal_mode={journal_mode}").fetchone()
            if mode is None or str(mode[0]).lower() != journal_mode.lower():
                raise refuse("journal_mode", "无法设置日志模式", f"could not set journal_mode={journal_mode}")
        finally:
            dst.close()


def backup_sqlite(database: Path, out: Path, *, force: bool = False) -> Report:
    """Online backup of a live SQLite database into one self-contained file (not WAL)."""
    if not database.is_file():
        raise refuse(
            "database_missing",
            f"数据库文件不存在：{database}（请检查 DATABASE_URL）",
            f"database file not found: {database} (check DATABASE_URL)",
        )
    if file_kind(database) != "sqlite":
        raise refuse("not_sqlite", f"{database} 不是 SQLite 数据库", f"{database} is not an SQLite database")
    if out.resolve() == database.resolve():
        raise refuse("same_file", "备份文件不能是数据库本身", "the backup file cannot be the database itself")
    partial = prepare_output(out, force)
    try:
        _sqlite_copy(database, partial, "DELETE")
        report = verify_sqlite(partial)
        if not report.ok:
            raise BackupError(report.problems)
        fsync(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return dataclasses.replace(report, source=str(out))


def _sqlite_is_empty(path: Path) -> bool:
    if not path.exists():
        return True
    wal = Path(f"{path}-wal")
    if path.stat().st_size == 0 and (not wal.exists() or wal.stat().st_size == 0):
        return True
    try:
        with _sqlite(path, read_only=True) as connection:
            return not _sqlite_tables(connection)
    except (BackupError, sqlite3.DatabaseError):
        return False  # something that is not an empty database: never overwrite it silently


def restore_sqlite(backup: Path, target: Path, *, force: bool = False) -> Report:
    """Restore an SQLite backup into `target`, then bring it to the current migration level.

    Stop the server that uses `target` first: the file is replaced, not merged.
    """
    kind = file_kind(backup)
    if kind != "sqlite":
        raise refuse(
            "wrong_engine",
            "这是 PostgreSQL 备份（pg_dump），只能恢复到 PostgreSQL 数据库",
            "this is a PostgreSQL dump (pg_dump); it restores only into a PostgreSQL database",
        )
    checked = verify_sqlite(backup)
    if not checked.ok:
        raise BackupError(checked.problems)
    if not _sqlite_is_empty(target) and not force:
        raise refuse(
            "target_not_empty",
            f"目标数据库 {target} 不是空的；恢复会替换其全部内容，确需如此请加 --force",
            f"the target database {target} is not empty; restoring replaces all of it, add --force if you mean that",
        )
    if not target.parent.is_dir():
        raise refuse("output_dir_missing", f"目录不存在：{target.parent}", f"directory not found: {target.parent}")
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    try:
        _sqlite_copy(backup, partial, "WAL")
        fsync(partial)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    notes = migrate_if_needed(checked, f"sqlite:///{target}")
    restored = verify_sqlite(target, probe_audit=True)
    return compare(checked, restored, notes)
