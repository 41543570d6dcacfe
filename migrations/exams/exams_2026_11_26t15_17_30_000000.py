"""Composite uniqueness for exams: raw unique indexes work on SQLite and PostgreSQL alike."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T15:17:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "exams composite unique indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX xh_exam_subject_plan_code ON xh_exam_subject (plan, code)",
    "CREATE UNIQUE INDEX xh_exam_room_plan_site_room ON xh_exam_room (plan, site_code, room_no)",
    "CREATE UNIQUE INDEX xh_exam_registration_plan_id_number ON xh_exam_registration (plan, id_number)",
    "CREATE UNIQUE INDEX xh_exam_registration_plan_ticket ON xh_exam_registration (plan, ticket_no)",
    "CREATE UNIQUE INDEX xh_exam_registration_room_seat ON xh_exam_registration (room, seat_no)",
    "CREATE UNIQUE INDEX xh_exam_score_reg_subject_version ON xh_exam_score (registration, subject_code, version)",
    "CREATE UNIQUE INDEX xh_exam_recheck_reg_subject ON xh_exam_recheck (registration, subject_code)",
    "CREATE UNIQUE INDEX xh_exam_certificate_registration ON xh_exam_certificate (registration)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="exams", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for sql in STATEMENTS:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
