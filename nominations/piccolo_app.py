from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="nominations",
    migrations_folder_path=ROOT / "migrations" / "nominations",
    table_classes=table_finder(modules=["nominations.tables"], exclude_imported=True),
    migration_dependencies=["xuehui.piccolo_app", "accounts.piccolo_app", "societies.piccolo_app"],
    commands=[],
)
