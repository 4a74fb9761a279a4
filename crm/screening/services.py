"""Screenings (项目预审): staff prepare them from a project's figures; a leader signs them off."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import Numeric, cast, func, literal_column, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from crm.core import parsing as p
from crm.core.dates import local_date
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.core.i18n import N_
from crm.core.models import utcnow
from crm.core.permissions import Action, can, require, scope
from crm.domain import Status, Verdict
from crm.extensions import db
from crm.projects.access import project_for, require_active_record
from crm.projects.constants import MAX_AMOUNT_WAN, MAX_ENERGY_TCE, MAX_FLOOR_M2, MAX_LAND_MU
from crm.projects.models import Project
from crm.reference.models import IndustryDivision
from crm.screening.current import start_new_screening
from crm.screening.models import Screening
from crm.screening.policies import policy_for, thresholds
from crm.screening.scoring import Inputs, screen
from crm.screening.signals import screening_signed

# The figures a screening copies from the project (and that a screening request may override).
FIGURES = {
    "total_investment_wan": (MAX_AMOUNT_WAN, N_("总投资")), "fixed_asset_investment_wan": (MAX_AMOUNT_WAN, N_("固定资产投资")),
    "land_area_mu": (MAX_LAND_MU, N_("用地面积")), "floor_area_m2": (MAX_FLOOR_M2, N_("租用厂房面积")),
    "expected_annual_output_wan": (MAX_AMOUNT_WAN, N_("达产年产值")), "expected_annual_tax_wan": (MAX_AMOUNT_WAN, N_("达产年税收")),
    "annual_energy_tce": (MAX_ENERGY_TCE, N_("年综合能耗")), "annual_electricity_wan_kwh": (MAX_ENERGY_TCE, N_("年用电量")),
}
TWO_PLACES = Decimal("0.01")


def _inputs(project: Project, overrides: dict) -> dict:
    """The project's figures, with valid overrides applied; all checked, all problems at once."""
    if not isinstance(overrides, dict):
        raise ValidationFailed(_("请求体必须是 JSON 对象。"))
    e = p.FieldErrors()
    figures = {"industry_code": project.industry_code}
    for name, (maximum, label) in FIGURES.items():
        value = overrides[name] if name in overrides else getattr(project, name)
        figures[name] = e.run(name, p.decimal, value, name, label=_(label), maximum=maximum)
    if "industry_code" in overrides:
        code = e.run("industry_code", p.text, overrides["industry_code"], "industry_code", max_length=2,
                     required=True, label=_("行业大类"))
        if code and db.session.get(IndustryDivision, code) is None:
            e.add("industry_code", _("行业大类代码不存在（应为 GB/T 4754-2017 的两位大类代码）。"))
        figures["industry_code"] = code
    if figures.get("land_area_mu") == 0:
        figures["land_area_mu"] = None  # 0 亩 means "no new land": per-mu figures do not apply
    _check_figures(e, figures)
    e.raise_if_any(_("预审数据有误：%(summary)s", summary=e.summary()))
    return figures


# Land is the only figure that may be missing (per-mu indicators then do not apply, DOMAIN §4.1).
REQUIRED = {"fixed_asset_investment_wan": N_("固定资产投资"), "expected_annual_output_wan": N_("达产年产值"),
            "expected_annual_tax_wan": N_("达产年税收"), "annual_energy_tce": N_("年综合能耗")}
MIN_LAND_MU = Decimal(1)


def _check_figures(e: p.FieldErrors, f: dict) -> None:
    """The screening needs these figures, and they must make sense together."""
    for name, label in REQUIRED.items():
        if f.get(name) is None and name not in e.fields:
            e.add(name, _("预审需要%(label)s，请先补充。", label=_(label)))
    if f.get("expected_annual_output_wan") == 0:
        e.add("expected_annual_output_wan", _("达产年产值须大于 0。"))
    total, fixed = f.get("total_investment_wan"), f.get("fixed_asset_investment_wan")
    if total is not None and fixed is not None and fixed > total:
        e.add("fixed_asset_investment_wan", _("固定资产投资不能大于总投资。"))
    output, tax = f.get("expected_annual_output_wan"), f.get("expected_annual_tax_wan")
    if output is not None and tax is not None and tax > output:
        e.add("expected_annual_tax_wan", _("达产年税收不能大于达产年产值。"))
    land = f.get("land_area_mu")
    if land is not None and land < MIN_LAND_MU:
        e.add("land_area_mu", _("用地面积不足 1 亩，请核实（不新增用地请留空并填写厂房面积）。"))


