"""Screening policies (准入标准): versioned thresholds chosen by admins, never hard-coded."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from crm.core import parsing as p
from crm.core.permissions import Action, require
from crm.domain import ListKind
from crm.extensions import db
from crm.reference.models import IndustryDivision
from crm.reference.services import list_items
from crm.screening.models import Policy, Screening
from crm.screening.scoring import INDICATORS, Thresholds
from crm.units.models import Unit

WEIGHTS = {"weight_tax": "tax_per_mu", "weight_intensity": "investment_intensity", "weight_output": "output_per_mu",
           "weight_energy": "energy_per_output", "weight_industry": "industry_fit"}
DIVISION_LISTS = ("target_divisions", "related_divisions", "restricted_divisions")
POLICY_FIELDS = ("name", "scope_unit_id", "source", "min_tax_per_mu", "min_investment_intensity",
                 "min_output_per_mu", "max_energy_per_output", "max_annual_energy_tce", *WEIGHTS, "pass_score",
                 "conditional_score", *DIVISION_LISTS, "veto_below", "negative_list_codes", "floor_m2_per_mu",
                 "allow_no_land")
LIMIT = Decimal(1_000_000)


def _codes(e: p.FieldErrors, data: dict, name: str) -> list[str]:
    value = data.get(name) or []
    if isinstance(value, str):
        value = [v for v in value.replace("，", ",").replace(" ", ",").split(",") if v]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        e.add(name, _("应为行业大类代码的列表。"))
        return []
    return sorted(set(value))


def clean_policy_data(data: dict) -> dict:
    e = p.FieldErrors()
    c = {
        "name": e.run("name", p.text, data.get("name"), "name", max_length=200, required=True, label=_("准入标准名称")),
        "source": e.run("source", p.text, data.get("source"), "source", max_length=5000, multiline=True, label=_("依据")),
        "scope_unit_id": e.run("scope_unit_id", p.ref_id, data.get("scope_unit_id"), "scope_unit_id",
                               label=_("适用范围")),
        "allow_no_land": e.run("allow_no_land", p.flag, data.get("allow_no_land"), "allow_no_land",
                               label=_("允许无用地项目"), default=True),
    }
    for name, label in (("min_tax_per_mu", _("亩均税收下限")), ("min_investment_intensity", _("投资强度下限")),
                        ("min_output_per_mu", _("亩均产值下限"))):
        c[name] = e.run(name, p.decimal, data.get(name), name, label=label, required=True, maximum=LIMIT)
    c["max_energy_per_output"] = e.run("max_energy_per_output", p.decimal, data.get("max_energy_per_output"),
                                       "max_energy_per_output", label=_("单位产值能耗上限"), required=True,
                                       positive=True, maximum=Decimal(100), places=4)
    c["max_annual_energy_tce"] = e.run("max_annual_energy_tce", p.decimal, data.get("max_annual_energy_tce"),
                                       "max_annual_energy_tce", label=_("年综合能耗上限"), positive=True,
                                       maximum=Decimal(50_000_000))
    c["floor_m2_per_mu"] = e.run("floor_m2_per_mu", p.decimal, data.get("floor_m2_per_mu"), "floor_m2_per_mu",
                                 label=_("厂房面积折算"), positive=True, maximum=Decimal(100_000))
    for name in WEIGHTS:
        c[name] = e.run(name, p.integer, data.get(name), name, label=_("权重"), maximum=100, required=True)
    for name, label in (("pass_score", _("通过分数线")), ("conditional_score", _("有条件通过分数线"))):
        c[name] = e.run(name, p.decimal, data.get(name), name, label=label, required=True, maximum=Decimal(100))
    for name in (*DIVISION_LISTS, "veto_below", "negative_list_codes"):
        c[name] = _codes(e, data, name)
    _cross_checks(e, c)
    e.raise_if_any(_("准入标准有误：%(summary)s", summary=e.summary()))
    return c


def _cross_checks(e: p.FieldErrors, c: dict) -> None:
    weights = [c[name] for name in WEIGHTS]
    if all(w is not None for w in weights) and sum(weights) != 100:
        e.add("weight_tax", _("各项权重之和应为 100（现为 %(n)s）。", n=sum(weights)))
    if c["pass_score"] is not None and c["conditional_score"] is not None and c["pass_score"] < c["conditional_score"]:
        e.add("pass_score", _("通过分数线不能低于有条件通过分数线。"))
    known = set(db.session.scalars(select(IndustryDivision.code)))
    for name in DIVISION_LISTS:
        unknown = [code for code in c[name] if code not in known]
        if unknown:
            e.add(name, _("行业大类代码不存在：%(codes)s", codes="、".join(unknown)))
    doubled = set(c["target_divisions"]) & set(c["related_divisions"])
    if doubled:
        e.add("related_divisions", _("同一大类不能既是目标产业又是关联产业：%(codes)s", codes="、".join(sorted(doubled))))
    both = set(c["restricted_divisions"]) & (set(c["target_divisions"]) | set(c["related_divisions"]))
    if both:
        e.add("restricted_divisions", _("同一大类不能既是目标/关联产业又是限制产业：%(codes)s", codes="、".join(sorted(both))))
    if set(c["veto_below"]) - set(INDICATORS[:4]):
        e.add("veto_below", _("只有亩均税收、投资强度、亩均产值和单位产值能耗可以设为未达标即否决。"))
    if not c["negative_list_codes"]:
        e.add("negative_list_codes", _("请至少选择一项签批时须核查的负面清单项。"))
    live = {item.code for item in list_items(ListKind.NEGATIVE_LIST)}
    if set(c["negative_list_codes"]) - live:
        e.add("negative_list_codes", _("负面清单中没有这些项：%(codes)s",
                                       codes="、".join(sorted(set(c["negative_list_codes"]) - live))))
    if c["scope_unit_id"] is not None:
        unit = db.session.get(Unit, c["scope_unit_id"])
        if unit is None or unit.is_archived:
            e.add("scope_unit_id", _("适用单位不存在或已归档。"))


def create_policy(actor, data: dict) -> Policy:
    require(actor, Action.MANAGE)
    c = clean_policy_data(data)
    policy = Policy(version=1, created_by_id=actor.id, **c)
    db.session.add(policy)
    db.session.flush()
    policy.family_id = policy.id
    if p.flag(data.get("active"), "active", label=_("启用")):
        activate_policy(actor, policy)
    db.session.flush()
    return policy


def revise_policy(actor, policy: Policy, data: dict) -> Policy:
    """Editing makes a new version of the same policy; the old one stays as it was."""
    require(actor, Action.MANAGE)
    merged = {f: getattr(policy, f) for f in POLICY_FIELDS} | {k: v for k, v in data.items() if k in POLICY_FIELDS}
    c = clean_policy_data(merged)
    latest = db.session.scalar(select(func.max(Policy.version)).where(Policy.family_id == policy.family_id))
    revision = Policy(family_id=policy.family_id, version=latest + 1, created_by_id=actor.id, **c)
    db.session.add(revision)
    db.session.flush()
    wanted = p.flag(data.get("active"), "active", label=_("启用"), default=policy.active)
    if wanted:
        activate_policy(actor, revision)
    return revision


def activate_policy(actor, policy: Policy) -> None:
    """One active policy per scope (city-wide, or one park), and one active version per policy."""
    require(actor, Action.MANAGE)
    same_scope = (Policy.scope_unit_id.is_(None) if policy.scope_unit_id is None
                  else Policy.scope_unit_id == policy.scope_unit_id)
    db.session.execute(update(Policy).where(same_scope | (Policy.family_id == policy.family_id),
                                            Policy.id != policy.id).values(active=False))
    policy.active = True
    db.session.flush()


def is_used(policy: Policy) -> bool:
    return bool(db.session.scalar(select(func.count()).select_from(Screening).where(Screening.policy_id == policy.id)))


def used_policy_ids() -> set[int]:
    return set(db.session.scalars(select(Screening.policy_id).where(Screening.policy_id.is_not(None)).distinct()))


def policy_for(project) -> Policy | None:
    """The active policy of the project's unit or the nearest parent unit that has one, else city-wide."""
    unit, scopes = project.unit, []
    while unit is not None:
        scopes.append(unit.id)
        unit = unit.parent
    active = {pol.scope_unit_id: pol for pol in db.session.scalars(select(Policy).where(Policy.active.is_(True)))}
    for unit_id in scopes:
        if unit_id in active:
            return active[unit_id]
    return active.get(None)


def thresholds(policy: Policy) -> Thresholds:
    return Thresholds(
        min_tax_per_mu=policy.min_tax_per_mu, min_investment_intensity=policy.min_investment_intensity,
        min_output_per_mu=policy.min_output_per_mu, max_energy_per_output=policy.max_energy_per_output,
        weights={indicator: Decimal(getattr(policy, column)) for column, indicator in WEIGHTS.items()},
        pass_score=policy.pass_score, conditional_score=policy.conditional_score,
        target_divisions=frozenset(policy.target_divisions), related_divisions=frozenset(policy.related_divisions),
        restricted_divisions=frozenset(policy.restricted_divisions),
        max_annual_energy_tce=policy.max_annual_energy_tce, veto_below=frozenset(policy.veto_below),
        floor_m2_per_mu=policy.floor_m2_per_mu, allow_no_land=policy.allow_no_land)


def all_policies() -> list[Policy]:
    return list(db.session.scalars(select(Policy).order_by(Policy.family_id, Policy.version.desc())))

