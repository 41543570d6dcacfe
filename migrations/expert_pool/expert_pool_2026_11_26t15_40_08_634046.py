from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.indexes import IndexMethod

ID = "2026-11-26T15:40:08:634046"
VERSION = "1.38.0"
DESCRIPTION = "assign_job"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="expert_pool", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ReviewBatch",
        tablename="xh_review_batch",
        column_name="assign_job",
        db_column_name="assign_job",
        column_class_name="Integer",
        column_class=Integer,
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
