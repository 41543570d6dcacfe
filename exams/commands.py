"""`xuehui exams ...`: score import from the shell, printing the same report as the page."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click


@click.group(help="Qualification exams (职业资格考试考务).")
def exams() -> None:
    pass


@exams.command("import-scores", help="Validate a score sheet and import every row in one transaction, or none.")
@click.option("--plan", "plan_code", required=True, help="The exam plan code.")
@click.option("--dry-run", is_flag=True, help="Only validate and print the report.")
@click.option("--confirm-replace", is_flag=True, help="Replace published scores (the previous version is kept).")
@click.option(
    "--remove-missing",
    is_flag=True,
    help="Also remove the current scores of the file's subjects that the file does not contain.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_scores(
    plan_code: str, dry_run: bool, confirm_replace: bool, remove_missing: bool, lang: str, file: Path
) -> None:
    from exams import services
    from xuehui.errors import DomainError

    data = file.read_bytes()

    async def run() -> dict[str, object]:
        plan = await services.plan_by_code(plan_code)
        return await services.import_scores_now(plan, data, dry_run, confirm_replace, remove_missing)

    try:
        summary = asyncio.run(run())
    except DomainError as error:
        for reason in error.reasons:
            click.echo(reason.en if lang == "en" else reason.zh, err=True)
        sys.exit(1)
    for line in services.report_lines(summary, lang):
        click.echo(line)
    if summary.get("problems"):
        sys.exit(1)
    if "version" in summary:
        click.echo(("imported as version " if lang == "en" else "已导入，版本 ") + str(summary["version"]))
    elif dry_run:
        click.echo("dry run: nothing was written" if lang == "en" else "仅校验，未写入任何数据")


COMMANDS = [exams]
