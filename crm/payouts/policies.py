"""Reward policies (招商奖励标准): versioned tiers by contracted investment, and the reward they compute.

A tier applies from its `min_wan` (万元 of contracted investment) upward and pays either a fixed sum
(`fixed_wan`) or a rate of the contracted investment (`rate_percent`). Saving a policy always makes a
new version and makes it the active one; a version is never changed afterwards, so a reward shows
exactly the rule it was computed by.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from crm.core import parsing as p
from crm.core.errors import ValidationFailed
from crm.core.permissions import Action, require
from crm.extensions import db
from crm.payouts.models import RewardPolicy

MAX_TIERS = 10
LIMIT_WAN = Decimal(100_000_000)
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Reward:
    amount_wan: Decimal
    computation: str  # stored on the record as it was computed (record data, in the bureau's language)


def _tier(e: p.FieldErrors, i: int, raw) -> dict | None:
    field = f"tiers-{i}"
    if not isinstance(raw, dict):
        e.add(field, _("第 %(n)s 档格式有误。", n=i + 1))
        return None
    min_wan = e.run(field, p.decimal, raw.get("min_wan"), field, label=_("第 %(n)s 档起点", n=i + 1),
                    required=True, maximum=LIMIT_WAN)
    fixed = e.run(field, p.decimal, raw.get("fixed_wan"), field, label=_("第 %(n)s 档固定金额", n=i + 1),
                  positive=True, maximum=LIMIT_WAN)
    rate = e.run(field, p.decimal, raw.get("rate_percent"), field, label=_("第 %(n)s 档比例", n=i + 1),
                 positive=True, maximum=Decimal(100), places=4)
    if (fixed is None) == (rate is None) and field not in e.fields:
        e.add(field, _("第 %(n)s 档须填写固定金额或比例中的一项（不能都填或都不填）。", n=i + 1))
    if min_wan is None:
        return None
    tier = {"min_wan": str(min_wan)}
    if fixed is not None:
        tier["fixed_wan"] = str(fixed)
    if rate is not None:
        tier["rate_percent"] = str(rate)
    return tier


def clean_tiers(raw_tiers) -> list[dict]:
    e = p.FieldErrors()
    if not isinstance(raw_tiers, list) or not raw_tiers:
        e.add("tiers", _("请至少填写一个奖励档次。"))
        e.raise_if_any()
    if len(raw_tiers) > MAX_TIERS:
        e.add("tiers", _("奖励档次最多 %(n)s 个。", n=MAX_TIERS))
        e.raise_if_any()
    tiers = [_tier(e, i, raw) for i, raw in enumerate(raw_tiers)]
    e.raise_if_any()
    starts = [Decimal(t["min_wan"]) for t in tiers]
    if len(set(starts)) != len(starts):
        raise ValidationFailed(_("奖励档次的起点不能重复。"), {"tiers": [_("起点重复。")]})
    return sorted(tiers, key=lambda t: Decimal(t["min_wan"]))


def create_reward_policy(actor, data: dict) -> RewardPolicy:
    """A new version (the next number), active from now; earlier versions stay as they were."""
    require(actor, Action.MANAGE)
    e = p.FieldErrors()
    name = e.run("name", p.text, data.get("name"), "name", max_length=200, required=True, label=_("奖励标准名称"))
    source = e.run("source", p.text, data.get("source"), "source", max_length=5000, multiline=True, label=_("依据"))
    e.raise_if_any()
    tiers = clean_tiers(data.get("tiers"))
    latest = db.session.scalar(select(func.max(RewardPolicy.version))) or 0
    db.session.execute(update(RewardPolicy).where(RewardPolicy.active.is_(True)).values(active=False))
    policy = RewardPolicy(version=latest + 1, name=name, source=source, tiers=tiers, active=True,
                          created_by_id=actor.id)
    db.session.add(policy)
    db.session.flush()
    return policy


def active_policy() -> RewardPolicy | None:
    return db.session.scalar(select(RewardPolicy).where(RewardPolicy.active.is_(True)))


def policies() -> list[RewardPolicy]:
    return list(db.session.scalars(select(RewardPolicy).order_by(RewardPolicy.version.desc())))


def tier_text(tier: dict) -> str:
    if "fixed_wan" in tier:
        return f"≥ {tier['min_wan']} 万元：{tier['fixed_wan']} 万元"
    return f"≥ {tier['min_wan']} 万元：{tier['rate_percent']}%"


def compute_reward(policy: RewardPolicy, investment_wan: Decimal) -> Reward | None:
    """The reward `policy` gives for a contracted investment; None when no tier reaches it."""
    reached = [t for t in policy.tiers if Decimal(t["min_wan"]) <= investment_wan]
    if not reached:
        return None
    tier = reached[-1]
    if "fixed_wan" in tier:
        amount = Decimal(tier["fixed_wan"])
        how = f"固定 {amount} 万元"
    else:
        amount = (investment_wan * Decimal(tier["rate_percent"]) / 100).quantize(CENT, ROUND_HALF_UP)
        how = f"{investment_wan} 万元 × {tier['rate_percent']}% = {amount} 万元"
    text = f"{policy.name}（第 {policy.version} 版）：合同投资额 {investment_wan} 万元，适用档次 {tier_text(tier)}；{how}"
    return Reward(amount, text[:500])
