from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="xuehui",
    migrations_folder_path=ROOT / "migrations" / "xuehui",
    table_classes=table_finder(modules=["xuehui.tables"], exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
