"""One project's rows in every table, consistent with the gates as the services would leave them.

Mirrors crm/demo/pipeline.py (which goes through the services) but builds plain rows for bulk
inserts: the project, contacts, a signed screening before the 过会 meeting, transitions with
non-decreasing business dates, the gate records (meeting approval, contract with commitments that
sum, incentive terms, permits by the rules, land supply), follow-ups, and the audit trail.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

from crm.bench.audit import AuditTrail
from crm.demo.catalog import FOLLOW_UP_NOTES, NEXT_ACTIONS, PRODUCTS
from crm.demo.pipeline import TARGET_STAGES, DemoPipeline
from crm.domain import EnergyTier, PermitKind
from crm.pipeline.permits import EIA_SECTIONS
from crm.projects.identity import normalise_company_name
from crm.screening.scoring import Inputs, screen

TWO = Decimal("0.01")
STEPS = {"approved": (20, 120), "signed": (15, 90), "started": (20, 120), "producing": (150, 420)}
SOURCES = ("business_referral", "resident_team", "trip", "expo", "online", "agency", "business_referral",
           "resident_team", "other")
LOCATIONS = ("示范高新区", "示范经开区", "临港产业园", "城东街道", "青石镇")
DROP_REASONS = ("strategy_change", "factor_shortage", "policy_mismatch", "lost_to_other_region")
COMMENTS = {"pass": "符合准入标准，同意提交项目评审会", "conditional": "基本符合，附条件提交评审会",
            "reject": "未达到准入标准，不予提交评审会"}
CONDITIONS = "投产后三年内亩均税收须达到准入标准，未达标按合同约定收回相应政策"


@lru_cache(maxsize=200_000)
def initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


def at(day: date, hour: int) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@dataclass
class City:
    """What the rows refer to: units and their people, chains, policies, industry sections."""

    today: date
    units: list[int]
    workers: dict[int, list[tuple[int, str]]]
    leaders: list[int]
    chains: dict[str, int]
    policies: dict[int, dict]  # unit id → {"id", "label", "thresholds", "negative"}
    sections: dict[str, str]
    next_ids: dict[str, int] = field(default_factory=dict)
    producing: list[dict] = field(default_factory=list)
    contract_seq: int = 0

    def new_id(self, table: str) -> int:
        self.next_ids[table] = self.next_ids.get(table, 0) + 1
        return self.next_ids[table]


class ProjectBuilder(DemoPipeline):
    """Borrows the demo's figures and USCC maker (they only use `self.rng`); builds rows instead."""

    # Not calling super().__init__: it would read units and users through the ORM.
    def __init__(self, city: City, seed: int, years: int) -> None:
        self.rng, self.city, self.years, self.today = random.Random(seed), city, years, city.today

    def build(self, out: dict[str, list[dict]]) -> None:
        rng, c = self.rng, self.city
        unit = rng.choice(c.units)
        owner_id, owner_name = rng.choice(c.workers[unit])
        chain_name = rng.choice(list(PRODUCTS))
        codes, products, energy_per_yi = PRODUCTS[chain_name]
        code = rng.choice(codes)
        created = self.today - timedelta(days=rng.randint(20, self.years * 365))
        figures = self._figures(0, code, rng.choice(products), energy_per_yi)
        parent = rng.choice(c.producing) if c.producing and rng.random() < 0.03 else None
        if parent is not None:
            figures = self._increase(parent, figures)
            created = min(self.today - timedelta(days=20), parent["_done"] + timedelta(days=rng.randint(30, 400)))
        pid = c.new_id("projects")
        p = {"id": pid, **figures, "industry_code": code, "chain_id": c.chains.get(chain_name),
             "source": rng.choice(SOURCES), "unit_id": unit, "owner_id": owner_id,
             "lead_leader_id": rng.choice(c.leaders) if rng.random() < 0.7 else None,
             "location": rng.choice(LOCATIONS), "stage": "talks", "status": "active", "drop_reason_code": None,
             "parent_project_id": parent["id"] if parent else None, "created_at": at(created, 1),
             "amounts_changed_after_signing": False}
        p["investor_name_norm"] = normalise_company_name(p["investor_name"])
        p["search_text"] = " ".join((p["name"], p["investor_name"], initials(p["name"]),
                                     initials(p["investor_name"]))).lower()[:600]
        self.out, self.p, self.owner, self.last = out, p, (owner_id, owner_name), created
        self.current_screening = None  # the project's current screening row (crm/screening/current.py)
        self.audit = AuditTrail(rng, owner_id, pid)
        self.audit.insert("projects", p, at(created, 1))
        self._contacts(created)
        self._walk(created, rng.choice(TARGET_STAGES))
        self._follow_ups(created)
        self._edits(created)
        p["updated_at"] = at(self.last, 2)
        p["version"] = 1 + self.audit.updates_of("projects", pid)
        out["projects"].append(p)
        out["audit_entries"].extend(self.audit.rows(c))
        if p["stage"] == "producing" and p["status"] == "active" and p["kind"] == "new":
            c.producing.append({k: p[k] for k in ("id", "name", "investor_name", "investor_uscc", "fund_origin",
                                                   "total_investment_wan")} | {"_done": self.last})

    def _increase(self, parent: dict, figures: dict) -> dict:
        extra = Decimal(str(round(float(parent["total_investment_wan"]) * self.rng.uniform(0.2, 0.6), -1) or 10))
        figures |= {"name": parent["name"].replace("项目", "二期增资项目"), "kind": "capital_increase",
                    "investor_name": parent["investor_name"], "investor_uscc": parent["investor_uscc"],
                    "total_investment_wan": extra.quantize(TWO), "fixed_asset_investment_wan": (extra * Decimal("0.8")).quantize(TWO),
                    "land_area_mu": None, "floor_area_m2": Decimal("8000.00"),
                    "expected_annual_output_wan": extra.quantize(TWO),
                    "expected_annual_tax_wan": (extra * Decimal("0.05")).quantize(TWO),
                    "annual_energy_tce": (extra / 100).quantize(TWO),
                    "annual_electricity_wan_kwh": (extra / 300).quantize(TWO),
                    "fund_origin": parent["fund_origin"]}
        if figures["fund_origin"] == "foreign":
            figures |= {"exchange_rate": Decimal("7.1200"),
                        "foreign_investment_usd_wan": (extra / Decimal("7.12")).quantize(TWO)}
        else:
            figures |= {"exchange_rate": None, "foreign_investment_usd_wan": None}
        return figures

    # --- records ------------------------------------------------------------------------------
    def _row(self, table: str, row: dict, when: datetime) -> dict:
        row = {"id": self.city.new_id(table), **row}
        self.out[table].append(row)
        self.audit.insert(table, row, when)
        return row

    def _contacts(self, created: date) -> None:
        for _ in range(self.rng.choice((1, 1, 2))):
            self._row("project_contacts", {
                "project_id": self.p["id"], "name": self.rng.choice("王李张刘陈杨赵黄周吴") + self.rng.choice(("总", "经理", "董事长")),
                "title": "投资负责人", "phone": f"139{self.rng.randint(10_000_000, 99_999_999)}",
                "created_at": at(created, 1)}, at(created, 1))

    def _transition(self, kind: str, when: date, *, to_stage=None, to_status=None, reason=None, note=None) -> dict:
        p = self.p
        row = self._row("project_transitions", {
            "project_id": p["id"], "kind": kind, "from_stage": p["stage"], "to_stage": to_stage or p["stage"],
            "from_status": p["status"], "to_status": to_status or p["status"], "effective_date": when,
            "actor_id": self.owner[0], "reason": reason, "note": note, "created_at": at(when, 3)}, at(when, 3))
        changes = {}
        if row["to_stage"] != p["stage"]:
            changes["stage"] = [p["stage"], row["to_stage"]]
        if row["to_status"] != p["status"]:
            changes["status"] = [p["status"], row["to_status"]]
        if kind == "drop":
            changes["drop_reason_code"] = [None, reason]
            p["drop_reason_code"] = reason
        self.audit.update("projects", p["id"], changes, at(when, 3))
        p["stage"], p["status"], self.last = row["to_stage"], row["to_status"], when
        return row

    # --- the walk through the stages -------------------------------------------------------------
    def _walk(self, created: date, target: str) -> None:
        rng, when, screening = self.rng, created, None
        for stage in ("approved", "signed", "started", "producing"):
            if target == "talks":
                break
            when = when + timedelta(days=rng.randint(*STEPS[stage]))
            if when > self.today:
                break
            if stage == "approved":
                screening = self._screening(created, when, signed=True)
                if screening["verdict"] == "reject":
                    if rng.random() < 0.7:
                        self._transition("drop", when, to_status="dropped", reason="screening_failed")
                    return
            self._enter(stage, when, screening)
            if stage == target and ((self.today - when).days < 240 or rng.random() < 0.3):
                break
        if self.p["stage"] == "talks" and rng.random() < 0.03:
            self._screening(created, min(self.today, created + timedelta(days=rng.randint(5, 60))), signed=False)
        self._maybe_pause_or_drop(when)

    def _screening(self, created: date, meeting: date, signed: bool) -> dict:
        rng, p = self.rng, self.p
        policy = self.city.policies[p["unit_id"]]
        prepared = max(created, meeting - timedelta(days=rng.randint(10, 25)))
        signed_on = max(prepared, meeting - timedelta(days=rng.randint(2, 9)))
        inputs = {k: p[k] for k in Inputs.__dataclass_fields__}
        result = screen(Inputs(**inputs), policy["thresholds"])
        verdict = result.proposed_verdict if signed else None
        row = {"project_id": p["id"], "policy_id": policy["id"], "policy_version": policy["label"],
               "inputs": {k: None if v is None else str(v) for k, v in inputs.items()},
               "indicators": {k: None if v is None else f"{v:f}" for k, v in result.indicators.items()},
               "scores": {k: str(v.quantize(TWO)) for k, v in result.scores.items()}, "met": result.met,
               "not_applicable": result.not_applicable, "vetoes": result.vetoes,
               "industry_fit": result.industry_fit, "energy_review_tier": result.energy_review_tier,
               "score": result.score.quantize(TWO), "proposed_verdict": result.proposed_verdict,
               "verdict": None, "conditions": None, "comment": None, "negative_list_confirmed": False,
               "negative_list_checked": [], "created_by_id": self.owner[0], "created_at": at(prepared, 2),
               "signed_by_id": None, "signed_at": None, "superseded_at": None}
        row = self._row("screenings", row, at(prepared, 2))
        self._make_current(row, at(prepared, 2))
        if signed:
            signature = {"verdict": verdict, "comment": COMMENTS[verdict],
                         "conditions": CONDITIONS if verdict == "conditional" else None,
                         "negative_list_confirmed": True, "negative_list_checked": list(policy["negative"]),
                         "signed_by_id": rng.choice(self.city.leaders), "signed_at": at(signed_on, 8)}
            row.update(signature)
            self.audit.update("screenings", row["id"], {k: [None if k != "negative_list_confirmed" else False, v]
                                                        for k, v in signature.items()}, at(signed_on, 8),
                              actor=signature["signed_by_id"])
        self.last = max(self.last, signed_on if signed else prepared)
        return row

    def _make_current(self, row: dict, when: datetime) -> None:
        """As the services do (crm.screening.current.start_new_screening): the newest screening is the
        current one; an older one stops being current and, if still unsigned, is superseded. Set after
        `_row`, so the audit entry leaves the derived flag out, as the flush hook does."""
        older = self.current_screening
        if older is not None:
            older["is_current"] = False
            if older["signed_at"] is None:
                older["superseded_at"] = when
        row["is_current"], self.current_screening = True, row

    def _enter(self, stage: str, when: date, screening: dict) -> None:
        rng, p = self.rng, self.p
        transition = self._transition("advance", when, to_stage=stage)
        stamp = at(when, 3)
        if stage == "approved":
            n = rng.randint(1, 40)
            self._row("meeting_approvals", {
                "project_id": p["id"], "transition_id": transition["id"], "screening_id": screening["id"],
                "meeting_name": f"{when.year}年第{n}次招商项目评审会", "meeting_date": when,
                "minutes_no": f"示招审〔{when.year}〕{n}号", "conditions": screening["conditions"],
                "voided_by_id": None}, stamp)
        elif stage == "signed":
            self._contract(transition, when)
        elif stage == "started":
            self._permits_done(when, every=True)
            if p["land_area_mu"]:
                self._row("land_supplies", {
                    "project_id": p["id"], "transition_id": transition["id"], "land_area_mu": p["land_area_mu"],
                    "certificate_no": f"示范不动产权第{rng.randint(1_000_000, 9_999_999)}号", "voided_by_id": None}, stamp)

    def _contract(self, transition: dict, when: date) -> None:
        rng, p, c = self.rng, self.p, self.city
        c.contract_seq += 1
        amount = p["total_investment_wan"]
        first = (amount * Decimal("0.4")).quantize(TWO)
        start = when + timedelta(days=rng.randint(30, 150))
        stamp = at(when, 3)
        contract = self._row("contracts", {
            "project_id": p["id"], "transition_id": transition["id"], "signing_date": when,
            "contract_no": f"示招合〔{when.year}〕{c.contract_seq:06d}号", "contract_investment_wan": amount,
            "agreed_start_date": start, "agreed_production_date": start + timedelta(days=rng.randint(240, 540)),
            "voided_by_id": None}, stamp)
        for due, share, text in ((start + timedelta(days=180), first, "一期建设"),
                                 (start + timedelta(days=540), amount - first, "二期建设")):
            self._row("contract_commitments", {"contract_id": contract["id"], "due_date": due, "amount_wan": share,
                                               "description": text}, stamp)
        for kind, rate, stage, text in (("固定资产投资补助", "0.02", "started", "按设备投资额 2% 分年兑现"),
                                        ("税收贡献奖励", "0.01", "producing", "投产后地方留成部分的 50%")):
            self._row("incentive_terms", {"contract_id": contract["id"], "project_id": p["id"], "kind": kind,
                                          "cap_wan": max((amount * Decimal(rate)).quantize(TWO), TWO),
                                          "condition_stage": stage, "description": text}, stamp)
        self.permits = []
        required = self._required_permits()
        for kind in PermitKind.codes():
            self.permits.append(self._row("permits", {
                "project_id": p["id"], "kind": kind, "required": kind in required, "due_date": start,
                "done_date": None, "reference_no": None, "note": None, "created_at": stamp, "updated_at": stamp}, stamp))
        self.signed_on = when

    def _required_permits(self) -> set[str]:
        """crm.pipeline.permits.required_permit_kinds, on the row (the screening used the same figures)."""
        p = self.p
        kinds = {"filing"}
        if p["land_area_mu"]:
            kinds |= {"planning", "construction"}
        if self.city.sections[p["industry_code"]] in EIA_SECTIONS:
            kinds.add("eia")
        if EnergyTier.of(p["annual_energy_tce"], p["annual_electricity_wan_kwh"]) != EnergyTier.NONE:
            kinds.add("energy_review")
        return kinds

    def _permits_done(self, when: date, every: bool) -> None:
        rng = self.rng
        for permit in self.permits:
            if not permit["required"] or permit["done_date"] is not None:
                continue
            if every:
                done = max(min(when, permit["due_date"]) - timedelta(days=rng.randint(0, 20)), when - timedelta(days=60))
            elif permit["due_date"] <= self.today and rng.random() < 0.7:
                done = min(self.today, permit["due_date"] - timedelta(days=rng.randint(0, 30)))
            else:
                continue
            done = max(done, self.signed_on)
            changes = {"done_date": done, "reference_no": f"示审批〔{done.year}〕{permit['id']}号"}
            self.audit.update("permits", permit["id"], {k: [None, v] for k, v in changes.items()}, at(done, 4))
            permit.update(changes, version=2, updated_at=at(done, 4))

    def _maybe_pause_or_drop(self, after: date) -> None:
        rng, p = self.rng, self.p
        if p["stage"] == "signed":
            self._permits_done(self.today, every=False)
        if p["status"] != "active":
            return
        roll = rng.random()
        when = max(self.last, min(self.today, after + timedelta(days=rng.randint(10, 60))))
        if p["stage"] in ("talks", "approved") and roll < 0.14:
            self._transition("drop", when, to_status="dropped", reason=rng.choice(DROP_REASONS))
        elif p["stage"] in ("talks", "approved", "signed") and roll < 0.2:
            self._transition("hold", when, to_status="on_hold", note="企业融资安排调整，项目暂缓推进")
            if rng.random() < 0.35:
                back = min(self.today, when + timedelta(days=rng.randint(30, 200)))
                self._transition("resume", back, to_status="active", note="企业融资到位，恢复推进")

    def _follow_ups(self, created: date) -> None:
        rng, (owner_id, owner_name) = self.rng, self.owner
        span = max((self.today - created).days - 1, 0)
        self.p["last_follow_up_on"] = None  # what crm/followups/services.py keeps: the latest live one's date
        for _ in range(rng.randint(5, 15)):
            on = created + timedelta(days=rng.randint(0, span))
            row = {"project_id": self.p["id"], "followed_on": on,
                   "kind": rng.choice(("visit", "call", "meeting", "reception", "online")), "people": owner_name,
                   "notes": rng.choice(FOLLOW_UP_NOTES), "next_action": None, "next_action_due": None,
                   "next_action_owner_id": None, "next_action_done_at": None, "created_by_id": owner_id,
                   "created_at": at(on, 10), "updated_at": at(on, 10), "archived_at": None}
            if rng.random() < 0.5:
                action_owner = rng.choice(self.city.workers[self.p["unit_id"]])[0]
                row |= {"next_action": rng.choice(NEXT_ACTIONS), "next_action_owner_id": action_owner,
                        "next_action_due": on + timedelta(days=rng.randint(5, 30))}
            row = self._row("follow_ups", row, at(on, 10))
            if row["next_action"] and row["next_action_due"] < self.today - timedelta(days=20):
                done = at(row["next_action_due"], 9)
                row |= {"next_action_done_at": done, "version": 2, "updated_at": done}
                self.audit.update("follow_ups", row["id"], {"next_action_done_at": [None, done]}, done)
            self.last = max(self.last, on)
            self.p["last_follow_up_on"] = max(self.p["last_follow_up_on"] or on, on)

    def _edits(self, created: date) -> None:
        """A few later corrections of the figures staff typed, as the edit form records them."""
        rng, p = self.rng, self.p
        span = max((self.last - created).days, 1)
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            when = at(created + timedelta(days=rng.randint(1, span)), 6)
            jobs = (p["jobs"] or 0) + rng.randint(5, 50)
            self.audit.update("projects", p["id"], {"jobs": [p["jobs"], jobs]}, when)
            p["jobs"] = jobs
