from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-02T18:53:44:736409"
VERSION = "1.38.0"
DESCRIPTION = "a society records its president and vice-presidents (the leaders the conflict rules use)"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="societies", description=DESCRIPTION)

    manager.add_column(
        table_class_name="Society",
        tablename="xh_society",
        column_name="president",
        db_column_name="president",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 50,
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
        table_class_name="Society",
        tablename="xh_society",
        column_name="vice_presidents",
        db_column_name="vice_presidents",
        column_class_name="JSON",
        column_class=JSON,
        params={
            "default": "[]",
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

    return manager
