"""The `xuehui` command: serve, migrate, load demo data, create users, and the domain tools."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

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
def serve(host: str, port: int, workers: int, reload: bool) -> None:
    import uvicorn

    settings = get_settings()
    if settings.is_sqlite and workers > 1:
        raise click.ClickException("SQLite serves from one process; use PostgreSQL for several workers")
    ensure_sqlite_directory()
    uvicorn.run(
        "xuehui.app:create_app", factory=True, host=host, port=port, workers=workers, reload=reload, proxy_headers=True
    )


def register_domain_commands() -> None:
    """Commands that live with their domain packages (the frame composes them)."""
    from xuehui.composition import commands

    for command in commands():
        main.add_command(command)


register_domain_commands()
