"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import func, inspect, select

from crm.extensions import db
from crm.reference.models import IndustryDivision, IndustrySection


def _differences():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_migrated_schema_matches_models(app):
    assert _differences() == []


def test_migrations_load_the_industry_classification(app):
    assert db.session.scalar(select(func.count()).select_from(IndustrySection)) == 20
    assert db.session.scalar(select(func.count()).select_from(IndustryDivision)) == 97
    assert db.session.get(IndustryDivision, "39").name == "计算机、通信和其他电子设备制造业"


def test_downgrade_removes_everything_and_upgrade_rebuilds_it(app):
    db.session.remove()
    downgrade(revision="base")
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()
    assert _differences() == []
