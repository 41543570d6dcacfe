"""Composite unique indexes of the talent tables (raw SQL: Piccolo's composite constraints break
SQLite migrations). A person holds at most one live submitted recommendation per programme."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T15:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "one programme per kind and edition, one quota per society and programme, one person per programme"

STATEMENTS = [
    "CREATE UNIQUE INDEX xh_talent_programme_unique ON xh_talent_programme (kind, edition_year)",
    "CREATE UNIQUE INDEX xh_talent_quota_unique ON xh_talent_quota (programme, society_id)",
    "CREATE UNIQUE INDEX xh_recommendation_person_unique ON xh_recommendation (programme, id_number)"
    " WHERE submitted_at IS NOT NULL AND status NOT IN ('withdrawn', 'disqualified')",
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
