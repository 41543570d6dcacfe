"""The `xuehui` command: serve, migrate, load demo data, create users, back up and restore, and the
domain tools."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import click

from xuehui.settings import get_settings


@click.group(help="Xuehui (学会): award nominations, talent recommendations, expert review and qualification exams.")
def main() -> None:
    pass


async def apply_migrations() -> tuple[bool, str]:
    from piccolo.apps.migrations.commands.forwards import run_forwards

    result = await run_forwards("all")
    return bool(result.success), str(result.message)


def ensure_sqlite_directory() -> None:
    settings = get_settings()
    if settings.is_sqlite:
        Path(settings.sqlite_path).parent.mkdir(parents=True, exist_ok=True)


@main.command(help="Apply every database migration that has not run yet (safe to repeat).")
def migrate() -> None:
    ensure_sqlite_directory()
    ok, message = asyncio.run(apply_migrations())
    if not ok:
        click.echo(f"migration failed: {message}", err=True)
        sys.exit(1)
    click.echo("database is up to date")


@main.command(help="Load the demo data (societies, pilot projects, one account per role) into an empty database.")
@click.option("--quiet", is_flag=True, help="Do not print the demo logins.")
def demo(quiet: bool) -> None:
    from xuehui.demo import DEMO_PASSWORD, load_demo

    ensure_sqlite_directory()
    loaded = asyncio.run(load_demo())
    if not loaded:
        click.echo("the database already has users; demo data not loaded")
    if not quiet:
        click.echo(f"demo logins (password for all: {DEMO_PASSWORD}):")
        from xuehui.demo import DEMO_USERS

        for username, _name, role, _society in DEMO_USERS:
            click.echo(f"  {role:<11} {username}")


@main.group(help="The audit log.")
def audit() -> None:
    pass


@audit.command("verify", help="Check every audit entry against the log's hash chain; exits 1 if it is broken.")
def audit_verify() -> None:
    from accounts.services import verify_audit_chain

    report = asyncio.run(verify_audit_chain())
    click.echo(f"{report.entries} entries, {report.unchained} written before the chain began")
    for entry_id, why in report.broken:
        click.echo(f"entry {entry_id}: {why}", err=True)
    if not report.intact:
        click.echo(f"the audit log's hash chain is broken in {len(report.broken)} places", err=True)
        sys.exit(1)
    click.echo("the audit log's hash chain is intact")


@main.group(help="The outbox of messages (mail and the in-app inbox).")
def outbox() -> None:
    pass


@outbox.command("send", help="Send every message that is due now, once (the server's own sender does this in a loop).")
def outbox_send() -> None:
    from xuehui.notify import send_pass

    report = asyncio.run(send_pass(get_settings().mail, limit=10_000))
    click.echo(f"{report.sent} sent, {report.failed} to be tried again")
    if report.failed:
        sys.exit(1)


@main.command("create-user", help="Create an account (e.g. the first administrator). Prompts for the password.")
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="The person's name as shown on pages.")
@click.option("--role", type=click.Choice(["admin", "society", "expert", "exam_admin", "candidate"]), required=True)
@click.option("--society", "society_code", default="", help="Society code, for society and exam_admin accounts.")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_user(username: str, display_name: str, role: str, society_code: str, password: str) -> None:
    from accounts.services import create_user as create
    from societies.tables import Society
    from xuehui.errors import DomainError

    async def run() -> int:
        society_id = None
        if society_code:
            row = await Society.select(Society.id).where(Society.code == society_code.upper()).first()
            if row is None:
                raise click.ClickException(f"no society with code {society_code!r}")
            society_id = row["id"]
        return await create(
            None,
            username=username,
            display_name=display_name,
            role=role,
            password=password,
            society_id=society_id,
            must_change_password=False,
        )

    try:
        user_id = asyncio.run(run())
    except DomainError as error:
        raise click.ClickException("; ".join(f"{r.field or ''} {r.en}".strip() for r in error.reasons)) from error
    click.echo(f"created user {username} (id {user_id})")


@main.command(help="Serve the web application.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--workers", default=1, show_default=True, type=int, help="Processes (PostgreSQL only; SQLite allows one writer)."
)
@click.option("--reload", is_flag=True, help="Restart when the code changes (development).")
@click.option("--ssl-certfile", default=None, help="Serve HTTPS with this certificate (PEM), without a proxy.")
@click.option("--ssl-keyfile", default=None, help="The certificate's private key (PEM).")
def serve(host: str, port: int, workers: int, reload: bool, ssl_certfile: str | None, ssl_keyfile: str | None) -> None:
    import uvicorn

    settings = get_settings()
    if settings.is_sqlite and workers > 1:
        raise click.ClickException("SQLite serves from one process; use PostgreSQL for several workers")
    ensure_sqlite_directory()
    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise click.ClickException("HTTPS needs both --ssl-certfile and --ssl-keyfile")
    uvicorn.run(
        "xuehui.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        reload=reload,
        proxy_headers=True,
        ssl_certfile=ssl_certfile,
        ssl_keyfile=ssl_keyfile,
    )


BACKUP_HELP = """Back up the database of DATABASE_URL into FILE, or check a backup file with --verify.

