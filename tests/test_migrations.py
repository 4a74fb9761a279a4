"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import re

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import CheckConstraint, func, inspect, select

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


# --- CHECK constraints: Alembic's compare_metadata ignores them, so a new stage, source or kind would
# pass the test above with no migration. Compare them here by name and by the literals they list.

_LITERAL = re.compile(r"'((?:[^']|'')*)'")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(?![\w.])")


def _shape(sqltext: str) -> tuple[frozenset, frozenset]:
    """What a CHECK allows, in a form both databases print alike: its quoted literals and numbers
    (PostgreSQL rewrites `x IN ('a', 'b')` as `x = ANY (ARRAY['a'::varchar, ...])`)."""
    literals = frozenset(_LITERAL.findall(sqltext))
    without_literals = _LITERAL.sub("", sqltext)
    numbers = frozenset(str(float(n)) for n in _NUMBER.findall(without_literals))
    return literals, numbers


def model_checks() -> dict:
    # Rendered with literal values: a vocabulary column's CHECK (crm.core.columns) is an IN expression.
    return {(table.name, c.name): _shape(str(c.sqltext.compile(compile_kwargs={"literal_binds": True})))
            for table in db.metadata.sorted_tables for c in table.constraints if isinstance(c, CheckConstraint)}


def database_checks() -> dict:
    inspector = inspect(db.engine)
    return {(table, c["name"]): _shape(c["sqltext"]) for table in inspector.get_table_names()
            if table != "alembic_version" for c in inspector.get_check_constraints(table)}


def check_differences(models: dict, database: dict) -> list[str]:
    problems = [f"{table}.{name}: in the models, not in the migrations" for table, name in models.keys() - database.keys()]
    problems += [f"{table}.{name}: in the migrations, not in the models" for table, name in database.keys() - models.keys()]
    problems += [f"{table}.{name}: allows {database[key]} in the migrations but {models[key]} in the models"
                 for key in models.keys() & database.keys() if models[key] != database[key]
                 for table, name in [key]]
    return sorted(problems)


def test_migrated_check_constraints_match_the_models(app):
    assert check_differences(model_checks(), database_checks()) == []


def test_the_check_comparison_catches_a_value_missing_from_the_migrations(app):
    models = model_checks()
    literals, numbers = models[("projects", "ck_projects_stage")]
    models[("projects", "ck_projects_stage")] = (literals | {"dormant"}, numbers)
    models[("projects", "ck_projects_new_rule")] = (frozenset(), frozenset({"1.0"}))
    problems = check_differences(models, database_checks())
    assert any("ck_projects_stage" in p and "dormant" in p for p in problems), problems
    assert any("ck_projects_new_rule: in the models, not in the migrations" in p for p in problems), problems
