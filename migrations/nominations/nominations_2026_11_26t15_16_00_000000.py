"""Composite unique indexes (raw SQL: Piccolo's composite constraints break SQLite migrations)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T15:16:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "unique quota per society and category, one submitted nomination per person and cycle"

STATEMENTS = [
    "CREATE UNIQUE INDEX xh_quota_unique ON xh_quota (cycle, society_id, category)",
    "CREATE UNIQUE INDEX xh_nomination_contributor_unique ON xh_nomination_contributor (cycle_id, id_number)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nominations", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for sql in STATEMENTS:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
