"""`flask demo load`: the demo city, created through the same services as real records."""

from __future__ import annotations

from sqlalchemy import func, select

from crm.admin.services import create_unit, create_user
from crm.auth.models import User
from crm.demo.city import CHAINS, DEMO_PASSWORD, UNITS, USERS
from crm.demo.payouts import load_payouts
from crm.demo.pipeline import DemoPipeline
from crm.demo.policies import CITY, PARK, REWARD_POLICY
from crm.demo.trips import load_trips
from crm.extensions import db
from crm.payouts.policies import create_reward_policy
from crm.reference.services import create_chain, seed_default_lists
from crm.screening.policies import create_policy


class DemoRefused(Exception):
    pass


def load_demo(config, *, if_empty: bool = False, project_count: int = 300) -> str:
    if config.get("IS_PRODUCTION"):
        raise DemoRefused("Refusing to load demo data into a production configuration.")
    if db.session.scalar(select(func.count()).select_from(User)):
        if if_empty:
            return "demo: database already has users, nothing loaded"
        raise DemoRefused("The database already has users; demo data loads only into an empty database.")
    seed_default_lists()
    admin = _bootstrap_admin()
    units = _units(admin)
    users = _users(admin, units)
    for name, description, codes in CHAINS:
        create_chain(admin, {"name": name, "description": description, "division_codes": list(codes)})
    db.session.flush()
    create_policy(admin, CITY)
    create_policy(admin, PARK | {"scope_unit_id": units["port"].id})
    create_reward_policy(admin, REWARD_POLICY)
    projects = DemoPipeline().run(project_count)
    trips, payouts = load_trips(), load_payouts()
    return (f"demo: {len(units)} units, {len(users) + 1} users, {len(CHAINS)} chains, {projects} projects, "
            f"{len(trips)} trips, {len(payouts)} payouts loaded (password {DEMO_PASSWORD})")


def _bootstrap_admin() -> User:
    # The first admin cannot be created by an admin; everything after it goes through services.
    username, name, role, _unit = USERS[0]
    admin = User(username=username, name=name, role=role)
    admin.set_password(DEMO_PASSWORD)
    db.session.add(admin)
    db.session.flush()
    return admin


def _units(admin: User) -> dict:
    units = {}
    for key, name, kind, parent, location in UNITS:
        parent_id = units[parent].id if parent else None
        units[key] = create_unit(admin, {"name": name, "kind": kind, "parent_id": parent_id, "location": location})
    admin.unit_id = units["bureau"].id
    return units


def _users(admin: User, units: dict) -> dict:
    users = {}
    for username, name, role, unit_key in USERS[1:]:
        users[username] = create_user(
            admin, {"username": username, "name": name, "role": role, "unit_id": units[unit_key].id, "active": True},
            DEMO_PASSWORD,
        )
    return users
