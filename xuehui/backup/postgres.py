"""PostgreSQL: `pg_dump --format=custom` (a consistent snapshot by design), its check without a
database (the row counts are read from the archive's data section), and `pg_restore` into a
fresh, empty database in one transaction."""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

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
    PG_AUDIT_TRIGGERS,
    BackupError,
    Report,
    refuse,
)
from xuehui.threads import run_in_thread

CONNECT_TIMEOUT_SECONDS = 10  # a server that does not answer by then is reported, not waited for
TOOL_ERROR_LINES = 3  # the last lines of a failed pg_dump/pg_restore: where it names the cause


def find_tool(name: str, search_path: str | None = None) -> str:
    """The full path of a PostgreSQL client tool, or a clear refusal when it is not installed."""
    found = shutil.which(name, path=search_path)
    if found is None:
        raise refuse(
            "tool_missing",
            f"找不到 {name}：请安装 PostgreSQL 客户端工具（Debian：apt-get install postgresql-client），"
            "版本不低于服务器版本",
            f"{name} not found: install the PostgreSQL client tools (Debian: apt-get install postgresql-client), "
            "at least the server's version",
        )
    return found


def _run_tool(arguments: list[str], what_zh: str, what_en: str) -> None:
    result = subprocess.run(arguments, capture_output=True, text=True, check=False)  # noqa: S603 - our argv
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        text = " / ".join(detail[-TOOL_ERROR_LINES:])
        raise refuse("tool_failed", f"{what_zh}失败：{text}", f"{what_en} failed: {text}")


async def _pg_connect(url: str) -> Any:
    import asyncpg

    try:
        return await asyncpg.connect(url, timeout=CONNECT_TIMEOUT_SECONDS)
    except asyncpg.InvalidCatalogNameError as error:
        name = url.rsplit("/", 1)[-1].split("?")[0]
        raise refuse(
            "database_missing",
            f"数据库 {name} 不存在；请先用 createdb 建一个空数据库",
            f"the database {name} does not exist; create an empty one with createdb first",
        ) from error
    except (OSError, asyncpg.PostgresError) as error:
        raise refuse(
            "cannot_connect", f"无法连接 PostgreSQL：{error}", f"cannot connect to PostgreSQL: {error}"
        ) from error


async def _pg_user_relations(url: str) -> int:
    connection = await _pg_connect(url)
    try:
        return int(
            await connection.fetchval(
                "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') "
                "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'"
            )
        )
    finally:
        await connection.close()


