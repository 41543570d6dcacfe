from pathlib import Path

from piccolo.conf.apps import AppConfig, table_finder

ROOT = Path(__file__).resolve().parent.parent

APP_CONFIG = AppConfig(
    app_name="exams",
    migrations_folder_path=ROOT / "migrations" / "exams",
    table_classes=table_finder(modules=["exams.tables"], exclude_imported=True),
    # xuehui first: the file-store migration copies into its xh_file table.
    migration_dependencies=["xuehui.piccolo_app", "societies.piccolo_app"],
    commands=[],
)
