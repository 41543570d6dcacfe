"""What a backup check found, and the refusals of backup, restore and verification.

A `Report` holds the row count of each table, the integrity result, the migration level and
whether the audit log is still append-only; `BackupError` carries each refusal's code and its
reason in Chinese and English.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from xuehui.errors import DomainError, Reason

MIGRATION_APPS = ("xuehui", "accounts", "societies", "expert_pool", "nominations", "exams")
SQLITE_HEADER = b"SQLite format 3\x00"
PG_DUMP_HEADER = b"PGDMP"
AUDIT_TABLE = "xh_audit"
SQLITE_AUDIT_TRIGGERS = ("xh_audit_no_delete", "xh_audit_no_replace", "xh_audit_no_update")
PG_AUDIT_TRIGGERS = ("xh_audit_no_change", "xh_audit_no_truncate")
MIGRATION_TABLE = "migration"

Engine = Literal["sqlite", "postgresql"]


class BackupError(DomainError):
    """A refused backup, restore or check: bad input, a target that is not empty, missing tools."""

    status = 400


def refuse(code: str, zh: str, en: str) -> BackupError:
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
