"""factory_boy factories and the standard test world."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from crm.auth.models import User
from crm.extensions import db
from crm.projects.identity import normalise_company_name
from crm.projects.models import Project
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


class ProjectFactory(BaseFactory):
    """A project in talks; pass unit/owner (the world's users) to place it."""

    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"年产{n}万套汽车零部件项目")
    investor_name = factory.Sequence(lambda n: f"示范{n}汽车零部件有限公司")
    investor_name_norm = factory.LazyAttribute(lambda o: normalise_company_name(o.investor_name))
    industry_code = "36"
    source = "business_referral"
    total_investment_wan = Decimal("50000")
    fixed_asset_investment_wan = Decimal("40000")
    land_area_mu = Decimal("150")
    expected_annual_output_wan = Decimal("80000")
    expected_annual_tax_wan = Decimal("3000")
    annual_energy_tce = Decimal("800")
    jobs = 300
    kind = "new"
    fund_origin = "province_outside"
    stage = "talks"
    status = "active"
    search_text = factory.LazyAttribute(lambda o: f"{o.name} {o.investor_name}".lower())


def signed_screening(project, signer, verdict="pass", conditions=None, signed_at=None):
    """A screening signed off by a leader, as the screening capability records it; by default
    long enough ago to precede any review meeting a test records."""
    from datetime import UTC, datetime

    from crm.screening.current import start_new_screening
    from crm.screening.models import Screening

    start_new_screening(project.id, datetime.now(UTC))  # as the services do: the new one is current
    screening = Screening(
        is_current=True, project_id=project.id, proposed_verdict=verdict, verdict=verdict, conditions=conditions,
        comment="同意", negative_list_confirmed=True, created_by_id=signer.id, signed_by_id=signer.id,
        signed_at=signed_at or datetime(2020, 1, 1, 9, tzinfo=UTC), inputs={"total_investment_wan": str(project.total_investment_wan)})
    db.session.add(screening)
    db.session.commit()
    return screening


def gate_data(stage: str, when, **overrides) -> dict:
    """Complete gate data for entering `stage` on business date `when` (a date)."""
    from datetime import timedelta

    data = {"to": stage, "effective_date": when.isoformat()}
    if stage == "approved":
        data |= {"meeting_name": "2026年第12次项目评审会", "minutes_no": "评审纪要〔2026〕12号"}
    elif stage == "signed":
        data |= {
            "contract_no": f"HT-{when:%Y%m%d}-{overrides.pop('n', 1)}",
            "contract_investment_wan": "50000",
            "agreed_start_date": (when + timedelta(days=30)).isoformat(),
            "agreed_production_date": (when + timedelta(days=400)).isoformat(),
            "commitments": [
                {"due_date": (when + timedelta(days=180)).isoformat(), "amount_wan": "20000", "description": "一期"},
                {"due_date": (when + timedelta(days=540)).isoformat(), "amount_wan": "30000", "description": "二期"},
            ],
            "incentive_terms": [{"kind": "设备补助", "cap_wan": "500", "condition_stage": "producing",
                                 "description": "设备投资额 5%"}],
        }
    elif stage == "started":
        data |= {"land_area_mu": "150", "land_certificate_no": "示范不动产权第0012345号"}
    return data | overrides


def finish_permits(project, when):
    from crm.pipeline.permits import permits_of

    for permit in permits_of(project):
        permit.done_date = when
    db.session.commit()
