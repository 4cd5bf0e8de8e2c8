"""Flask commands: `flask --app wsgi users|offices|demo ...`."""

import click
from flask import current_app
from flask.cli import AppGroup

from bureau.domain import DomainError, accounts, jobs, offices
from bureau.domain.services import importing
from bureau.extensions import db
from bureau.models import Role

users_cli = AppGroup("users", help="Staff accounts.")
offices_cli = AppGroup("offices", help="Offices (one per municipality).")
jobs_cli = AppGroup("jobs", help="Background work, for cron.")
services_cli = AppGroup("services", help="The register of the municipality's services.")


def _fail(error: DomainError):
    raise click.ClickException(str(error.message))


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--office", "office_code", help="Office code, e.g. KRS (not needed for admin).")
@click.option("--password", help="Read from standard input or a prompt when not given.")
def create_user(email, name, role, office_code, password):
    """Create a staff account."""
    office = offices.get_office(office_code) if office_code else None
    if office_code and office is None:
        raise click.ClickException(f"No office with code {office_code}.")
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = accounts.create_user(
            email=email,
            name=name,
            role=role,
            password=password,
            office=office,
            hash_method=current_app.config["PASSWORD_HASH_METHOD"],
        )
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created {user.email} ({user.role.value}).")


@users_cli.command("token")
@click.argument("email")
def create_token(email):
    """Print a new personal API token for the user (shown once)."""
    user = accounts.get_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No user {email}.")
    token = accounts.issue_api_token(user)
    db.session.commit()
    click.echo(token)


@offices_cli.command("create")
@click.argument("code")
@click.option("--name", required=True)
@click.option("--municipality", default="")
def create_office(code, name, municipality):
    """Create an office; settlements are added in the admin area."""
    try:
        office = offices.create_office(code=code, name=name, municipality=municipality)
    except DomainError as error:
        _fail(error)
    db.session.commit()
    click.echo(f"Created office {office.code}.")


@jobs_cli.command("run")
def run_jobs():
    """Deliver queued mail and send overdue reminders (safe from cron, even twice at once)."""
    report = jobs.run()
    click.echo(str(report))


@services_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--office", "office_code", required=True, help="Office code, e.g. KRS.")
@click.option("--dry-run", is_flag=True, help="Check the file and report; write nothing.")
def import_services(path, office_code, dry_run):
    """Load the office's register of services from a CSV or XLSX file (README: the
    columns). Every row is checked first: one refused row and nothing is written."""
    office = offices.get_office(office_code.strip().upper()[:8])
    if office is None:
        raise click.ClickException(f"No office with code {office_code}.")
    with open(path, "rb") as file:
        content = file.read(importing.MAX_BYTES + 1)
    try:
        report = importing.import_services(office, path, content, actor=None, dry_run=dry_run)
    except DomainError as error:
        _fail(error)
    for row in report.refused:
        click.echo(f"row {row.line}: refused ({row.name or '—'}): {row.reason}", err=True)
    if report.ignored_columns:
        click.echo(f"columns ignored: {', '.join(report.ignored_columns)}", err=True)
    counts = ", ".join(
        f"{report.count(outcome)} {outcome}" for outcome in ("created", "updated", "unchanged")
    )
    if report.refused:
        db.session.rollback()
        raise click.ClickException(
            f"{len(report.refused)} rows refused; nothing was written ({counts} otherwise)."
        )
    if dry_run or not report.written:
        db.session.rollback()
        click.echo(f"Nothing written: {counts}.")
        return
    db.session.commit()
    click.echo(f"{office.code}: {counts}.")


def init_app(app) -> None:
    from bureau.backup import backup_cli
    from bureau.demo.commands import demo_cli

    for group in (users_cli, offices_cli, demo_cli, jobs_cli, backup_cli, services_cli):
        app.cli.add_command(group)
