from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import JSON
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Formal-review steps keep the checklist as the reviewer marked it"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="nominations", description=DESCRIPTION)

    for table_class_name, tablename in (
        ("ReviewStep", "xh_nomination_review_step"),
        ("RecommendationStep", "xh_recommendation_step"),
    ):
        manager.add_column(
            table_class_name=table_class_name,
            tablename=tablename,
            column_name="checklist",
            db_column_name="checklist",
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
