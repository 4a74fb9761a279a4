"""factory_boy factories and the standard test world."""

from __future__ import annotations

from types import SimpleNamespace

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from crm.auth.models import User
from crm.extensions import db
from crm.reference.models import Chain
from crm.units.models import Unit

PASSWORD = "Demo@2026"


class BaseFactory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class UnitFactory(BaseFactory):
    class Meta:
        model = Unit

    name = factory.Sequence(lambda n: f"测试单位{n}")
    kind = "chain_team"


class UserFactory(BaseFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")
    name = factory.Sequence(lambda n: f"用户{n}")
    role = "staff"
    unit = factory.SubFactory(UnitFactory)
    active = True
    password_hash = factory.LazyFunction(lambda: generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"))


class ChainFactory(BaseFactory):
    class Meta:
        model = Chain

    name = factory.Sequence(lambda n: f"产业链{n}")


def make_world() -> SimpleNamespace:
    """Bureau, unit A (head_a, staff_a), unit B (staff_b), admin, leader, viewer."""
    bureau = UnitFactory(name="示范市投资促进局", kind="bureau")
    unit_a = UnitFactory(name="先进制造产业招商组", kind="chain_team", parent=bureau)
    unit_b = UnitFactory(name="驻上海招商组", kind="resident_team", parent=bureau, location="上海市")
    return SimpleNamespace(
        bureau=bureau, unit_a=unit_a, unit_b=unit_b,
        admin=UserFactory(username="admin", name="系统管理员", role="admin", unit=bureau),
        leader=UserFactory(username="leader", name="王建国", role="leader", unit=bureau),
        viewer=UserFactory(username="viewer", name="刘敏", role="viewer", unit=bureau),
        head_a=UserFactory(username="head_a", name="陈志强", role="unit_head", unit=unit_a),
        staff_a=UserFactory(username="staff_a", name="李晓燕", role="staff", unit=unit_a),
        staff_b=UserFactory(username="staff_b", name="张伟", role="staff", unit=unit_b),
    )
