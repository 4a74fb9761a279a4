"""A small city with known transitions across the boundaries of 2025 Q1 (the funnel's tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace

from crm.extensions import db
from crm.pipeline.models import Transition
from tests.factories import ChainFactory, ProjectFactory

Q1 = ("2025-01-01", "2025-03-31")


def at(text: str) -> datetime:
    """A UTC moment from 'YYYY-MM-DD HH:MM' in UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def move(project, actor, kind, day, to_stage=None, to_status=None, reason=None):
    """Record a transition as the pipeline stores it (append-only, the project follows it)."""
    t = Transition(project_id=project.id, kind=kind, from_stage=project.stage, to_stage=to_stage or project.stage,
                   from_status=project.status, to_status=to_status or project.status,
                   effective_date=date.fromisoformat(day), actor_id=actor.id,
                   reason=reason or ("更正" if kind in ("correction", "drop") else None))
    db.session.add(t)
    project.stage, project.status = t.to_stage, t.to_status
    project.drop_reason_code = t.reason if kind == "drop" else None
    db.session.commit()
    return t


def build(world) -> SimpleNamespace:
    a, b, admin = world.unit_a, world.unit_b, world.admin
    chain = ChainFactory(name="新能源汽车")

    def project(name, created, unit=a, **kw):
        owner = world.staff_a if unit is a else world.staff_b
        if "total_investment_wan" in kw:
            kw["fixed_asset_investment_wan"] = None
        return ProjectFactory(name=name, unit=unit, owner=owner, created_at=at(created), chain=kw.pop("chain", chain),
                              **kw)

    w = SimpleNamespace(chain=chain)
    w.p1 = project("P1 首日过会末日签约", "2024-12-01 02:00")
    move(w.p1, admin, "advance", "2025-01-01", "approved")
    move(w.p1, admin, "advance", "2025-03-31", "signed")
    w.p2 = project("P2 期外", "2024-12-10 02:00", chain=None)
    move(w.p2, admin, "advance", "2024-12-31", "approved")
    move(w.p2, admin, "advance", "2025-04-01", "signed")
    # Recorded at 00:30 on 1 January in 示范市: still 31 December in UTC.
    w.p3 = project("P3 首日录入后终止", "2024-12-31 16:30", total_investment_wan=Decimal("20000"))
    move(w.p3, admin, "advance", "2025-02-01", "approved")
    move(w.p3, admin, "drop", "2025-03-01", to_status="dropped", reason="other")
    w.p4 = project("P4 暂缓", "2025-02-15 02:00", total_investment_wan=Decimal("150000"))
    move(w.p4, admin, "advance", "2025-03-01", "approved")
    move(w.p4, admin, "hold", "2025-03-10", to_status="on_hold")
    w.p5 = project("P5 管理员更正越过签约", "2024-06-01 02:00")
    move(w.p5, admin, "correction", "2025-02-01", "signed")
    move(w.p5, admin, "advance", "2025-03-15", "started")
    w.p6 = project("P6 两次过会", "2024-11-01 02:00")
    move(w.p6, admin, "advance", "2025-01-10", "approved")
    move(w.p6, admin, "correction", "2025-01-20", "talks")
    move(w.p6, admin, "advance", "2025-02-10", "approved")
    w.p7 = project("P7 增资", "2025-01-05 02:00", kind="capital_increase", parent_project=w.p1,
                   total_investment_wan=Decimal("5000"))
    move(w.p7, admin, "advance", "2025-02-20", "approved")
    w.p8 = project("P8 末日深夜录入", "2025-03-31 15:30")  # 23:30 local, 31 March
    w.p9 = project("P9 次日凌晨录入", "2025-03-31 16:10")  # 00:10 local, 1 April
    w.p10 = project("P10 乙单位", "2025-01-15 02:00", unit=b, total_investment_wan=Decimal("600000"))
    move(w.p10, admin, "advance", "2025-01-20", "approved")
    w.p11 = project("P11 去年同期", "2024-01-10 02:00")
    move(w.p11, admin, "advance", "2024-02-01", "approved")
    move(w.p11, admin, "advance", "2024-03-01", "signed")
    return w
