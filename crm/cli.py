"""Command-line commands: `flask seed`, `flask demo load`, `flask user create-admin`, `flask projects recount`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from crm.audit.services import set_actor
from crm.auth.models import User
from crm.auth.services import validate_new_password
from crm.bench.generator import GenerateRefused, generate
from crm.core.errors import ServiceError
from crm.demo.loader import DemoRefused, load_demo
from crm.domain import AuditSource, Role
from crm.extensions import db
from crm.projects.tallies import rebuild_tallies, tallies_match
from crm.reference.services import seed_default_lists


def register_cli(app: Flask) -> None:
    demo = AppGroup("demo", help="Demo data for trying the app.")
    users = AppGroup("user", help="User accounts.")
    bench = AppGroup("bench", help="Benchmark data at province scale.")
    projects_group = AppGroup("projects", help="Project records.")

    @app.cli.command("seed")
    def seed_command():
        """Add the default negative list and drop reasons where missing (safe to repeat)."""
        set_actor(None, AuditSource.CLI, "flask seed")
        added = seed_default_lists()
        db.session.commit()
        click.echo(f"reference lists: {added} entries added")

    @demo.command("load")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    @click.option("--projects", default=300, show_default=True, help="How many demo projects.")
    def demo_load(if_empty: bool, projects: int):
        """Load the demo city: units, users (password Demo@2026), chains."""
        set_actor(None, AuditSource.CLI, "flask demo load")
        try:
            summary = load_demo(current_app.config, if_empty=if_empty, project_count=projects)
        except DemoRefused as err:
            raise click.ClickException(str(err)) from None
        db.session.commit()
        click.echo(summary)

    @bench.command("generate")
    @click.option("--projects", default=3000, show_default=True, help="How many projects (issue 9 scale: 100000).")
    @click.option("--seed", default=2026, show_default=True, help="Same seed, same day: same data.")
    @click.option("--years", default=10, show_default=True, help="Spread projects over this many years.")
    def bench_generate(projects: int, seed: int, years: int):
        """Load a seeded benchmark city (200 units, 2,000 users, N projects) into an EMPTY database."""
        try:
            summary = generate(current_app.config, projects, seed=seed, years=years, echo=click.echo)
        except GenerateRefused as err:
            raise click.ClickException(str(err)) from None
        for table, count in sorted(summary["counts"].items()):
            click.echo(f"{table:24} {count:>10,} rows {summary['seconds'][table]:8.1f} s")
        click.echo(f"total {summary['total_seconds']:.1f} s (password Demo@2026)")

    @projects_group.command("recount")
    @click.option("--check", is_flag=True, help="Only say whether the home page's figures match the projects.")
    def projects_recount(check: bool):
        """Recount the home page's stage figures (project tallies) from the projects: after rows were
        loaded or repaired by SQL past the application. Safe to repeat."""
        if check:
            matches = tallies_match(db.session)
            click.echo("project tallies match the projects" if matches else "project tallies DIFFER from the projects")
            raise SystemExit(0 if matches else 1)
        rows = rebuild_tallies(db.session)
        db.session.commit()
        click.echo(f"project tallies recounted: {rows} rows")

    @users.command("create-admin")
    @click.argument("username")
    @click.option("--name", default="系统管理员")
    @click.password_option()
    def create_admin(username: str, name: str, password: str):
        """Create the first administrator of a production deployment."""
        set_actor(None, AuditSource.CLI, "flask user create-admin")
        try:
            validate_new_password(password)
        except ServiceError as err:
            raise click.ClickException(err.fields["new_password"][0]) from None
        user = User(username=username, name=name, role=Role.ADMIN)
        user.set_password(password)
        db.session.add(user)
        db.session.commit()
        click.echo(f"administrator {username} created")

    app.cli.add_command(demo)
    app.cli.add_command(users)
    app.cli.add_command(bench)
    app.cli.add_command(projects_group)