\b
SQLite: an online copy through SQLite's backup API, consistent while the server keeps
writing (no need to stop it); FILE is one self-contained SQLite file.
PostgreSQL: `pg_dump --format=custom` (install the PostgreSQL client tools, at least the
server's version); FILE is a pg_dump archive.

\b
Every backup is checked before it is kept: integrity, rows per table, migration level and the
audit log's append-only triggers. `xuehui backup --verify FILE` repeats the check on a stored
file without touching any database.

\b
Examples:
  xuehui backup var/backup-2026-12-01.sqlite
  DATABASE_URL=postgresql://postgres@127.0.0.1:5432/xuehui xuehui backup xuehui.dump
  xuehui backup --verify xuehui.dump
"""

RESTORE_HELP = """Restore a backup FILE into the database of DATABASE_URL (or --to URL).

\b
SQLite: stop the server first. The backup is checked (PRAGMA integrity_check) before anything
is written; the target must be a new or empty file unless --force (which replaces it whole).
PostgreSQL: restores with pg_restore in one transaction into a new, empty database only:
  createdb -h 127.0.0.1 -U postgres xuehui_restored
  xuehui restore xuehui.dump --to postgresql://postgres@127.0.0.1:5432/xuehui_restored

\b
Afterwards the migrations the backup lacks are applied and the restored database is verified:
rows per table equal to the backup's, integrity, and an UPDATE of the audit log is refused.
"""


def _lang_option(function: Any) -> Any:
    return click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)(function)


def _print_report(report: Any, lang: str, as_json: bool) -> None:
    import json

    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        for line in report.lines(lang):
            click.echo(line)


def _fail(error: Any, lang: str) -> None:
    for reason in error.reasons:
        click.echo(reason.text(lang), err=True)
    sys.exit(1)


@main.command(help=BACKUP_HELP)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--verify", is_flag=True, help="Only check the backup FILE (no database is touched).")
@click.option("--force", is_flag=True, help="Overwrite FILE when it exists.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@_lang_option
def backup(file: Path, verify: bool, force: bool, as_json: bool, lang: str) -> None:
    from xuehui import backup as backups

    try:
        report = backups.verify_file(file) if verify else backups.backup(get_settings().database_url, file, force=force)
    except backups.BackupError as error:
        _fail(error, lang)
        return
    _print_report(report, lang, as_json)
    if not report.ok:
        sys.exit(1)


@main.command(help=RESTORE_HELP)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "target", default="", help="Target database URL (default: DATABASE_URL).")
@click.option("--force", is_flag=True, help="SQLite only: replace a target database that is not empty.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as one JSON object.")
@_lang_option
def restore(file: Path, target: str, force: bool, as_json: bool, lang: str) -> None:
    from xuehui import backup as backups

    url = target or get_settings().database_url
    if backups.engine_of_url(url) == "sqlite":
        backups.sqlite_path_of_url(url).parent.mkdir(parents=True, exist_ok=True)
    try:
        report = backups.restore(file, url, force=force)
    except backups.BackupError as error:
        _fail(error, lang)
        return
    _print_report(report, lang, as_json)
    if not report.ok:
        sys.exit(1)


def register_domain_commands() -> None:
    """Commands that live with their domain packages (the frame composes them)."""
    from xuehui.composition import commands

    for command in commands():
        main.add_command(command)


register_domain_commands()
