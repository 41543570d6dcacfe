"""What every engine shares: where a database or a backup is, which engine wrote a file, the
migration level, the checks behind every `Report`, and the comparison after a restore."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from xuehui.audit_chain import verify_chain
from xuehui.backup.report import (
    AUDIT_TABLE,
    MIGRATION_APPS,
    MIGRATION_TABLE,
    PG_DUMP_HEADER,
    SQLITE_HEADER,
    Engine,
    Report,
    refuse,
)
from xuehui.errors import Reason
from xuehui.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent.parent  # the checkout: migrations/<app>/ lives here


def engine_of_url(url: str) -> Engine:
    return "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"


def sqlite_path_of_url(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


def file_kind(path: Path) -> Engine:
    """Which engine wrote this backup file; refuses a missing file and anything else."""
    if not path.exists():
        raise refuse("backup_missing", f"备份文件不存在：{path}", f"backup file not found: {path}")
    if not path.is_file():
        raise refuse("backup_not_file", f"不是文件：{path}", f"not a file: {path}")
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_HEADER))
    if head == SQLITE_HEADER:
        return "sqlite"
    if head.startswith(PG_DUMP_HEADER):
        return "postgresql"
    raise refuse(
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


def migration_state(applied: set[tuple[str, str]]) -> tuple[int, int, tuple[str, ...], tuple[str, ...]]:
    known = known_migrations()
    pending = tuple(sorted(f"{app}:{mid}" for app, mid in known - applied))
    unknown = tuple(sorted(f"{app}:{mid}" for app, mid in applied - known))
    return len(applied & known), len(known), pending, unknown


def prepare_output(out: Path, force: bool) -> Path:
    if out.exists() and not force:
        raise refuse(
            "output_exists",
            f"{out} 已存在；如确需覆盖，请加 --force",
            f"{out} already exists; add --force to overwrite it",
        )
    if not out.parent.is_dir():
        raise refuse("output_dir_missing", f"目录不存在：{out.parent}", f"directory not found: {out.parent}")
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    return partial


def fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def quote_name(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def chain_problems(entries: list[dict[str, Any]]) -> list[Reason]:
    """The audit log checked against its hash chain with this instance's secret key."""
    report = verify_chain(get_settings().secret_key, entries)
    if report.intact:
        return []
    first, why = report.broken[0]
    return [
        Reason(
            "audit_chain_broken",
            f"审计日志的哈希链在第{first}条处断开（共{len(report.broken)}处），日志被改写、删除或伪造，"
            "或本实例的密钥与写入时不同",
            f"the audit log's hash chain breaks at entry {first} ({why}; {len(report.broken)} in all): the log"
            " was rewritten, cut or forged, or this instance's secret key is not the one that wrote it",
        )
    ]


def finish(
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
    done, known, pending, unknown = migration_state(applied)
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


def migrate_if_needed(checked: Report, url: str) -> tuple[str, ...]:
    """Apply the migrations the backup lacks, with `xuehui migrate` against the restored database."""
    if not checked.migrations_pending:
        return ()
    environment = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, "-m", "xuehui", "migrate"], env=environment, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise refuse(
            "migration_failed",
            f"恢复后执行迁移失败：{result.stderr.strip()}",
            f"applying migrations after the restore failed: {result.stderr.strip()}",
        )
    done = len(checked.migrations_pending)
    return (f"已执行 {done} 个待执行的迁移 / applied {done} pending migration(s)",)


def compare(backup: Report, restored: Report, notes: tuple[str, ...]) -> Report:
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
