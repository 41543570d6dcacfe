"""Make the audit log append-only: the database itself refuses UPDATE and DELETE on it."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-11-26T14:18:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "audit log append-only triggers"

SQLITE = [
    """CREATE TRIGGER xh_audit_no_update BEFORE UPDATE ON xh_audit
       BEGIN SELECT RAISE(ABORT, 'xh_audit is append-only'); END""",
    """CREATE TRIGGER xh_audit_no_delete BEFORE DELETE ON xh_audit
       BEGIN SELECT RAISE(ABORT, 'xh_audit is append-only'); END""",
]

POSTGRES = [
    """CREATE OR REPLACE FUNCTION xh_audit_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'xh_audit is append-only'; END; $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER xh_audit_no_change BEFORE UPDATE OR DELETE ON xh_audit
       FOR EACH ROW EXECUTE FUNCTION xh_audit_append_only()""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        statements = SQLITE if isinstance(engine, SQLiteEngine) else POSTGRES
        for sql in statements:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
