from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T13:52:25:334298"
VERSION = "1.38.0"
DESCRIPTION = "a score import keeps its preview: the sheets read and what it changes"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="exams", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ScoreImport",
        tablename="xh_exam_score_import",
        column_name="details",
        db_column_name="details",
        column_class_name="JSON",
        column_class=JSON,
        params={
            "default": "{}",
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
