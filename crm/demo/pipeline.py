"""~300 demo projects over three years, created and moved through the real services and gates.

Screening sign-offs are recorded the way the screening capability records them (a Screening row
signed by a leader) until that capability has its own services.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from stdnum.cn import uscc

from crm.audit.services import start_batch
from crm.auth.models import Role, User
from crm.core.dates import local_today
from crm.demo.catalog import (
    BRANDS,
    FOLLOW_UP_NOTES,
    FOREIGN_HOMES,
    INVESTOR_HOMES,
    NEXT_ACTIONS,
    PRODUCTS,
    TRADES,
)
from crm.domain import FundOrigin, IncentiveCondition, Move, ProjectKind, Stage, Status, Verdict
from crm.extensions import db
from crm.followups.services import add_follow_up, complete_next_action
from crm.pipeline import services as pipeline
from crm.pipeline.permits import complete_permit, permits_of
from crm.projects.models import Project
from crm.projects.services import create_project
from crm.reference.models import Chain
from crm.screening.services import decide, prepare_screening
from crm.units.models import Unit

TARGET_STAGES = ((Stage.TALKS,) * 35 + (Stage.APPROVED,) * 14 + (Stage.SIGNED,) * 20 + (Stage.STARTED,) * 18
                 + (Stage.PRODUCING,) * 13)
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def _money(value: float) -> Decimal:
    return Decimal(str(round(value, -1) or 10)).quantize(Decimal("0.01"))


class DemoPipeline:
    def __init__(self, seed: int = 2026) -> None:
        self.rng = random.Random(seed)
        self.today = local_today()
        self.units = [u for u in db.session.scalars(select(Unit).order_by(Unit.id)) if u.kind != "bureau"]
        users = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))
        self.leaders = [u for u in users if u.role == Role.LEADER]
        self.workers = {u.id: [w for w in users if w.unit_id == u.id and w.role in (Role.STAFF, Role.UNIT_HEAD)]
                        for u in self.units}
        self.chains = {c.name: c for c in db.session.scalars(select(Chain))}
        self.contract_seq = 0
        self.projects: list[Project] = []

    def run(self, count: int = 300) -> int:
        for i in range(count):
            self._one(i)
        self._capital_increases()
        self._awaiting_signoff()
        return len(self.projects)

    def _awaiting_signoff(self) -> None:
        """A few projects in talks have a screening prepared and waiting for a leader; one is vetoed."""
        waiting = [p for p in self.projects if p.stage == Stage.TALKS and p.status == Status.ACTIVE][-4:]
        owner = db.session.get(User, waiting[0].owner_id) if waiting else None
        if owner is not None:
            vetoed = create_project(owner, {
                "name": "年产30万吨石油焦煅烧项目", "investor_name": "邻市鑫源炭素有限公司", "industry_code": "25",
                "source": "agency", "unit_id": owner.unit_id, "owner_id": owner.id, "kind": ProjectKind.NEW,
                "total_investment_wan": "68000", "fixed_asset_investment_wan": "52000", "land_area_mu": "260",
                "expected_annual_output_wan": "90000", "expected_annual_tax_wan": "3200",
                "annual_energy_tce": "86000", "jobs": 180, "fund_origin": "city_outside"})
            self.projects.append(vetoed)
            waiting.append(vetoed)
        for project in waiting:
            prepare_screening(db.session.get(User, project.owner_id), project)

    # --- one project -------------------------------------------------------------------------
    def _one(self, i: int) -> None:
        rng = self.rng
        unit = rng.choice([u for u in self.units if self.workers[u.id]])
        owner = rng.choice(self.workers[unit.id])
        chain_name = rng.choice(list(PRODUCTS))
        codes, products, energy_per_yi = PRODUCTS[chain_name]
        code = rng.choice(codes)
        created = self.today - timedelta(days=rng.randint(20, 3 * 365))
        data = self._figures(i, code, rng.choice(products), energy_per_yi)
        data |= {"industry_code": code, "chain_id": self.chains[chain_name].id if chain_name in self.chains else None,
                 "source": rng.choice(("business_referral", "resident_team", "trip", "expo", "online", "agency",
                                       "business_referral", "resident_team", "other")),
                 "unit_id": unit.id, "owner_id": owner.id,
                 "lead_leader_id": rng.choice(self.leaders).id if rng.random() < 0.7 else None,
                 "location": rng.choice(("示范高新区", "示范经开区", "临港产业园", "城东街道", "青石镇"))}
        start_batch()  # one action of the story, one entry in the history
        project = create_project(owner, data, [{"name": rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("总", "经理", "董事长")),
                                                "title": "投资负责人", "phone": f"139{rng.randint(10_000_000, 99_999_999)}"}])
        project.created_at = datetime(created.year, created.month, created.day, 9, tzinfo=UTC)
        self._follow_ups(project, owner, created)
        self._walk(project, owner, created, rng.choice(TARGET_STAGES))
        self.projects.append(project)

    def _figures(self, i: int, code: str, product: str, energy_per_yi: int) -> dict:
        rng = self.rng
        total = 10 ** rng.uniform(3.3, 5.9)  # 2,000 to 800,000 万元
        rented = total < 20_000 and rng.random() < 0.4
        intensity = rng.uniform(150, 520)
        land = None if rented else _money(total * 0.8 / intensity)
        output = total * rng.uniform(0.8, 2.5)
        home, region, origin = rng.choice(INVESTOR_HOMES)
        foreign = rng.random() < 0.08
        brand = rng.choice(BRANDS)
        investor = (f"{rng.choice(FOREIGN_HOMES)}{brand}{TRADES[code]}投资有限公司" if foreign
                    else f"{home}{brand}{TRADES[code]}{'股份' if rng.random() < 0.3 else ''}有限公司")
        figures = {
            "name": f"年产{rng.choice((5, 10, 20, 30, 50, 100))}万{'套' if code in ('36', '34', '35', '37') else '件'}{product}项目"
            if code not in ("54", "58", "59", "63", "64", "65") else f"{brand}{product}项目",
            "investor_name": investor,
            "investor_uscc": None if foreign or rng.random() < 0.15 else self._uscc(region),
            "total_investment_wan": _money(total), "fixed_asset_investment_wan": _money(total * rng.uniform(0.6, 0.9)),
            "land_area_mu": land, "floor_area_m2": _money(rng.uniform(3000, 20000)) if rented else None,
            "expected_annual_output_wan": _money(output),
            "expected_annual_tax_wan": _money(output * rng.uniform(0.02, 0.07)),
            "annual_energy_tce": (energy := _money(total / 10_000 * energy_per_yi * rng.uniform(0.4, 1.8))),
            # Mostly electricity (1 万千瓦时 ≈ 1.229 tce on the equivalent-value basis).
            "annual_electricity_wan_kwh": (energy * Decimal(str(round(rng.uniform(0.3, 0.75), 2)))).quantize(Decimal("0.01")),
            "jobs": int(total / rng.uniform(80, 400)) + 10, "kind": ProjectKind.NEW,
            "fund_origin": FundOrigin.FOREIGN if foreign else origin,
        }
        if foreign:
            figures |= {"exchange_rate": Decimal("7.1200"),
                        "foreign_investment_usd_wan": _money(total / 7.12)}
        return figures

    def _uscc(self, region: str) -> str:
        body = "91" + region + "".join(self.rng.choice(USCC_ALPHABET) for _ in range(9))
        return body + uscc.calc_check_digit(body)

    # --- moving it along ---------------------------------------------------------------------
    def _walk(self, project: Project, actor: User, created: date, target: Stage) -> None:
        rng, when = self.rng, created
        for stage in list(Stage)[1:]:
            if target == Stage.TALKS or when >= self.today:
                break
            step = {Stage.APPROVED: (20, 120), Stage.SIGNED: (15, 90), Stage.STARTED: (20, 120),
                    Stage.PRODUCING: (150, 420)}[stage]
            when = when + timedelta(days=rng.randint(*step))
            if when > self.today:
                break
            if stage == Stage.APPROVED and not self._screening(project, when):
                # Screened out before the meeting (严把项目落地审核关): most are dropped, some stay in talks.
                if rng.random() < 0.7:
                    start_batch()  # one action of the story, one entry in the history
                    pipeline.drop(actor, project, {"effective_date": when, "reason": "screening_failed"})
                return
            self._enter(project, actor, stage, when)
            # Old projects have mostly moved on: a target long past is usually overtaken.
            if stage == target and ((self.today - when).days < 240 or rng.random() < 0.3):
                break
        if project.stage == Stage.SIGNED:
            self._some_permits_done(project, actor)
        self._maybe_pause_or_drop(project, actor, when)

    def _some_permits_done(self, project: Project, actor: User) -> None:
        for permit in permits_of(project):
            if permit.required and permit.due_date <= self.today and self.rng.random() < 0.7:
                done = min(self.today, permit.due_date - timedelta(days=self.rng.randint(0, 30)))
                start_batch()  # one action of the story, one entry in the history
                complete_permit(actor, permit, {"done_date": done}, permit.version)

    def _enter(self, project: Project, actor: User, stage: Stage, when: date) -> None:
        data = {"to": Move(stage), "effective_date": when}
        if stage == Stage.APPROVED:
            n = self.rng.randint(1, 40)
            data |= {"meeting_name": f"{when.year}年第{n}次招商项目评审会", "minutes_no": f"示招审〔{when.year}〕{n}号"}
        elif stage == Stage.SIGNED:
            data |= self._contract(project, when)
        elif stage == Stage.STARTED:
            for permit in permits_of(project):
                if permit.required:
                    done = min(when, permit.due_date) - timedelta(days=self.rng.randint(0, 20))
                    start_batch()  # one action of the story, one entry in the history
                    complete_permit(actor, permit, {"done_date": max(done, when - timedelta(days=60)),
                                                    "reference_no": f"示审批〔{when.year}〕{permit.id}号"}, permit.version)
            if project.land_area_mu:
                data |= {"land_area_mu": project.land_area_mu,
                         "land_certificate_no": f"示范不动产权第{self.rng.randint(1_000_000, 9_999_999)}号"}
        start_batch()  # one action of the story, one entry in the history
        pipeline.apply_transition(actor, project, data)

    def _screening(self, project: Project, meeting: date) -> bool:
        """Prepare and sign a screening some days before the meeting; False when it rejects."""
        prepared = meeting - timedelta(days=self.rng.randint(10, 25))
        signed = meeting - timedelta(days=self.rng.randint(2, 9))
        start_batch()  # one action of the story, one entry in the history
        screening = prepare_screening(db.session.get(User, project.owner_id), project)
        verdict = screening.proposed_verdict
        start_batch()
        decide(self.rng.choice(self.leaders), screening, {
            "verdict": verdict, "negative_list_confirmed": True,
            "comment": {Verdict.PASS: "符合准入标准，同意提交项目评审会", Verdict.CONDITIONAL: "基本符合，附条件提交评审会",
                        Verdict.REJECT: "未达到准入标准，不予提交评审会"}[verdict],
            "conditions": ("投产后三年内亩均税收须达到准入标准，未达标按合同约定收回相应政策"
                           if verdict == Verdict.CONDITIONAL else None)})
        screening.created_at = datetime(prepared.year, prepared.month, prepared.day, 10, tzinfo=UTC)
        screening.signed_at = datetime(signed.year, signed.month, signed.day, 16, tzinfo=UTC)
        db.session.flush()
        return verdict != Verdict.REJECT

    def _contract(self, project: Project, when: date) -> dict:
        self.contract_seq += 1
        amount = project.total_investment_wan
        first = (amount * Decimal("0.4")).quantize(Decimal("0.01"))
        start = when + timedelta(days=self.rng.randint(30, 150))
        return {
            "contract_no": f"示招合〔{when.year}〕{self.contract_seq:03d}号", "contract_investment_wan": amount,
            "agreed_start_date": start, "agreed_production_date": start + timedelta(days=self.rng.randint(240, 540)),
            "commitments": [{"due_date": start + timedelta(days=180), "amount_wan": first, "description": "一期建设"},
                            {"due_date": start + timedelta(days=540), "amount_wan": amount - first,
                             "description": "二期建设"}],
            "incentive_terms": [{"kind": "固定资产投资补助", "cap_wan": (amount * Decimal("0.02")).quantize(Decimal("0.01")),
                                 "condition_stage": IncentiveCondition.STARTED, "description": "按设备投资额 2% 分年兑现"},
                                {"kind": "税收贡献奖励", "cap_wan": (amount * Decimal("0.01")).quantize(Decimal("0.01")),
                                 "condition_stage": IncentiveCondition.PRODUCING, "description": "投产后地方留成部分的 50%"}],
        }

    def _maybe_pause_or_drop(self, project: Project, actor: User, after: date) -> None:
        roll = self.rng.random()
        when = min(self.today, after + timedelta(days=self.rng.randint(10, 60)))
        if project.stage in (Stage.TALKS, Stage.APPROVED) and roll < 0.14:
            start_batch()  # one action of the story, one entry in the history
            pipeline.drop(actor, project, {"effective_date": when, "reason": self.rng.choice(
                ("strategy_change", "factor_shortage", "policy_mismatch", "lost_to_other_region"))})
        elif project.stage in (Stage.TALKS, Stage.APPROVED, Stage.SIGNED) and roll < 0.2:
            start_batch()  # one action of the story, one entry in the history
            pipeline.hold(actor, project, {"effective_date": when, "note": "企业融资安排调整，项目暂缓推进"})

    def _follow_ups(self, project: Project, owner: User, created: date) -> None:
        rng = self.rng
        span = (self.today - created).days
        for _ in range(rng.randint(1, 5)):
            on = created + timedelta(days=rng.randint(0, max(span - 1, 0)))
            with_action = rng.random() < 0.5
            data = {"followed_on": on, "kind": rng.choice(("visit", "call", "meeting", "reception", "online")),
                    "people": owner.name, "notes": rng.choice(FOLLOW_UP_NOTES)}
            if with_action:
                data |= {"next_action": rng.choice(NEXT_ACTIONS), "next_action_owner_id": owner.id,
                         "next_action_due": on + timedelta(days=rng.randint(5, 30))}
            start_batch()  # one action of the story, one entry in the history
            follow_up = add_follow_up(owner, project, data)
            if with_action and data["next_action_due"] < self.today - timedelta(days=20):
                complete_next_action(owner, follow_up, follow_up.version)

    def _capital_increases(self) -> None:
        """A few investors already producing here invest again: 增资 projects linked to the original."""
        producing = [p for p in self.projects if p.stage == Stage.PRODUCING][:8]
        for original in producing:
            owner = db.session.get(User, original.owner_id)
            data = {k: getattr(original, k) for k in (
                "investor_name", "investor_uscc", "industry_code", "chain_id", "source", "unit_id", "owner_id",
                "lead_leader_id", "fund_origin", "foreign_investment_usd_wan", "exchange_rate")}
            extra = _money(float(original.total_investment_wan) * self.rng.uniform(0.2, 0.6))
            data |= {"name": original.name.replace("项目", "二期增资项目"), "kind": ProjectKind.CAPITAL_INCREASE,
                     "parent_project_id": original.id, "total_investment_wan": extra,
                     "fixed_asset_investment_wan": (extra * Decimal("0.8")).quantize(Decimal("0.01")),
                     "floor_area_m2": Decimal("8000.00"), "expected_annual_output_wan": extra,
                     "expected_annual_tax_wan": (extra * Decimal("0.05")).quantize(Decimal("0.01")),
                     "annual_energy_tce": (extra / 100).quantize(Decimal("0.01"))}
            if data["fund_origin"] == FundOrigin.FOREIGN:
                data["foreign_investment_usd_wan"] = (extra / Decimal("7.12")).quantize(Decimal("0.01"))
            start_batch()  # one action of the story, one entry in the history
            project = create_project(owner, data)
            self.projects.append(project)
