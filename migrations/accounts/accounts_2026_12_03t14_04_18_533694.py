from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod
from piccolo.engine.finder import engine_finder
from piccolo.engine.sqlite import SQLiteEngine

ID = "2026-12-03T14:04:18:533694"
VERSION = "1.38.0"
DESCRIPTION = "audit log hash chain; INSERT over an existing id and TRUNCATE refused"

# SQLite's INSERT OR REPLACE deletes the clashing row without firing delete triggers (while
# recursive_triggers is off), so an insert over an existing id is refused before it happens.
SQLITE = [
    """CREATE TRIGGER xh_audit_no_replace BEFORE INSERT ON xh_audit
       WHEN EXISTS (SELECT 1 FROM xh_audit WHERE id = NEW.id)
       BEGIN SELECT RAISE(ABORT, 'xh_audit is append-only'); END""",
]
# TRUNCATE fires no row trigger; a statement trigger refuses it.
POSTGRES = [
    """CREATE TRIGGER xh_audit_no_truncate BEFORE TRUNCATE ON xh_audit
       FOR EACH STATEMENT EXECUTE FUNCTION xh_audit_append_only()""",
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="accounts", description=DESCRIPTION)

    manager.add_column(
        table_class_name="AuditEntry",
        tablename="xh_audit",
        column_name="entry_hash",
        db_column_name="entry_hash",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    manager.add_column(
        table_class_name="AuditEntry",
        tablename="xh_audit",
        column_name="prev_hash",
        db_column_name="prev_hash",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 64,
            "default": "",
            "null": False,
            "primary_key": False,
            "unique": False,
            "index": False,
            "index_method": IndexMethod.btree,
            "choices": None,
            "db_column_name": None,
            "secret": False,
        },
        schema=None,
    )

    async def triggers() -> None:
        engine = engine_finder()
        assert engine is not None
        for sql in SQLITE if isinstance(engine, SQLiteEngine) else POSTGRES:
            await engine.run_ddl(sql)

    manager.add_raw(triggers)
    return manager
