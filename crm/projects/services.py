"""Project rules: what a valid project is, creating, editing, archiving, duplicate investors."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from pypinyin import Style, lazy_pinyin
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import joinedload

from crm.auth.models import User
from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import PermissionDenied, ValidationFailed
from crm.core.models import utcnow
from crm.core.permissions import Action, Duty, can, may_hold, require, scope
from crm.core.services import check_version
from crm.domain import FundOrigin, ProjectKind, Source, Stage, Status
from crm.extensions import db
from crm.projects.access import require_active_record
from crm.projects.constants import (
    MAX_AMOUNT_WAN,
    MAX_ENERGY_TCE,
    MAX_FLOOR_M2,
    MAX_LAND_MU,
)
from crm.projects.identity import clean_uscc, normalise_company_name
from crm.projects.models import InvestorLink, Project, ProjectContact
from crm.projects.signals import figures_changed
from crm.reference.models import Chain, IndustryDivision
from crm.units.models import Unit

AMOUNT_FIELDS = ("total_investment_wan", "fixed_asset_investment_wan", "foreign_investment_usd_wan")
EDITABLE_FIELDS = (
    "name", "investor_name", "investor_uscc", "industry_code", "chain_id", "source", "unit_id", "owner_id",
    "lead_leader_id", "total_investment_wan", "fixed_asset_investment_wan", "land_area_mu", "floor_area_m2",
    "expected_annual_output_wan", "expected_annual_tax_wan", "annual_energy_tce", "annual_electricity_wan_kwh",
    "jobs", "kind",
    "parent_project_id", "fund_origin", "foreign_investment_usd_wan", "exchange_rate", "intention_agreement_date",
    "location", "summary",
)


def _wan(errors, data, field, label, **kw):
    return errors.run(field, p.decimal, data.get(field), field, label=label, maximum=MAX_AMOUNT_WAN, **kw)


def clean_project_data(data: dict) -> dict:
    """Every field of a project checked at once; ValidationFailed lists all problems by field."""
    e = p.FieldErrors()
    c = {
        "name": e.run("name", p.text, data.get("name"), "name", max_length=200, required=True, label=_("项目名称")),
        "investor_name": e.run("investor_name", p.text, data.get("investor_name"), "investor_name", max_length=200,
                               required=True, label=_("投资方名称")),
        "industry_code": e.run("industry_code", p.text, data.get("industry_code"), "industry_code", max_length=2,
                               required=True, label=_("行业大类")),
        "source": e.run("source", p.choice, data.get("source"), "source", Source.codes(), label=_("项目来源")),
        "kind": e.run("kind", p.choice, data.get("kind") or ProjectKind.NEW, "kind", ProjectKind.codes(), label=_("项目类型")),
        "fund_origin": e.run("fund_origin", p.choice, data.get("fund_origin"), "fund_origin", FundOrigin.codes(),
                             label=_("资金来源")),
        "total_investment_wan": _wan(e, data, "total_investment_wan", _("总投资"), required=True, positive=True),
        "fixed_asset_investment_wan": _wan(e, data, "fixed_asset_investment_wan", _("固定资产投资")),
        "expected_annual_output_wan": _wan(e, data, "expected_annual_output_wan", _("达产年产值")),
        "expected_annual_tax_wan": _wan(e, data, "expected_annual_tax_wan", _("达产年税收")),
        "foreign_investment_usd_wan": _wan(e, data, "foreign_investment_usd_wan", _("外资金额")),
        "land_area_mu": e.run("land_area_mu", p.decimal, data.get("land_area_mu"), "land_area_mu",
                              label=_("用地面积"), maximum=MAX_LAND_MU),
        "floor_area_m2": e.run("floor_area_m2", p.decimal, data.get("floor_area_m2"), "floor_area_m2",
                               label=_("租用厂房面积"), maximum=MAX_FLOOR_M2),
        "annual_energy_tce": e.run("annual_energy_tce", p.decimal, data.get("annual_energy_tce"), "annual_energy_tce",
                                   label=_("年综合能耗"), maximum=MAX_ENERGY_TCE),
        "annual_electricity_wan_kwh": e.run("annual_electricity_wan_kwh", p.decimal,
                                            data.get("annual_electricity_wan_kwh"), "annual_electricity_wan_kwh",
                                            label=_("年用电量"), maximum=MAX_ENERGY_TCE),
        "exchange_rate": e.run("exchange_rate", p.decimal, data.get("exchange_rate"), "exchange_rate",
                               label=_("汇率"), positive=True, maximum=p.Decimal(100), places=4),
        "jobs": e.run("jobs", p.integer, data.get("jobs"), "jobs", label=_("新增就业"), maximum=1_000_000),
        "intention_agreement_date": e.run("intention_agreement_date", p.a_date, data.get("intention_agreement_date"),
                                          "intention_agreement_date", label=_("意向协议签订日期"),
                                          not_after=local_today()),
        "location": e.run("location", p.text, data.get("location"), "location", max_length=200, label=_("落地地点")),
        "summary": e.run("summary", p.text, data.get("summary"), "summary", max_length=5000, multiline=True, label=_("项目简介")),
    }
    for field, label, required in (("unit_id", _("责任单位"), True), ("owner_id", _("责任人"), True),
                                   ("lead_leader_id", _("包保领导"), False), ("chain_id", _("产业链"), False),
                                   ("parent_project_id", _("原项目"), False)):
        c[field] = e.run(field, p.ref_id, data.get(field), field, label=label, required=required)
    try:
        c["investor_uscc"] = clean_uscc(data.get("investor_uscc"))
    except ValueError as err:
        e.add("investor_uscc", _(str(err)))
    _cross_checks(e, c)
    e.raise_if_any()
    return c


def _cross_checks(e: p.FieldErrors, c: dict) -> None:
    total, fixed = c.get("total_investment_wan"), c.get("fixed_asset_investment_wan")
    if total is not None and fixed is not None and fixed > total:
        e.add("fixed_asset_investment_wan", _("固定资产投资不能大于总投资。"))
    if c.get("kind") == ProjectKind.CAPITAL_INCREASE and not c.get("parent_project_id"):
        e.add("parent_project_id", _("增资项目须关联原项目。"))
    if c.get("kind") == ProjectKind.NEW and c.get("parent_project_id"):
        e.add("parent_project_id", _("新建项目不关联原项目；增资请选择“增资项目”。"))
    if c.get("fund_origin") == FundOrigin.FOREIGN and (c.get("foreign_investment_usd_wan") is None or not c.get("exchange_rate")):
        e.add("foreign_investment_usd_wan", _("境外资金须填写外资金额（万美元）和所用汇率。"))
    land = c.get("land_area_mu")
    if land == 0 and not c.get("floor_area_m2"):
        e.add("land_area_mu", _("不新增用地的项目请把用地面积留空并填写租用厂房面积，不要填 0。"))


def eligible_owner(user: User | None, unit_id: int | None) -> bool:
    """责任人: an active officer or head of the responsible unit. The one rule for forms and API."""
    return may_hold(user, Duty.OWNER) and unit_id is not None and user.unit_id == unit_id


def _check_references(actor, c: dict, project: Project | None) -> None:
    """References must exist, be live, and be ones the actor may use."""
    e = p.FieldErrors()
    if db.session.get(IndustryDivision, c["industry_code"]) is None:
        e.add("industry_code", _("行业大类代码不存在（应为 GB/T 4754-2017 的两位大类代码）。"))
    unit = db.session.get(Unit, c["unit_id"])
    if unit is None or unit.is_archived:
        e.add("unit_id", _("责任单位不存在或已归档。"))
    elif not can(actor, Action.WRITE, unit.id):
        e.add("unit_id", _("您只能为本单位登记项目。"))
    if not eligible_owner(db.session.get(User, c["owner_id"]), c["unit_id"]):
        e.add("owner_id", _("责任人须是责任单位在用的招商专员或单位负责人。"))
    if c["lead_leader_id"]:
        leader = db.session.get(User, c["lead_leader_id"])
        if not may_hold(leader, Duty.LEAD_LEADER):
            e.add("lead_leader_id", _("包保领导须是在用的领导账号。"))
    if c["chain_id"]:
        chain = db.session.get(Chain, c["chain_id"])
        if chain is None or chain.is_archived:
            e.add("chain_id", _("产业链不存在或已归档。"))
    if c["parent_project_id"]:
        parent = db.session.get(Project, c["parent_project_id"])
        # A project the actor may not read is reported exactly like a missing one.
        if (parent is None or not can(actor, Action.READ, parent.unit_id) or parent.archived_at is not None
                or (project is not None and parent.id == project.id)):
            e.add("parent_project_id", _("原项目不存在，或您无权查看。"))
    e.raise_if_any()
    if not c["chain_id"]:
        c["chain_id"] = chain_for_industry(c["industry_code"])


def chain_for_industry(code: str) -> int | None:
    """The chain covering a division, when exactly one live chain does."""
    ids = db.session.scalars(
        select(Chain.id).where(Chain.archived_at.is_(None), Chain.divisions.any(IndustryDivision.code == code))
    ).all()
    return ids[0] if len(ids) == 1 else None


def _initials(text: str) -> str:
    return "".join(lazy_pinyin(text, style=Style.FIRST_LETTER, errors="ignore"))


def _apply(project: Project, c: dict) -> None:
    for field in EDITABLE_FIELDS:
        setattr(project, field, c[field])
    project.investor_name_norm = normalise_company_name(c["investor_name"])
    project.search_text = " ".join(
        (c["name"], c["investor_name"], _initials(c["name"]), _initials(c["investor_name"]))
    ).lower()[:600]


def may_record_projects(actor) -> bool:
    """Who may register projects at all (in which unit is checked with the data): not viewers."""
    return can(actor, Action.WRITE, actor.unit_id)


def create_project(actor, data: dict, contacts: list[dict] | None = None) -> Project:
    if not may_record_projects(actor):
        raise PermissionDenied(_("您的角色只能查看项目，不能登记项目。"))
    c = clean_project_data(data)
    _check_references(actor, c, None)
    project = Project(stage=Stage.TALKS, status=Status.ACTIVE)
    _apply(project, c)
    project.contacts = _clean_contacts(contacts) if contacts is not None else []
    db.session.add(project)
    db.session.flush()
    return project


MAX_CONTACTS = 10


def _clean_contacts(rows) -> list[ProjectContact]:
    if not isinstance(rows, list) or len(rows) > MAX_CONTACTS * 2:
        raise ValidationFailed(_("联系人格式有误。"), {"contacts": [_("应为最多 %(n)s 个联系人的列表。", n=MAX_CONTACTS)]})
    contacts = []
    for i, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationFailed(_("联系人格式有误。"), {f"contacts[{i}]": [_("应为包含 name、title、phone 的对象。")]})
        if all(p.blank(row.get(k)) for k in ("name", "title", "phone")):
            continue
        contacts.append(ProjectContact(
            name=p.text(row.get("name"), f"contacts[{i}].name", max_length=64, required=True, label=_("联系人姓名")),
            title=p.text(row.get("title"), f"contacts[{i}].title", max_length=64, label=_("职务")),
            phone=p.text(row.get("phone"), f"contacts[{i}].phone", max_length=32, label=_("电话"))))
    if len(contacts) > MAX_CONTACTS:
        raise ValidationFailed(_("联系人最多 %(n)s 个。", n=MAX_CONTACTS), {"contacts": [_("过多。")]})
    return contacts


def update_contacts(project: Project, rows: list[dict]) -> None:
    """Rows line up with the project's contacts, then new ones. A blanked row keeps the contact:
    people are corrected, never silently removed. The same shape and cap as on creation."""
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        _clean_contacts(rows)  # explains what a contact list should look like
    existing = list(project.contacts)
    filled = [(i, row) for i, row in enumerate(rows) if not all(p.blank(row.get(k)) for k in ("name", "title", "phone"))]
    if len(existing) + sum(1 for i, _row in filled if i >= len(existing)) > MAX_CONTACTS:
        raise ValidationFailed(_("联系人最多 %(n)s 个。", n=MAX_CONTACTS), {"contacts": [_("过多。")]})
    for i, row in filled:
        cleaned = _clean_contacts([row])[0]  # validates the one row
        if i < len(existing):
            contact = existing[i]
            contact.name, contact.title, contact.phone = cleaned.name, cleaned.title, cleaned.phone
        else:
            project.contacts.append(cleaned)


def update_project(actor, project: Project, data: dict, version, contacts: list[dict] | None = None) -> Project:
    require(actor, Action.WRITE, project.unit_id)
    require_active_record(project)
    check_version(project, version)
    merged = {f: getattr(project, f) for f in EDITABLE_FIELDS} | {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    c = clean_project_data(merged)
    _check_references(actor, c, project)
    if Stage(project.stage).index >= Stage.SIGNED.index and any(
        c[f] != getattr(project, f) for f in AMOUNT_FIELDS
    ):
        project.amounts_changed_after_signing = True
    _apply(project, c)
    if contacts is not None:
        update_contacts(project, contacts)
    db.session.flush()
    figures_changed.send(project)
    db.session.flush()
    return project


def archive_project(actor, project: Project, version) -> None:
    require(actor, Action.WRITE, project.unit_id)
    check_version(project, version)
    if project.archived_at is not None:
        raise ValidationFailed(_("项目已归档。"))
    project.archived_at = utcnow()
    db.session.flush()


@dataclass
class PossibleDuplicate:
    project: Project
    reason: str
    visible: bool  # may the viewer read the other project? If not, only its unit is named.


def possible_duplicates(project: Project, viewer=None) -> list[PossibleDuplicate]:
    """Other projects, in any unit, with the same USCC or normalised investor name, unless a
    leader has ruled them distinct (宁可不报少报，不可虚报假报). A capital increase and the project
    it increases are the same investor by definition, so that family is left out."""
    same = [Project.investor_name_norm == project.investor_name_norm]
    if project.investor_uscc:
        same.append(Project.investor_uscc == project.investor_uscc)
    ruled_distinct = select(InvestorLink.id).where(
        InvestorLink.verdict == "distinct",
        or_(and_(InvestorLink.project_id == project.id, InvestorLink.other_project_id == Project.id),
            and_(InvestorLink.other_project_id == project.id, InvestorLink.project_id == Project.id)))
    related = [Project.parent_project_id == project.id]  # its capital increases
    if project.parent_project_id:  # its original project and that project's other increases
        related += [Project.id == project.parent_project_id, Project.parent_project_id == project.parent_project_id]
    family = select(Project.id).where(or_(*related))
    stmt = (select(Project).options(joinedload(Project.unit))
            .where(Project.id != project.id, Project.archived_at.is_(None), or_(*same), ~ruled_distinct.exists(),
                   Project.id.not_in(family))
            .order_by(Project.id).limit(20))
    found = []
    for other in db.session.scalars(stmt):
        reason = _("统一社会信用代码相同") if project.investor_uscc and other.investor_uscc == project.investor_uscc \
            else _("投资方名称相同")
        found.append(PossibleDuplicate(other, reason, viewer is None or can(viewer, Action.READ, other.unit_id)))
    return found


def rule_on_investor(actor, project: Project, other: Project, verdict: str, note: str | None) -> InvestorLink:
    """A leader decides whether two flagged projects are the same investor or distinct."""
    require(actor, Action.APPROVE)
    p.choice(verdict, "verdict", ("same", "distinct"), label=_("判定"))
    if project.id == other.id:
        raise ValidationFailed(_("不能与自身比较。"))
    low, high = sorted((project.id, other.id))
    link = db.session.scalar(select(InvestorLink).where(InvestorLink.project_id == low,
                                                        InvestorLink.other_project_id == high))
    if link is None:
        link = InvestorLink(project_id=low, other_project_id=high)
        db.session.add(link)
    link.verdict, link.note, link.decided_by_id, link.decided_at = verdict, note, actor.id, utcnow()
    db.session.flush()
    return link


def visible_projects(actor):
    """A select() of the projects `actor` may read (archived ones excluded)."""
    return scope(select(Project).where(Project.archived_at.is_(None)), actor, Project.unit_id)
