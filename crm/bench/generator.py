"""`flask bench generate`: a seeded, province-scale city loaded with bulk inserts (issue 9).

The small setup (reference lists, chains, policies) goes through the services; units, users and
the projects with everything they carry are plain rows written by SQLAlchemy Core in batches, so
100,000 projects load in minutes rather than hours. Same seed, same day: same database.
"""

from __future__ import annotations

import random
import time
from collections import defaultdict

from sqlalchemy import func, select, text

from crm.audit.services import set_actor
from crm.auth.models import User
from crm.bench import city
from crm.bench.payouts import PayoutBuilder
from crm.bench.projects import City, ProjectBuilder
from crm.bench.trips import TripBuilder
from crm.bench.writer import Writer
from crm.core.dates import local_today
from crm.demo.city import CHAINS
from crm.demo.policies import CITY, PARK, REWARD_POLICY
from crm.extensions import db
from crm.payouts.policies import create_reward_policy
from crm.projects.models import Project
from crm.projects.tallies import rebuild_tallies
from crm.reference.models import Chain, IndustryDivision
from crm.reference.services import create_chain, seed_default_lists
from crm.screening.policies import create_policy, thresholds

CHUNK = 2_000  # projects per round of inserts: bounded memory, batches of thousands of rows
# Parents before children, so every foreign key points at a row already written.
TABLES = ("projects", "project_contacts", "screenings", "project_transitions", "meeting_approvals", "contracts",
          "contract_commitments", "incentive_terms", "land_supplies", "permits", "follow_ups", "trips",
          "trip_travellers", "trip_targets", "payouts", "payout_recipients", "audit_entries")


class GenerateRefused(Exception):
    pass


def generate(config, projects: int, *, seed: int = 2026, years: int = 10, echo=None) -> dict:
    """Load the benchmark city into an empty database; returns rows and seconds per table."""
    if config.get("IS_PRODUCTION"):
        raise GenerateRefused("Refusing to generate benchmark data in a production configuration.")
    if db.session.scalar(select(func.count()).select_from(User)) or \
            db.session.scalar(select(func.count()).select_from(Project)):
        raise GenerateRefused("The database is not empty; benchmark data loads only into an empty database.")
    set_actor(None, "cli", "flask bench generate")
    began = time.perf_counter()
    writer = Writer(db.session.connection())
    tables = db.metadata.tables
    unit_rows = city.units()
    user_rows = city.users(random.Random(seed), unit_rows, config["PASSWORD_HASH_METHOD"])
    writer.write(tables["units"], unit_rows)
    writer.write(tables["users"], user_rows)
    policies = _setup(unit_rows)
    reward_policy = create_reward_policy(db.session.get(User, 1), REWARD_POLICY)  # before the ids are read
    db.session.flush()
    builder = ProjectBuilder(_city(unit_rows, user_rows, policies), seed, years)
    trips = TripBuilder(builder.city, user_rows, seed, years)
    payouts = PayoutBuilder(builder.city, reward_policy, user_rows, seed)
    for start in range(0, projects, CHUNK):
        out = defaultdict(list)
        for _ in range(min(CHUNK, projects - start)):
            builder.build(out)
        trips.build(out)  # trips and payouts refer to the chunk's projects, contracts and terms
        payouts.build(out)
        for name in TABLES:
            writer.write(tables[name], out[name])
        if echo:
            echo(f"  {start + len(out['projects'])} projects, {time.perf_counter() - began:.0f} s")
    writer.reset_sequences(db.metadata.sorted_tables)
    rebuild_tallies(db.session)  # the rows were written past the ORM, whose flushes keep the tallies
    db.session.commit()
    _upkeep()
    return {"counts": writer.counts, "seconds": writer.seconds, "total_seconds": time.perf_counter() - began}


def _upkeep() -> None:
    """Planner statistics and visibility maps, as a database in use has them (autovacuum on PostgreSQL,
    ANALYZE in SQLite upkeep): bulk-loaded tables have no statistics, and PostgreSQL then guesses 51
    rows for 100,000 projects and picks nested loops (the home page took 677 ms instead of 227), nor a
    visibility map, without which index-only scans read the table anyway; autovacuum would set both a
    minute later, while the benchmark runs. VACUUM cannot run inside a transaction: autocommit."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("VACUUM ANALYZE"))
    else:
        db.session.execute(text("ANALYZE"))
        db.session.commit()


def _setup(unit_rows: list[dict]) -> dict:
    """Reference lists, the 8 demo chains and the two demo policies, through the services."""
    seed_default_lists()
    admin = db.session.get(User, 1)
    for name, description, codes in CHAINS:
        create_chain(admin, {"name": name, "description": description, "division_codes": list(codes)})
    port = next(u["id"] for u in unit_rows if u["name"] == "临港产业园")
    city_policy = create_policy(admin, CITY)
    park_policy = create_policy(admin, PARK | {"scope_unit_id": port})
    db.session.flush()
    return {None: city_policy, port: park_policy}


def _city(unit_rows: list[dict], user_rows: list[dict], policies: dict) -> City:
    by_role = defaultdict(list)  # plain rows, grouped: no permission decision is made here
    for u in user_rows:
        by_role[u["role"]].append(u)
    workers = defaultdict(list)
    for u in sorted(by_role["staff"] + by_role["unit_head"], key=lambda u: u["id"]):
        workers[u["unit_id"]].append((u["id"], u["name"]))
    parents = {u["id"]: u["parent_id"] for u in unit_rows}
    described = {scope: {"id": pol.id, "label": pol.label, "thresholds": thresholds(pol),
                         "negative": tuple(pol.negative_list_codes)} for scope, pol in policies.items()}

    def policy_of(unit_id):  # crm.screening.policies.policy_for: the nearest unit up the tree with one
        while unit_id is not None:
            if unit_id in described:
                return described[unit_id]
            unit_id = parents[unit_id]
        return described[None]

    # The services wrote a few rows (audit entries of the setup): ids continue after them.
    next_ids = {name: db.session.scalar(select(func.max(db.metadata.tables[name].c.id))) or 0 for name in TABLES}
    return City(
        next_ids=next_ids, today=local_today(), units=sorted(workers), workers=dict(workers),
        leaders=[u["id"] for u in by_role["leader"]],
        chains={c.name: c.id for c in db.session.scalars(select(Chain))},
        policies={u["id"]: policy_of(u["id"]) for u in unit_rows},
        sections=dict(db.session.execute(select(IndustryDivision.code, IndustryDivision.section_code)).all()))