async def _pg_inspect(
    url: str, probe_audit: bool
) -> tuple[dict[str, int], tuple[str, ...], set[tuple[str, str]], bool | None, list[dict[str, Any]]]:
    import asyncpg

    connection = await _pg_connect(url)
    try:
        tables = [
            str(row["tablename"])
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {name: int(await connection.fetchval(f"SELECT count(*) FROM {quote_name(name)}")) for name in tables}  # noqa: S608
        triggers = tuple(
            str(row["tgname"])
            for row in await connection.fetch(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D' "
                "AND tgrelid = to_regclass('public.xh_audit') ORDER BY tgname"
            )
        )
        applied: set[tuple[str, str]] = set()
        if MIGRATION_TABLE in tables:
            applied = {
                (str(row["app_name"]), str(row["name"]))
                for row in await connection.fetch(f"SELECT name, app_name FROM {MIGRATION_TABLE}")  # noqa: S608
            }
        refuses: bool | None = None
        if probe_audit and counts.get(AUDIT_TABLE):
            transaction = connection.transaction()
            await transaction.start()
            try:
                await connection.execute(
                    f"UPDATE {AUDIT_TABLE} SET note = note WHERE id = (SELECT max(id) FROM {AUDIT_TABLE})"  # noqa: S608
                )
                refuses = False
            except asyncpg.RaiseError:
                refuses = True
            finally:
                await transaction.rollback()
        entries = []
        if AUDIT_TABLE in tables:
            entries = [dict(row) for row in await connection.fetch(f"SELECT * FROM {AUDIT_TABLE} ORDER BY id")]  # noqa: S608
        return counts, triggers, applied, refuses, entries
    finally:
        await connection.close()


def verify_postgres(url: str, *, probe_audit: bool = True) -> Report:
    """Check a live PostgreSQL database: rows per table, migrations, the audit log's trigger."""
    counts, triggers, applied, refuses, entries = run_in_thread(_pg_inspect(url, probe_audit))
    problems = chain_problems(entries)
    return finish(
        "postgresql", _safe_url(url), "ok (PostgreSQL)", counts, triggers, PG_AUDIT_TRIGGERS, refuses, applied, problems
    )


def _safe_url(url: str) -> str:
    """The URL without a password, for printing."""
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


_COPY = re.compile(r'^COPY (?:"?[\w$]+"?\.)?"?([\w$]+)"? \(([^)]*)\) FROM stdin;$')


def _dump_data(path: Path) -> tuple[dict[str, int], set[tuple[str, str]]]:
    """Rows per table read from the archive's data section, and the migrations it records."""
    pg_restore = find_tool("pg_restore")
    counts: dict[str, int] = {}
    applied: set[tuple[str, str]] = set()
    process = subprocess.Popen(  # noqa: S603 - our argv
        [pg_restore, "--data-only", "--file=-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    assert process.stdout is not None and process.stderr is not None
    table: str | None = None
    columns: list[str] = []
    for line in process.stdout:
        line = line.rstrip("\n")
        if table is None:
            match = _COPY.match(line)
            if match:
                table = match.group(1)
                columns = [c.strip().strip('"') for c in match.group(2).split(",")]
                counts[table] = 0
            continue
        if line == "\\.":
            table = None
            continue
        counts[table] += 1
        if table == MIGRATION_TABLE and {"name", "app_name"} <= set(columns):
            values = line.split("\t")
            applied.add((values[columns.index("app_name")], values[columns.index("name")]))
    error = process.stderr.read()
    if process.wait() != 0:
        raise refuse("damaged_dump", f"备份文件已损坏：{error.strip()}", f"the dump is damaged: {error.strip()}")
    return counts, applied


def verify_pg_dump(path: Path) -> Report:
    """Check a pg_dump custom-format file without a database: it reads through completely, and
    has its tables, their rows and the audit log's append-only trigger."""
    if file_kind(path) != "postgresql":
        raise refuse("not_pg_dump", f"{path} 不是 pg_dump 备份", f"{path} is not a pg_dump archive")
    pg_restore = find_tool("pg_restore")
    listing = subprocess.run(  # noqa: S603 - our argv
        [pg_restore, "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise refuse(
            "damaged_dump",
            f"备份文件已损坏：{listing.stderr.strip()}",
            f"the dump is damaged: {listing.stderr.strip()}",
        )
    tables: list[str] = []
    triggers: list[str] = []
    for entry in listing.stdout.splitlines():
        if entry.startswith(";"):
            continue
        parts = entry.split()
        # "<id>; <oid> <oid> TABLE public <name> <owner>" / "... TRIGGER public <table> <trigger> <owner>"
        if len(parts) >= 6 and parts[3] == "TABLE" and parts[4] == "public":
            tables.append(parts[5])
        if len(parts) >= 7 and parts[3] == "TRIGGER" and parts[5] == AUDIT_TABLE:
            triggers.append(parts[6])
    counts, applied = _dump_data(path)
    for name in tables:
        counts.setdefault(name, 0)
    return finish(
        "postgresql",
        str(path),
        "ok (archive read through)",
        counts,
        tuple(sorted(triggers)),
        PG_AUDIT_TRIGGERS,
        None,
        applied,
        [],
    )


def backup_postgres(url: str, out: Path, *, force: bool = False) -> Report:
    """`pg_dump --format=custom` of the database at `url` into `out` (one consistent snapshot)."""
    pg_dump = find_tool("pg_dump")
    find_tool("pg_restore")  # the check below needs it, and so will the restore
    partial = prepare_output(out, force)
    try:
        _run_tool([pg_dump, "--format=custom", f"--file={partial}", f"--dbname={url}"], "pg_dump 备份", "pg_dump")
        report = verify_pg_dump(partial)
        if not report.ok:
            raise BackupError(report.problems)
        fsync(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return dataclasses.replace(report, source=str(out))


def restore_postgres(backup: Path, url: str) -> Report:
    """`pg_restore` into a fresh, empty PostgreSQL database, in one transaction, then verify."""
    kind = file_kind(backup)
    if kind != "postgresql":
        raise refuse(
            "wrong_engine",
            "这是 SQLite 备份，只能恢复到 SQLite 数据库文件",
            "this is an SQLite backup; it restores only into an SQLite database file",
        )
    pg_restore = find_tool("pg_restore")
    checked = verify_pg_dump(backup)
    if not checked.ok:
        raise BackupError(checked.problems)
    if run_in_thread(_pg_user_relations(url)) > 0:
        raise refuse(
            "target_not_empty",
            f"目标数据库 {_safe_url(url)} 不是空的；请恢复到用 createdb 新建的空数据库",
            f"the target database {_safe_url(url)} is not empty; restore into a new one made with createdb",
        )
    _run_tool(
        [
            pg_restore,
            "--exit-on-error",
            "--single-transaction",
            "--no-owner",
            "--no-privileges",
            f"--dbname={url}",
            str(backup),
        ],
        "pg_restore 恢复",
        "pg_restore",
    )
    notes = migrate_if_needed(checked, url)
    restored = verify_postgres(url, probe_audit=True)
    return compare(checked, restored, notes)
