"""Flask commands: `flask --app wsgi users|offices|demo ...`."""

import click
from flask import current_app
from flask.cli import AppGroup

from bureau.domain import DomainError, accounts, jobs, offices
from bureau.extensions import db
from bureau.models import Role

users_cli = AppGroup("users", help="Staff accounts.")
offices_cli = AppGroup("offices", help="Offices (one per municipality).")
jobs_cli = AppGroup("jobs", help="Background work, for cron.")


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


def init_app(app) -> None:
    from bureau.backup import backup_cli
    from bureau.demo.commands import demo_cli

    for group in (users_cli, offices_cli, demo_cli, jobs_cli, backup_cli):
        app.cli.add_command(group)
