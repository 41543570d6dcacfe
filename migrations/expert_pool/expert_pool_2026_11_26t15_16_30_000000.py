"""Composite uniqueness for the expert pool, as raw unique indexes (work on SQLite and PostgreSQL)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T15:16:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite unique indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX xh_review_item_external ON xh_review_item (batch, kind, external_id)",
    "CREATE UNIQUE INDEX xh_review_assignment_pair ON xh_review_assignment (item, expert)",
    "CREATE UNIQUE INDEX xh_conflict_pair_type ON xh_conflict (item, expert, type)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="expert_pool", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for sql in STATEMENTS:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
