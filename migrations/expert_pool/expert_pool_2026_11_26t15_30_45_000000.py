"""Panel uniqueness: one membership per expert, one tally per item, one receipt per vote."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine.finder import engine_finder

ID = "2026-11-26T15:30:45:000000"
VERSION = "1.38.0"
DESCRIPTION = "panel unique indexes"

STATEMENTS = [
    "CREATE UNIQUE INDEX xh_panel_member_once ON xh_panel_member (meeting, expert)",
    "CREATE UNIQUE INDEX xh_panel_tally_once ON xh_panel_tally (meeting, item)",
    "CREATE UNIQUE INDEX xh_ballot_receipt_once ON xh_ballot_receipt (meeting, item, expert)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="expert_pool", description=DESCRIPTION)

    async def run() -> None:
        engine = engine_finder()
        assert engine is not None
        for sql in STATEMENTS:
            await engine.run_ddl(sql)

    manager.add_raw(run)
    return manager
