from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar

ID = "2026-11-26T23:04:24:022175"
VERSION = "1.38.0"
DESCRIPTION = "index on ticket_no: results and certificates are looked up by ticket"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="exams", description=DESCRIPTION)

    manager.alter_column(
        table_class_name="Registration",
        tablename="xh_exam_registration",
        column_name="ticket_no",
        db_column_name="ticket_no",
        params={"index": True},
        old_params={"index": False},
        column_class=Varchar,
        old_column_class=Varchar,
        schema=None,
    )

    return manager
