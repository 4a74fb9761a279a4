"""Incentive payouts (奖励兑现, DOMAIN §6) as plain rows, 50,000 per 100,000 projects, following the
rules of crm/payouts/services.py and crm/payouts/rules.py:

- investor incentives under the generated contracts' incentive terms, requested only once the
  term's condition stage was reached, in yearly instalments whose live total never exceeds the cap;
- contributor rewards for started projects, computed by the generated reward policy (the version
  used is recorded), shares of the credited officer and unit summing to at most 100 %;
- applied → approved (a leader, never the applicant) → paid (on or after approval, with a voucher),
  or rejected (which frees the period for a new request); a few paid records reversed by a negative
  record that points at them. Term + period (or project + period) has at most one live request.

Each eligible project gets a plan of requests in time order; the chunk's quota is filled by taking
plans' requests round-robin, so every project keeps a consistent prefix of its history.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from crm.bench.audit import Trail
from crm.bench.projects import at
from crm.domain import PayoutKind, PayoutState, Role, Stage, Status, TransitionKind
from crm.payouts.policies import compute_reward

RATE = Decimal("0.5")  # payout rows per generated project
CENT = Decimal("0.01")
INSTALMENTS = {Stage.STARTED: (Decimal("0.4"), Decimal("0.3"), Decimal("0.3")),
               Stage.PRODUCING: (Decimal("0.3"), Decimal("0.3"), Decimal("0.4"))}
REJECTIONS = ("申报材料不全，请补充设备发票后重新申请", "期间填写有误，请核对后重新申请")


class PayoutBuilder:
    def __init__(self, city, policy, user_rows: list[dict], seed: int) -> None:
        self.rng, self.city, self.policy, self.today = random.Random(seed * 11 + 3), city, policy, city.today
        self.trail = Trail(self.rng)
        self.unit_heads: dict[int, list[int]] = {}
        by_role = defaultdict(list)
        for u in user_rows:
            by_role[u["role"]].append(u)
        for u in by_role[Role.UNIT_HEAD]:
            self.unit_heads.setdefault(u["unit_id"], []).append(u["id"])
        self.seen = self.made = self.vouchers = 0
        self._index: dict[str, tuple[list, dict]] = {}

    def build(self, out: dict[str, list[dict]]) -> None:
        self.seen += len(out["projects"])
        quota = int(self.seen * RATE) - self.made
        plans = [plan for p in out["projects"] if (plan := self._plan(out, p))]
        self.rng.shuffle(plans)
        taken = [0] * len(plans)
        rows = 0
        while rows < quota and any(t < len(plan) for t, plan in zip(taken, plans, strict=True)):
            for i, plan in enumerate(plans):
                if rows < quota and taken[i] < len(plan):
                    rows += 1 + (plan[taken[i]]["fate"] == PayoutState.REVERSED)
                    taken[i] += 1
        for plan, count in zip(plans, taken, strict=True):
            for request in plan[:count]:
                self._realise(out, request)
        out["audit_entries"].extend(self.trail.rows(self.city))

    # --- what each project could have asked for, in time order --------------------------------------
    def _plan(self, out, p: dict) -> list[dict]:
        if Stage(p["stage"]).index < Stage.STARTED.index or p["status"] != Status.ACTIVE:
            return []
        entered = {t["to_stage"]: t["effective_date"] for t in self._of(out, "project_transitions", p["id"])
                   if t["kind"] == TransitionKind.ADVANCE}
        contract = self._of(out, "contracts", p["id"])[0]
        requests = []
        for term in self._of(out, "incentive_terms", p["id"]):
            reached = entered.get(Stage(term["condition_stage"]))
            if reached is not None:
                requests += self._instalments(p, term, reached)
        reward = compute_reward(self.policy, contract["contract_investment_wan"])
        if reward is not None:
            requests += self._reward(p, reward, entered[Stage.STARTED])
        requests.sort(key=lambda r: r["applied"])
        return requests

    def _of(self, out, table: str, pid: int) -> list[dict]:
        """The chunk's rows of `table` for project `pid` (indexed once per chunk and table)."""
        index = self._index.get(table)
        if index is None or index[0] is not out[table]:
            by_project = {}
            for row in out[table]:
                by_project.setdefault(row["project_id"], []).append(row)
            index = self._index[table] = (out[table], by_project)
        return index[1].get(pid, [])

    def _instalments(self, p: dict, term: dict, reached: date) -> list[dict]:
        rng, requests = self.rng, []
        for n, share in enumerate(INSTALMENTS[Stage(term["condition_stage"])]):
            applied = reached + timedelta(days=rng.randint(15, 60) + 365 * n)
            amount = (term["cap_wan"] * share).quantize(CENT)
            if applied > self.today or amount <= 0:
                break
            requests += self._fates(p, {"kind": PayoutKind.INVESTOR, "term_id": term["id"], "amount": amount,
                                        "period": f"{applied.year}年度（第{n + 1}期）", "applied": applied,
                                        "note": f"{term['kind']}第{n + 1}期兑现申请"})
        return requests

    def _reward(self, p: dict, reward, started: date) -> list[dict]:
        applied = started + timedelta(days=self.rng.randint(20, 120))
        if applied > self.today:
            return []
        reduced = self.rng.random() < 0.2
        amount = (reward.amount_wan * Decimal("0.8")).quantize(CENT) if reduced else reward.amount_wan
        return self._fates(p, {"kind": PayoutKind.CONTRIBUTOR, "term_id": None, "amount": amount, "period": "开工奖励",
                               "applied": applied, "note": "项目已开工建设，申请兑现招商奖励", "computed": reward,
                               "reduced": reduced})

    def _fates(self, p: dict, request: dict) -> list[dict]:
        """One request, or a rejected one and its new request for the same period (a rejection frees it)."""
        rng, first = self.rng, request | {"project": p}
        roll = rng.random()
        if roll < 0.06:
            again = first | {"applied": first["applied"] + timedelta(days=rng.randint(20, 60))}
            first["fate"] = PayoutState.REJECTED
            if again["applied"] > self.today:
                return [first]
            again["fate"] = PayoutState.REVERSED if rng.random() < 0.03 else PayoutState.PAID
            return [first, again]
        first["fate"] = PayoutState.REVERSED if roll < 0.09 else PayoutState.PAID
        return [first]

    # --- one request through its life -----------------------------------------------------------
    def _realise(self, out, r: dict) -> None:
        rng, p, today = self.rng, r["project"], self.today
        applied, applicant = r["applied"], p["owner_id"]
        row = {"id": self.city.new_id("payouts"), "kind": r["kind"], "project_id": p["id"], "unit_id": p["unit_id"],
               "term_id": r["term_id"], "period": r["period"], "amount_wan": r["amount"], "state": PayoutState.APPLIED,
               "note": r["note"], "condition_note": None, "reward_policy_id": None, "computed_wan": None,
               "computation": None, "reduction_reason": None, "applicant_id": applicant, "decided_by_id": None,
               "decided_on": None, "decision_comment": None, "paid_by_id": None, "paid_date": None,
               "voucher_no": None, "reverses_id": None, "reason": None, "created_at": at(applied, 6),
               "updated_at": at(applied, 6), "version": 1}
        if r["kind"] == PayoutKind.CONTRIBUTOR:
            row |= {"reward_policy_id": self.policy.id, "computed_wan": r["computed"].amount_wan,
                    "computation": r["computed"].computation,
                    "reduction_reason": "项目投资进度未达合同约定，按 80% 兑现" if r["reduced"] else None}
        out["payouts"].append(row)
        self.made += 1
        self.trail.insert("payouts", row, row["created_at"], applicant, f"POST /projects/{p['id']}/payouts/new")
        if r["kind"] == PayoutKind.CONTRIBUTOR:
            self._recipients(out, row, p)
        decided = applied + timedelta(days=rng.randint(3, 30))
        if decided > today:
            return
        leader = rng.choice(self.city.leaders)
        if r["fate"] == PayoutState.REJECTED:
            self.trail.update("payouts", row, {"state": PayoutState.REJECTED, "decided_by_id": leader,
                                               "decided_on": decided, "decision_comment": rng.choice(REJECTIONS)},
                              at(decided, 7), leader, f"POST /payouts/{row['id']}/reject")
            return
        self.trail.update("payouts", row, {"state": PayoutState.APPROVED, "decided_by_id": leader,
                                           "decided_on": decided, "decision_comment": "同意兑现"},
                          at(decided, 7), leader, f"POST /payouts/{row['id']}/approve")
        paid = decided + timedelta(days=rng.randint(5, 60))
        if paid > today:
            return  # approved, waiting for payment (the leaders' "approved but not paid" list)
        payer = rng.choice(self.city.leaders)
        self.vouchers += 1
        self.trail.update("payouts", row, {"state": PayoutState.PAID, "paid_by_id": payer, "paid_date": paid,
                                           "voucher_no": f"示财付〔{paid.year}〕{self.vouchers:06d}号"},
                          at(paid, 8), payer, f"POST /payouts/{row['id']}/pay")
        reversed_on = paid + timedelta(days=rng.randint(10, 90))
        if r["fate"] == PayoutState.REVERSED and reversed_on <= today:
            self._reverse(out, row, reversed_on, payer)

    def _reverse(self, out, original: dict, on: date, actor: int) -> None:
        """crm.payouts.services.reverse_payout: a negative record pointing at the original."""
        reason = "财政复核发现重复计算设备投资额，冲销原支付"
        row = original | {"id": self.city.new_id("payouts"), "amount_wan": -original["amount_wan"],
                          "state": PayoutState.REVERSED, "note": None, "reduction_reason": None,
                          "applicant_id": actor, "decided_by_id": actor, "decided_on": on, "decision_comment": None,
                          "paid_by_id": actor, "paid_date": on, "voucher_no": None, "reverses_id": original["id"],
                          "reason": reason, "created_at": at(on, 9), "updated_at": at(on, 9), "version": 1}
        origin = f"POST /payouts/{original['id']}/reverse"
        self.trail.update("payouts", original, {"state": PayoutState.REVERSED}, at(on, 9), actor, origin)
        out["payouts"].append(row)
        self.made += 1
        self.trail.insert("payouts", row, at(on, 9), actor, origin)

    def _recipients(self, out, payout: dict, p: dict) -> None:
        """The officer in charge and the unit, sometimes the unit head too; shares ≤ 100 %."""
        rng = self.rng
        owner_share = Decimal(rng.choice((40, 50, 60)))  # + unit 20–30 + head 10: ≤ 100
        shares = [("user_id", p["owner_id"], owner_share), ("unit_id", p["unit_id"], Decimal(rng.choice((20, 30))))]
        heads = [h for h in self.unit_heads.get(p["unit_id"], []) if h != p["owner_id"]]
        if heads and rng.random() < 0.4:
            shares.append(("user_id", heads[0], Decimal(10)))
        for key, ref, share in shares:
            row = {"id": self.city.new_id("payout_recipients"), "payout_id": payout["id"], "user_id": None,
                   "unit_id": None, "share": share} | {key: ref}
            out["payout_recipients"].append(row)
            self.trail.insert("payout_recipients", row, payout["created_at"], payout["applicant_id"],
                              f"POST /projects/{p['id']}/payouts/new")
