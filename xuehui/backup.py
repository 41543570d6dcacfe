"""Backup, restore and verification of a Xuehui database (SQLite or PostgreSQL).

SQLite: an online copy through SQLite's backup API. The copy runs in one step inside one read
transaction, so in WAL mode it is a consistent snapshot even while the app keeps writing (the
app's writers never wait for it). The copy is written next to the target, switched out of WAL
(one self-contained file), checked with `PRAGMA integrity_check` and only then renamed into
place. A restore checks the backup first, refuses a non-empty target unless forced, copies
through the same API into a fresh file, applies any migration the backup lacks, and verifies.

PostgreSQL: `pg_dump --format=custom` (a consistent snapshot by design) and `pg_restore` into a
fresh, empty database in one transaction; the row counts of a dump are read from its data
section without a database.

Every check reports the row count of each table, the integrity result, the migration level and
whether the audit log is still append-only (its triggers are present and, on a restored
database, really refuse an UPDATE). Refusals are `BackupError`s with a code and the reason in
Chinese and English, like every other refusal in Xuehui.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from xuehui.errors import DomainError, Reason
from xuehui.threads import run_in_thread

ROOT = Path(__file__).resolve().parent.parent
MIGRATION_APPS = ("xuehui", "accounts", "societies", "expert_pool", "nominations", "exams")
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
AUDIT_TABLE = "xh_audit"
SQLITE_AUDIT_TRIGGERS = ("xh_audit_no_update", "xh_audit_no_delete")
PG_AUDIT_TRIGGERS = ("xh_audit_no_change",)
MIGRATION_TABLE = "migration"

Engine = Literal["sqlite", "postgresql"]
T = TypeVar("T")


class BackupError(DomainError):
    """A refused backup, restore or check: bad input, a target that is not empty, missing tools."""

    status = 400


def _refuse(code: str, zh: str, en: str) -> BackupError:
    return BackupError(Reason(code, zh, en))


@dataclass(frozen=True)
class Report:
    """What a check found in a database or a backup file."""

    engine: Engine
    source: str
    integrity: str
    counts: dict[str, int]
    audit_triggers: tuple[str, ...]
    audit_refuses_change: bool | None = None  # None: not tried (a backup file is never written to)
    migrations_applied: int = 0
    migrations_known: int = 0
    migrations_pending: tuple[str, ...] = ()
    migrations_unknown: tuple[str, ...] = ()
    problems: tuple[Reason, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def audit_rows(self) -> int:
        return self.counts.get(AUDIT_TABLE, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "engine": self.engine,
            "source": self.source,
            "ok": self.ok,
            "integrity": self.integrity,
            "counts": dict(self.counts),
            "audit_rows": self.audit_rows,
            "audit_triggers": list(self.audit_triggers),
            "audit_refuses_change": self.audit_refuses_change,
            "migrations_applied": self.migrations_applied,
            "migrations_known": self.migrations_known,
            "migrations_pending": list(self.migrations_pending),
            "migrations_unknown": list(self.migrations_unknown),
            "problems": [reason.as_dict() for reason in self.problems],
            "notes": list(self.notes),
        }

    def lines(self, lang: str = "zh") -> list[str]:
        en = lang == "en"
        width = max((len(name) for name in self.counts), default=10)
        out = [
            (f"{self.engine}: {self.source}" if en else f"{self.engine}：{self.source}"),
            ("integrity check: " if en else "完整性检查：") + self.integrity,
            (
                f"migrations: {self.migrations_applied} applied of {self.migrations_known} known"
                if en
                else f"迁移：已执行 {self.migrations_applied} 个，共 {self.migrations_known} 个"
            ),
        ]
        triggers = ", ".join(self.audit_triggers) or ("none" if en else "无")
        refuses = {
            None: "",
            True: "; an UPDATE was refused" if en else "；试图修改已被拒绝",
            False: "; an UPDATE was NOT refused" if en else "；试图修改未被拒绝",
        }[self.audit_refuses_change]
        out.append(
            (f"audit log: {self.audit_rows} rows, append-only triggers: {triggers}{refuses}")
            if en
            else f"审计日志：{self.audit_rows} 行，只追加触发器：{triggers}{refuses}"
        )
        out.append("rows per table:" if en else "各表行数：")
        out += [f"  {name:<{width}} {rows:>10}" for name, rows in sorted(self.counts.items())]
        out += [f"  {note}" for note in self.notes]
        if self.problems:
            out.append("PROBLEMS:" if en else "发现问题：")
            out += [f"  [{r.code}] {r.text(lang)}" for r in self.problems]
        else:
            out.append("verified: OK" if en else "校验通过")
        return out


# -- where things are -------------------------------------------------------------------------


def engine_of_url(url: str) -> Engine:
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def sqlite_path_of_url(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def file_kind(path: Path) -> Engine:
    """Which engine wrote this backup file; refuses a missing file and anything else."""
    if not path.exists():
        raise _refuse("backup_missing", f"备份文件不存在：{path}", f"backup file not found: {path}")
    if not path.is_file():
        raise _refuse("backup_not_file", f"不是文件：{path}", f"not a file: {path}")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise _refuse(
        "not_a_backup",
        f"{path} 不是数据库备份（既不是 SQLite 数据库，也不是 pg_dump 自定义格式文件）",
        f"{path} is not a database backup (neither an SQLite database nor a pg_dump custom-format archive)",
    )


def known_migrations() -> set[tuple[str, str]]:
    """(app, migration id) of every migration shipped with this version of Xuehui."""
    pattern = re.compile(r'^ID\s*=\s*"([^"]+)"', re.MULTILINE)
    found: set[tuple[str, str]] = set()
    for app in MIGRATION_APPS:
        folder = ROOT / "migrations" / app
        for file in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            match = pattern.search(file.read_text(encoding="utf-8"))
            if match:
                found.add((app, match.group(1)))
    return found


def _migration_state(applied: set[tuple[str, str]]) -> tuple[int, int, tuple[str, ...], tuple[str, ...]]:
    known = known_migrations()
    pending = tuple(sorted(f"{app}:{mid}" for app, mid in known - applied))
    unknown = tuple(sorted(f"{app}:{mid}" for app, mid in applied - known))
    return len(applied & known), len(known), pending, unknown


def _prepare_output(out: Path, force: bool) -> Path:
    if out.exists() and not force:
        raise _refuse(
            "output_exists",
            f"{out} 已存在；如确需覆盖，请加 --force",
            f"{out} already exists; add --force to overwrite it",
        )
    if not out.parent.is_dir():
        raise _refuse("output_dir_missing", f"目录不存在：{out.parent}", f"directory not found: {out.parent}")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    return partial


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


# -- SQLite -------------------------------------------------------------------------------------


@contextlib.contextmanager
def _sqlite(path: Path, *, read_only: bool = False) -> Iterator[sqlite3.Connection]:
    """Open an existing SQLite file (never creates one)."""
    mode = "ro" if read_only else "rw"
    try:
        uri = f"{path.resolve().as_uri()}?mode={mode}"  # percent-encoded: any file name is safe
        connection = sqlite3.connect(uri, uri=True, timeout=30, isolation_level=None)
    except sqlite3.Error as error:
        raise _refuse(
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


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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
        raise _refuse("not_sqlite", f"{path} 不是 SQLite 数据库", f"{path} is not an SQLite database")
    problems: list[Reason] = []
    try:
        with _sqlite(path, read_only=not probe_audit) as connection:
            checks = [str(row[0]) for row in connection.execute("PRAGMA integrity_check").fetchall()]
            integrity = "ok" if checks == ["ok"] else "; ".join(checks[:5])
            tables = _sqlite_tables(connection)
            counts = {
                name: int(connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0])  # noqa: S608
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
    except sqlite3.DatabaseError as error:
        raise _refuse(
            "damaged_database",
            f"{path} 已损坏或不是可读的 SQLite 数据库：{error}",
            f"{path} is damaged or not a readable SQLite database: {error}",
        ) from error
    if integrity != "ok":
        problems.append(
            Reason("integrity", f"完整性检查未通过：{integrity}", f"the integrity check failed: {integrity}")
        )
    return _finish("sqlite", str(path), integrity, counts, triggers, SQLITE_AUDIT_TRIGGERS, refuses, applied, problems)


def _finish(
    engine: Engine,
    source: str,
    integrity: str,
    counts: dict[str, int],
    triggers: tuple[str, ...],
    required: tuple[str, ...],
    refuses: bool | None,
    applied: set[tuple[str, str]],
    problems: list[Reason],
    notes: tuple[str, ...] = (),
) -> Report:
    if MIGRATION_TABLE not in counts or AUDIT_TABLE not in counts:
        problems.append(
            Reason(
                "not_xuehui",
                "这不是 Xuehui 数据库（缺少迁移表或审计日志表）",
                "this is not a Xuehui database (no migration table or no audit log table)",
            )
        )
    missing = [name for name in required if name not in triggers]
    if AUDIT_TABLE in counts and missing:
        problems.append(
            Reason(
                "audit_not_append_only",
                f"审计日志缺少只追加触发器：{', '.join(missing)}",
                f"the audit log lacks its append-only triggers: {', '.join(missing)}",
            )
        )
    if refuses is False:
        problems.append(
            Reason("audit_writable", "审计日志可以被修改（触发器无效）", "the audit log accepted an UPDATE")
        )
    done, known, pending, unknown = _migration_state(applied)
    if unknown:
        problems.append(
            Reason(
                "newer_version",
                f"该数据库来自更新版本的 Xuehui（未知迁移：{', '.join(unknown)}），请先升级",
                f"this database comes from a newer Xuehui (unknown migrations: {', '.join(unknown)}); upgrade first",
            )
        )
    return Report(
        engine=engine,
        source=source,
        integrity=integrity,
        counts=counts,
        audit_triggers=triggers,
        audit_refuses_change=refuses,
        migrations_applied=done,
        migrations_known=known,
        migrations_pending=pending,
        migrations_unknown=unknown,
        problems=tuple(problems),
        notes=notes,
    )


def _sqlite_copy(source: Path, destination: Path, journal_mode: str) -> None:
    """Copy with the backup API in one step: one read transaction, so one consistent snapshot."""
    with _sqlite(source, read_only=False) as src:
        dst = sqlite3.connect(destination, isolation_level=None)
        try:
            src.backup(dst, pages=-1)
            mode = dst.execute(f"PRAGMA journal_mode={journal_mode}").fetchone()
            if mode is None or str(mode[0]).lower() != journal_mode.lower():
                raise _refuse("journal_mode", "无法设置日志模式", f"could not set journal_mode={journal_mode}")
        finally:
            dst.close()


def backup_sqlite(database: Path, out: Path, *, force: bool = False) -> Report:
    """Online backup of a live SQLite database into one self-contained file (not WAL)."""
    if not database.is_file():
        raise _refuse(
            "database_missing",
            f"数据库文件不存在：{database}（请检查 DATABASE_URL）",
            f"database file not found: {database} (check DATABASE_URL)",
        )
    if file_kind(database) != "sqlite":
        raise _refuse("not_sqlite", f"{database} 不是 SQLite 数据库", f"{database} is not an SQLite database")
    if out.resolve() == database.resolve():
        raise _refuse("same_file", "备份文件不能是数据库本身", "the backup file cannot be the database itself")
    partial = _prepare_output(out, force)
    try:
        _sqlite_copy(database, partial, "DELETE")
        report = verify_sqlite(partial)
        if not report.ok:
            raise BackupError(report.problems)
        _fsync(partial)
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
        raise _refuse(
            "wrong_engine",
            "这是 PostgreSQL 备份（pg_dump），只能恢复到 PostgreSQL 数据库",
            "this is a PostgreSQL dump (pg_dump); it restores only into a PostgreSQL database",
        )
    checked = verify_sqlite(backup)
    if not checked.ok:
        raise BackupError(checked.problems)
    if not _sqlite_is_empty(target) and not force:
        raise _refuse(
            "target_not_empty",
            f"目标数据库 {target} 不是空的；恢复会替换其全部内容，确需如此请加 --force",
            f"the target database {target} is not empty; restoring replaces all of it, add --force if you mean that",
        )
    if not target.parent.is_dir():
        raise _refuse("output_dir_missing", f"目录不存在：{target.parent}", f"directory not found: {target.parent}")
    partial = target.with_name(target.name + ".restoring")
    partial.unlink(missing_ok=True)
    try:
        _sqlite_copy(backup, partial, "WAL")
        _fsync(partial)
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(partial, target)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    notes = _migrate_if_needed(checked, f"sqlite:///{target}")
    restored = verify_sqlite(target, probe_audit=True)
    return _compare(checked, restored, notes)


# -- PostgreSQL ---------------------------------------------------------------------------------


def find_tool(name: str, search_path: str | None = None) -> str:
    """The full path of a PostgreSQL client tool, or a clear refusal when it is not installed."""
    found = shutil.which(name, path=search_path)
    if found is None:
        raise _refuse(
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
        text = " / ".join(detail[-3:])
        raise _refuse("tool_failed", f"{what_zh}失败：{text}", f"{what_en} failed: {text}")


async def _pg_connect(url: str) -> Any:
    import asyncpg

    try:
        return await asyncpg.connect(url, timeout=10)
    except asyncpg.InvalidCatalogNameError as error:
        name = url.rsplit("/", 1)[-1].split("?")[0]
        raise _refuse(
            "database_missing",
            f"数据库 {name} 不存在；请先用 createdb 建一个空数据库",
            f"the database {name} does not exist; create an empty one with createdb first",
        ) from error
    except (OSError, asyncpg.PostgresError) as error:
        raise _refuse(
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
) -> tuple[dict[str, int], tuple[str, ...], set[tuple[str, str]], bool | None]:
    import asyncpg

    connection = await _pg_connect(url)
    try:
        tables = [
            str(row["tablename"])
            for row in await connection.fetch(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {name: int(await connection.fetchval(f"SELECT count(*) FROM {_quote(name)}")) for name in tables}  # noqa: S608
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
        return counts, triggers, applied, refuses
    finally:
        await connection.close()


def verify_postgres(url: str, *, probe_audit: bool = True) -> Report:
    """Check a live PostgreSQL database: rows per table, migrations, the audit log's trigger."""
    counts, triggers, applied, refuses = run_in_thread(_pg_inspect(url, probe_audit))
    return _finish(
        "postgresql", _safe_url(url), "ok (PostgreSQL)", counts, triggers, PG_AUDIT_TRIGGERS, refuses, applied, []
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
        raise _refuse("damaged_dump", f"备份文件已损坏：{error.strip()}", f"the dump is damaged: {error.strip()}")
    return counts, applied


def verify_pg_dump(path: Path) -> Report:
    """Check a pg_dump custom-format file without a database: it reads through completely, and
    has its tables, their rows and the audit log's append-only trigger."""
    if file_kind(path) != "postgresql":
        raise _refuse("not_pg_dump", f"{path} 不是 pg_dump 备份", f"{path} is not a pg_dump archive")
    pg_restore = find_tool("pg_restore")
    listing = subprocess.run(  # noqa: S603 - our argv
        [pg_restore, "--list", str(path)], capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        raise _refuse(
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
    return _finish(
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
    partial = _prepare_output(out, force)
    try:
        _run_tool([pg_dump, "--format=custom", f"--file={partial}", f"--dbname={url}"], "pg_dump 备份", "pg_dump")
        report = verify_pg_dump(partial)
        if not report.ok:
            raise BackupError(report.problems)
        _fsync(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return dataclasses.replace(report, source=str(out))


def restore_postgres(backup: Path, url: str) -> Report:
    """`pg_restore` into a fresh, empty PostgreSQL database, in one transaction, then verify."""
    kind = file_kind(backup)
    if kind != "postgresql":
        raise _refuse(
            "wrong_engine",
            "这是 SQLite 备份，只能恢复到 SQLite 数据库文件",
            "this is an SQLite backup; it restores only into an SQLite database file",
        )
    pg_restore = find_tool("pg_restore")
    checked = verify_pg_dump(backup)
    if not checked.ok:
        raise BackupError(checked.problems)
    if run_in_thread(_pg_user_relations(url)) > 0:
        raise _refuse(
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
    notes = _migrate_if_needed(checked, url)
    restored = verify_postgres(url, probe_audit=True)
    return _compare(checked, restored, notes)


# -- both -----------------------------------------------------------------------------------------


def _migrate_if_needed(checked: Report, url: str) -> tuple[str, ...]:
    """Apply the migrations the backup lacks, with `xuehui migrate` against the restored database."""
    if not checked.migrations_pending:
        return ()
    environment = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "xuehui", "migrate"], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise _refuse(
            "migration_failed",
            f"恢复后执行迁移失败：{result.stderr.strip()}",
            f"applying migrations after the restore failed: {result.stderr.strip()}",
        )
    done = len(checked.migrations_pending)
    return (f"已执行 {done} 个待执行的迁移 / applied {done} pending migration(s)",)


def _compare(backup: Report, restored: Report, notes: tuple[str, ...]) -> Report:
    """The restored database's report, with a problem for every table whose rows differ."""
    problems = list(restored.problems)
    for name, rows in sorted(backup.counts.items()):
        have = restored.counts.get(name)
        if name == MIGRATION_TABLE and have is not None and have >= rows:
            continue
        if have != rows:
            problems.append(
                Reason(
                    "rows_differ",
                    f"表 {name}：备份中 {rows} 行，恢复后 {have} 行",
                    f"table {name}: {rows} rows in the backup, {have} after the restore",
                )
            )
    return dataclasses.replace(restored, problems=tuple(problems), notes=restored.notes + notes)


def backup(url: str, out: Path, *, force: bool = False) -> Report:
    if engine_of_url(url) == "postgresql":
        return backup_postgres(url, out, force=force)
    return backup_sqlite(sqlite_path_of_url(url), out, force=force)


def verify_file(path: Path) -> Report:
    return verify_sqlite(path) if file_kind(path) == "sqlite" else verify_pg_dump(path)


def restore(path: Path, url: str, *, force: bool = False) -> Report:
    if engine_of_url(url) == "postgresql":
        if force:
            raise _refuse(
                "force_postgres",
                "PostgreSQL 只恢复到新建的空数据库，--force 不适用",
                "PostgreSQL restores only into a new, empty database; --force does not apply",
            )
        return restore_postgres(path, url)
    return restore_sqlite(path, sqlite_path_of_url(url), force=force)
