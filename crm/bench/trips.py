"""Outbound trips (外出招商, DOMAIN §5) as plain rows, 20,000 per 100,000 projects, following the
rules of crm/trips/services.py and crm/trips/report.py:

- filed as a draft, then submitted (on or after departure: a late filing with a reason), approved
  or returned by the right approver (the unit head for staff, a leader when a unit head or a leader
  travels; never a traveller), cancelled before departure, reported after return;
- the report is due 5 PRC working days after the return date; reported later is flagged;
- no traveller is on two trips with overlapping days (checked for every trip, whatever its state);
- targets: companies, existing projects of the unit, and the leads that became the chunk's projects
  with source `trip` (the trip ended before the project was created, and the target points at it).
"""

from __future__ import annotations

import random
from bisect import bisect_left, insort
from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache

from crm.bench.audit import Trail
from crm.bench.city import CITIES, TRADES
from crm.bench.projects import at
from crm.domain import Role, Source, TripState
from crm.trips.regions import PREFECTURES
from crm.trips.workdays import report_due_date

RATE = Decimal("0.2")  # trips per generated project
DESTINATIONS = [(province, city) for province, cities in PREFECTURES.items() for city in cities]
PURPOSES = ("赴{city}对接{trade}产业链龙头企业，洽谈项目落地", "参加{city}{trade}产业推介会并走访重点企业",
            "回访{city}{trade}意向企业，推进在谈项目", "赴{city}开展{trade}产业链精准招商")
TOPICS = ("生产基地布局及用地需求", "区域总部落户意向", "扩产项目选址", "供应链配套企业引进", "研发中心设立")
OUTCOMES = ("企业有投资意向，约定下月来我市实地考察", "已交换项目资料，企业内部评估中", "企业暂无扩产计划，保持联系",
            "初步达成合作意向，拟签订投资框架协议")
LATE_REASONS = ("临时接到企业邀约，出发前未能及时报备", "随领导临时出行，返回后补报")
COMMENTS = ("同意", "同意，注意控制费用", "请补充拜访对象的具体洽谈内容")


@lru_cache(maxsize=8192)
def due_on(end: date) -> date:
    return report_due_date(end)