def _text(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"  # plain digits, never "0E+2"


def _require_open(project: Project) -> None:
    require_active_record(project)
    if project.status == Status.DROPPED:
        raise Conflict(_("项目已终止，不能预审；如需重新启用，请联系系统管理员做更正。"))


def prepare_screening(actor, project: Project, overrides: dict | None = None) -> Screening:
    require(actor, Action.WRITE, project.unit_id)
    _require_open(project)
    policy = policy_for(project)
    if policy is None:
        raise ValidationFailed(_("没有启用的准入标准，无法预审；请联系系统管理员启用准入标准。"))
    figures = _inputs(project, overrides or {})
    result = screen(Inputs(**{k: figures[k] for k in Inputs.__dataclass_fields__}), thresholds(policy))
    now = utcnow()
    start_new_screening(project.id, now)
    screening = Screening(is_current=True,
        project_id=project.id, policy_id=policy.id, policy_version=policy.label, created_by_id=actor.id,
        inputs={k: v if isinstance(v, str) or v is None else str(v) for k, v in figures.items()},
        indicators={k: _text(v) for k, v in result.indicators.items()},
        scores={k: str(v.quantize(TWO_PLACES)) for k, v in result.scores.items()}, met=result.met,
        not_applicable=result.not_applicable, vetoes=result.vetoes, industry_fit=result.industry_fit,
        energy_review_tier=result.energy_review_tier, score=result.score.quantize(TWO_PLACES),
        proposed_verdict=result.proposed_verdict)
    db.session.add(screening)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:  # the unique index: another screening of this project was prepared meanwhile
        raise Conflict(_("该项目刚有另一份预审提交，请刷新后查看最新的预审。")) from None
    return screening


def screening_for(actor, screening_id, action: Action = Action.READ) -> Screening:
    """A screening, if `actor` may read (or `action`) its project; otherwise not found."""
    screening = p.record_by_id(Screening, screening_id)
    if screening is None:
        raise NotFound(_("预审记录不存在，或您无权查看。"))
    project_for(actor, screening.project_id, Action.READ)
    if action != Action.READ:
        require(actor, action, screening.project.unit_id)
    return screening


def decide(actor, screening: Screening, data: dict) -> Screening:
    """A leader confirms the negative list, sets the verdict with a comment, and signs."""
    if not can(actor, Action.SIGN_SCREENING):
        raise PermissionDenied(_("预审须由分管领导签批。"))
    # Lock the row, so two leaders (or a double click) cannot both sign it.
    db.session.refresh(screening, with_for_update=True)
    _require_open(screening.project)
    if screening.signed_at is not None:
        raise Conflict(_("该预审已于 %(date)s 签批，签批后不能更改；如需重新预审，请新建预审。",
                         date=local_date(screening.signed_at).isoformat()))
    if screening.superseded_at is not None:
        raise Conflict(_("该预审已被更新的预审取代，请签批最新的预审。"))
    e = p.FieldErrors()
    verdict = e.run("verdict", p.choice, data.get("verdict"), "verdict", Verdict.codes(), label=_("预审结论"))
    comment = e.run("comment", p.text, data.get("comment"), "comment", max_length=5000, multiline=True, required=True,
                    label=_("审核意见"))
    conditions = e.run("conditions", p.text, data.get("conditions"), "conditions", max_length=5000, multiline=True,
                       label=_("附加条件"))
    confirmed = e.run("negative_list_confirmed", p.flag, data.get("negative_list_confirmed"),
                      "negative_list_confirmed", label=_("负面清单核查"))
    if confirmed is False:
        e.add("negative_list_confirmed", _("请逐项核查负面清单（五不招）并确认后再签批。"))
    if verdict == Verdict.CONDITIONAL and not conditions:
        e.add("conditions", _("有条件通过须写明附加条件。"))
    if verdict and Verdict(verdict).passes and screening.vetoes:
        e.add("verdict", _("存在一票否决项，结论只能为“不通过”。"))
    e.raise_if_any(_("签批未完成：%(summary)s", summary=e.summary()))
    # Everything is read before anything is set: a lazy load in between would autoflush a half-signed row.
    checked = list(screening.policy.negative_list_codes) if screening.policy else []
    screening.verdict, screening.comment, screening.conditions = verdict, comment, conditions
    screening.negative_list_confirmed, screening.negative_list_checked = True, checked
    screening.signed_by_id, screening.signed_at = actor.id, utcnow()
    db.session.flush()
    screening_signed.send(screening)
    db.session.flush()
    return screening


def _visible(actor):
    return scope(select(Screening).join(Project, Project.id == Screening.project_id)
                 .where(Project.archived_at.is_(None)), actor, Project.unit_id)


def awaiting_signoff(actor):
    """A select() of the screenings waiting for a sign-off, oldest first (page it with fetch_page)."""
    return (_visible(actor).options(selectinload(Screening.project).selectinload(Project.unit),
                                    selectinload(Screening.created_by))
            .where(Screening.signed_at.is_(None), Screening.superseded_at.is_(None), Project.status != Status.DROPPED)
            .order_by(Screening.created_at, Screening.id))


def screenings_of(project: Project) -> list[Screening]:
    stmt = (select(Screening).options(selectinload(Screening.signed_by), selectinload(Screening.created_by))
            .where(Screening.project_id == project.id).order_by(Screening.id.desc()))
    return list(db.session.scalars(stmt))


SORT_KEYS = ("tax_per_mu", "investment_intensity", "output_per_mu", "energy_per_output", "score", "created")


def screened_table(actor, sort: str = "score", desc: bool = True):
    """A select() of each project's current screening (the latest not superseded), with its project,
    sorted in SQL by the score, the date or an indicator (missing indicators sort as -1). The default,
    score high to low, reads ix_screenings_current_score (the same coalesce expression) in order."""
    key = sort if sort in SORT_KEYS else "score"
    if key == "score":
        # A literal 0, as in the index's expression: a bound parameter (what a plain 0 becomes) does not
        # match it, and SQLite then sorted every current screening (140 ms at 100,000 projects; 0.1 ms).
        column = func.coalesce(Screening.score, literal_column("0"))
    elif key == "created":
        column = Screening.created_at
    else:
        column = func.coalesce(cast(Screening.indicators[key].as_string(), Numeric(18, 4)), -1)
    return (_visible(actor).options(selectinload(Screening.project).selectinload(Project.unit),
                                    selectinload(Screening.signed_by))
            .where(Screening.is_current)
            .order_by(column.desc() if desc else column.asc(), Screening.id.desc()))
