from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Timestamptz
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T18:56:00:431526"
VERSION = "1.38.0"
DESCRIPTION = "an expert's own change of unit waits for an admin (pending unit)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="expert_pool", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Expert",
        tablename="xh_expert",
        column_name="pending_unit",
        db_column_name="pending_unit",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 200,
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
        table_class_name="Expert",
        tablename="xh_expert",
        column_name="pending_unit_since",
        db_column_name="pending_unit_since",
        column_class_name="Timestamptz",
        column_class=Timestamptz,
        params={
            "default": None,
            "null": True,
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

    return manager
