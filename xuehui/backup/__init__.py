"""Backup, restore and verification of a Xuehui database (SQLite or PostgreSQL).

The rooms: `report` (what a check found, and `BackupError`), `checks` (where a database or a
backup is, which engine wrote a file, the migration level, the checks every engine shares and the
comparison after a restore), `sqlite` (online copy through SQLite's backup API, restore into a
file) and `postgres` (`pg_dump --format=custom`, its check without a database, `pg_restore` into a
fresh, empty database). This module picks the engine from the database URL or the file's header.

Every check reports the row count of each table, the integrity result, the migration level and
whether the audit log is still append-only (its triggers are present and, on a restored
database, really refuse an UPDATE). Refusals are `BackupError`s with a code and the reason in
Chinese and English, like every other refusal in Xuehui.
"""

from __future__ import annotations

from pathlib import Path

from xuehui.backup.checks import engine_of_url, file_kind, known_migrations, sqlite_path_of_url
from xuehui.backup.postgres import backup_postgres, find_tool, restore_postgres, verify_pg_dump, verify_postgres
from xuehui.backup.report import (
    AUDIT_TABLE,
    MIGRATION_APPS,
    MIGRATION_TABLE,
    PG_AUDIT_TRIGGERS,
    PG_DUMP_HEADER,
    SQLITE_AUDIT_TRIGGERS,
    SQLITE_HEADER,
    BackupError,
    Engine,
    Report,
    refuse,
)
from xuehui.backup.sqlite import backup_sqlite, restore_sqlite, verify_sqlite

__all__ = [
    "AUDIT_TABLE",
    "MIGRATION_APPS",
    "MIGRATION_TABLE",
    "PG_AUDIT_TRIGGERS",
    "PG_DUMP_HEADER",
    "SQLITE_AUDIT_TRIGGERS",
    "SQLITE_HEADER",
    "BackupError",
    "Engine",
    "Report",
    "backup",
    "backup_postgres",
    "backup_sqlite",
    "engine_of_url",
    "file_kind",
    "find_tool",
    "known_migrations",
    "restore",
    "restore_postgres",
    "restore_sqlite",
    "sqlite_path_of_url",
    "verify_file",
    "verify_pg_dump",
    "verify_postgres",
    "verify_sqlite",
]


def backup(url: str, out: Path, *, force: bool = False) -> Report:
    if engine_of_url(url) == "postgresql":
        return backup_postgres(url, out, force=force)
    return backup_sqlite(sqlite_path_of_url(url), out, force=force)


def verify_file(path: Path) -> Report:
    return verify_sqlite(path) if file_kind(path) == "sqlite" else verify_pg_dump(path)


def restore(path: Path, url: str, *, force: bool = False) -> Report:
    if engine_of_url(url) == "postgresql":
        if force:
            raise refuse(
                "force_postgres",
                "PostgreSQL 只恢复到新建的空数据库，--force 不适用",
                "PostgreSQL restores only into a new, empty database; --force does not apply",
            )
        return restore_postgres(path, url)
    return restore_sqlite(path, sqlite_path_of_url(url), force=force)