class TripBuilder:
    def __init__(self, city, user_rows: list[dict], seed: int, years: int) -> None:
        self.rng, self.city, self.years, self.today = random.Random(seed * 7 + 1), city, years, city.today
        self.trail = Trail(self.rng)
        by_role = defaultdict(list)  # plain rows, grouped: the approver rule below mirrors may_approve_trip
        for u in user_rows:
            by_role[u["role"]].append(u)
        self.staff, self.heads = defaultdict(list), defaultdict(list)
        for u in by_role[Role.STAFF]:
            self.staff[u["unit_id"]].append(u)
        for u in by_role[Role.UNIT_HEAD]:
            self.heads[u["unit_id"]].append(u)
        self.staff_ids = {u["id"] for u in by_role[Role.STAFF]}
        self.leaders = by_role[Role.LEADER]
        self.users = {u["id"]: u for u in user_rows}
        self.busy: dict[int, list[tuple[date, date]]] = defaultdict(list)
        self.projects_by_unit: dict[int, list[tuple[date, int]]] = defaultdict(list)
        self.seen = self.made = 0

    # --- per chunk of projects -------------------------------------------------------------------
    def build(self, out: dict[str, list[dict]]) -> None:
        projects = out["projects"]
        self.seen += len(projects)
        quota = int(self.seen * RATE) - self.made
        for p in projects:
            insort(self.projects_by_unit[p["unit_id"]], (p["created_at"].date(), p["id"]))
        for p in projects:
            if quota > 0 and p["source"] == Source.TRIP and self._lead_trip(out, p):
                quota -= 1
        for _attempt in range(quota * 20):  # a busy traveller means another draw, not a clash
            if quota <= 0:
                break
            quota -= self._plain_trip(out)
        out["audit_entries"].extend(self.trail.rows(self.city))

    def _lead_trip(self, out, p: dict) -> bool:
        """The trip whose target became project `p` (source 外出招商)."""
        created = p["created_at"].date()
        owner = self.users[p["owner_id"]]
        for shift in range(0, 40, 4):
            end = created - timedelta(days=self.rng.randint(1, 6) + shift)
            start = end - timedelta(days=self.rng.randint(0, 4))
            people = self._free([owner] + self._colleagues(p["unit_id"], owner), start, end)
            if people and people[0] is owner:
                break
        else:
            return False
        trip = self._trip(out, p["unit_id"], people, start, end, lead=p)
        return trip is not None

    def _plain_trip(self, out) -> bool:
        rng = self.rng
        unit = rng.choice(self.city.units)
        start = self.today - timedelta(days=rng.randint(-60, self.years * 365))
        end = start + timedelta(days=rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 7, 10)))
        pool = self.staff[unit] + self.heads[unit]
        if not pool:
            return False
        people = self._free([rng.choice(pool)] + self._colleagues(unit, None), start, end)
        if not people:
            return False
        if rng.random() < 0.08:  # a leader leads the delegation
            people += self._free([rng.choice(self.leaders)], start, end)
        return self._trip(out, unit, people, start, end) is not None

    def _colleagues(self, unit: int, besides) -> list[dict]:
        pool = [u for u in self.staff[unit] + self.heads[unit] if u is not besides]
        return self.rng.sample(pool, min(len(pool), self.rng.choice((0, 0, 1, 1, 2))))

    def _free(self, people: list[dict], start: date, end: date) -> list[dict]:
        """Those of `people` with no other trip on any of the days (the overlap rule)."""
        unique = list({u["id"]: u for u in people}.values())
        return [u for u in unique if not any(s <= end and e >= start for s, e in self.busy[u["id"]])]

    def _approver(self, unit: int, people: list[dict]) -> dict:
        """crm.core.permissions.may_approve_trip: the unit head when only staff travel, else a leader."""
        ids = {u["id"] for u in people}
        heads = [h for h in self.heads[unit] if h["id"] not in ids]
        if all(u["id"] in self.staff_ids for u in people) and heads and self.rng.random() < 0.85:
            return self.rng.choice(heads)
        return self.rng.choice([u for u in self.leaders if u["id"] not in ids])

    # --- one trip through its life ----------------------------------------------------------------
    def _trip(self, out, unit: int, people: list[dict], start: date, end: date, lead: dict | None = None):
        rng, today = self.rng, self.today
        late = rng.random() < 0.08
        filed = start + timedelta(days=rng.randint(0, 2)) if late else start - timedelta(days=rng.randint(1, 25))
        filed = min(filed, today)
        if filed < start - timedelta(days=366) or start > today + timedelta(days=366):
            return None
        for u in people:
            insort(self.busy[u["id"]], (start, end))
        filer = people[0]
        trade, home = rng.choice(TRADES), rng.choice(CITIES)
        province, city = rng.choice(DESTINATIONS)
        trip = {"id": self.city.new_id("trips"), "unit_id": unit,
                "traveller_names": "、".join(u["name"] for u in people)[:500], "start_date": start, "end_date": end,
                "destination_province": province, "destination_city": city,
                "purpose": rng.choice(PURPOSES).format(city=city, trade=trade),
                "budget_wan": Decimal(rng.randint(5, 80)) / 10, "state": TripState.DRAFT, "late": False,
                "late_reason": None, "report_due_date": due_on(end), "submitted_at": None, "decided_by_id": None,
                "decided_at": None, "decision_comment": None, "cancel_reason": None, "reported_at": None,
                "report_late": False, "expenses_wan": None, "report_notes": None, "created_by_id": filer["id"],
                "created_at": at(filed, 1), "updated_at": at(filed, 1), "version": 1}
        out["trips"].append(trip)
        self.made += 1
        out["trip_travellers"].extend({"id": self.city.new_id("trip_travellers"), "trip_id": trip["id"],
                                       "user_id": u["id"]} for u in people)
        self.trail.insert("trips", trip, at(filed, 1), filer["id"], "POST /trips/new")
        targets = self._targets(out, trip, unit, filed, trade, home, lead)
        self._life(trip, people, filed, late, targets, lead)
        return trip

    def _targets(self, out, trip, unit, filed, trade, home, lead) -> list[dict]:
        rng, rows = self.rng, []
        if lead is not None:
            rows.append((lead["investor_name"], lead["investor_uscc"]))
        for _ in range(rng.choice((1, 1, 2, 2, 3, 4)) - (lead is not None)):
            rows.append((f"{rng.choice(CITIES)}{rng.choice(TRADES)}{rng.choice(('科技', '实业', '集团'))}有限公司", None))
        targets = []
        for name, uscc in rows:
            known = self._known_project(unit, filed) if (lead is None or targets) and rng.random() < 0.25 else None
            target = {"id": self.city.new_id("trip_targets"), "trip_id": trip["id"], "company_name": name,
                      "uscc": uscc, "contact": rng.choice("王李张刘陈杨赵黄周吴") + rng.choice(("总", "经理", "董事长")),
                      "topic": rng.choice(TOPICS), "project_id": known, "lead_created": False, "visited": None,
                      "outcome": None, "next_step": None, "created_at": trip["created_at"],
                      "updated_at": trip["created_at"]}
            out["trip_targets"].append(target)
            self.trail.insert("trip_targets", target, trip["created_at"], trip["created_by_id"], "POST /trips/new")
            targets.append(target)
        return targets

    def _known_project(self, unit: int, before: date) -> int | None:
        """An existing project of the trip's unit, registered before the filing (the link rule)."""
        known = self.projects_by_unit[unit]
        count = bisect_left(known, (before, 0))
        return known[self.rng.randrange(count)][1] if count else None

    def _life(self, trip, people, filed, late, targets, lead) -> None:
        rng, today, filer = self.rng, self.today, trip["created_by_id"]
        start, end, tid = trip["start_date"], trip["end_date"], trip["id"]
        roll = rng.random() if lead is None else 1.0
        if roll < 0.03 and filed < today:  # never submitted: a draft, or one called off
            if filed + timedelta(days=3) < today and rng.random() < 0.5:
                self.trail.update("trips", trip, {"state": TripState.CANCELLED, "cancel_reason": "企业行程调整，取消出行"},
                                  at(filed + timedelta(days=3), 2), filer, f"POST /trips/{tid}/cancel")
            return
        submitted = filed + timedelta(days=rng.randint(0, 1))
        # Submitting on or after the departure day is what makes a filing late (services.submit_trip).
        submitted = max(submitted, start) if late else min(submitted, start - timedelta(days=1), today)
        if submitted > today:
            return
        approver = self._approver(trip["unit_id"], people)
        self.trail.update("trips", trip, {"state": TripState.SUBMITTED, "submitted_at": at(submitted, 2), "late": late,
                                          "late_reason": rng.choice(LATE_REASONS) if late else None},
                          at(submitted, 2), filer, f"POST /trips/{tid}/submit")
        decided = submitted + timedelta(days=rng.randint(0, 2))
        if decided > today:
            return
        if roll < 0.08:  # returned to its filer; left so (does not hold the travellers' days)
            self.trail.update("trips", trip, {"state": TripState.REJECTED, "decided_by_id": approver["id"],
                                              "decided_at": at(decided, 3), "decision_comment": COMMENTS[2]},
                              at(decided, 3), approver["id"], f"POST /trips/{tid}/reject")
            return
        self.trail.update("trips", trip, {"state": TripState.APPROVED, "decided_by_id": approver["id"],
                                          "decided_at": at(decided, 3), "decision_comment": rng.choice(COMMENTS[:2])},
                          at(decided, 3), approver["id"], f"POST /trips/{tid}/approve")
        cancel_on = decided + timedelta(days=1)
        if roll < 0.12 and not late and cancel_on < start and cancel_on <= today:
            self.trail.update("trips", trip, {"state": TripState.CANCELLED, "cancel_reason": "对方企业负责人临时出国，行程取消"},
                              at(cancel_on, 4), filer, f"POST /trips/{tid}/cancel")
            return
        report_on = end + timedelta(days=rng.choice((0, 1, 2, 3, 4, 5, 6, 8, 12, 20)))
        if roll < 0.2 or report_on > today:  # no report yet: overdue once the due date has passed
            self._lead(trip, targets, lead)
            return
        self._report(trip, targets, report_on, lead)
        self._lead(trip, targets, lead)

    def _report(self, trip, targets, report_on, lead) -> None:
        rng, tid, filer = self.rng, trip["id"], trip["created_by_id"]
        barren = lead is None and rng.random() < 0.15  # a trip that produced nothing: nobody was seen
        when = at(report_on, 5)
        for target in targets:
            visited = not barren and ((lead is not None and target is targets[0]) or rng.random() < 0.8)
            self.trail.update("trip_targets", target, {
                "visited": visited, "outcome": rng.choice(OUTCOMES) if visited else None,
                "next_step": "跟进企业考察安排" if visited and rng.random() < 0.6 else None},
                when, filer, f"POST /trips/{tid}/report")
        spent = (trip["budget_wan"] * Decimal(rng.randint(50, 110)) / 100).quantize(Decimal("0.01"))
        self.trail.update("trips", trip, {
            "state": TripState.REPORTED, "reported_at": when, "report_late": report_on > trip["report_due_date"],
            "expenses_wan": spent, "report_notes": "未能见到对接企业负责人，本次外出无实质成果" if barren else None},
            when, filer, f"POST /trips/{tid}/report")

    def _lead(self, trip, targets, lead) -> None:
        """The first target became project `lead` when it was registered (report.create_lead)."""
        if lead is None:
            return
        target = targets[0]
        self.trail.update("trip_targets", target, {"project_id": lead["id"], "lead_created": True}, lead["created_at"],
                          lead["owner_id"], f"POST /trips/{trip['id']}/targets/{target['id']}/lead")
