from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Integer
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-03T13:49:48:922465"
VERSION = "1.38.0"
DESCRIPTION = "a plan says how long a false commitment closes the commitment route; a violation has a kind"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="exams", description=DESCRIPTION)

    manager.add_column(
        table_class_name="ExamPlan",
        tablename="xh_exam_plan",
        column_name="commitment_bar_years",
        db_column_name="commitment_bar_years",
        column_class_name="Integer",
        column_class=Integer,
        params={
            "default": 5,
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
        table_class_name="Violation",
        tablename="xh_exam_violation",
        column_name="kind",
        db_column_name="kind",
        column_class_name="Varchar",
        column_class=Varchar,
        params={
            "length": 30,
            "default": "exam_conduct",
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
