"""What must be true to enter each stage (DOMAIN.md §2 "Gates"), in words staff understand.

Each gate reads the transition's data, returns the cleaned values, and lists what is missing.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.core import parsing as p
from crm.core.dates import local_today
from crm.core.errors import GateNotMet
from crm.domain import IncentiveCondition, PermitKind, Stage
from crm.extensions import db
from crm.pipeline.models import Contract
from crm.pipeline.permits import missing_permits, permits_of
from crm.projects.constants import MAX_AMOUNT_WAN, MAX_LAND_MU
from crm.projects.models import Project
from crm.screening.current import meeting_problem, signed_screening


class Gate(p.FieldErrors):
    """Field errors of a gate, kept also as one list of what is missing, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.missing: list[str] = []

    def add(self, field: str, message: str) -> None:
        super().add(field, message)
        self.missing.append(message)

    need = add

    def stripped(self) -> list[str]:
        """The messages without their own closing punctuation, so that joined they read "a；b。", not "a。；b。"."""
        return [message.rstrip("。；，.; ") for message in self.missing]
    value = p.FieldErrors.run

    def check(self, stage_label: str) -> None:
        if self.missing:
            raise GateNotMet(
                _("尚不满足进入“%(stage)s”阶段的条件：%(missing)s。", stage=stage_label,
                  missing="；".join(self.stripped())),
                self.fields)


def approved_gate(project: Project, data: dict, effective: date, gate: Gate) -> dict:
    problem = meeting_problem(project, effective)
    if problem:
        gate.need("screening", problem)
    screening = signed_screening(project, by=effective)
    return {
        "screening_id": screening.id if screening else None,
        "meeting_name": gate.value("meeting_name", p.text, data.get("meeting_name"), "meeting_name",
                                   max_length=200, required=True, label=_("会议名称")),
        "minutes_no": gate.value("minutes_no", p.text, data.get("minutes_no"), "minutes_no", max_length=100,
                                 required=True, label=_("会议纪要编号")),
        # A conditional screening's conditions go with the approval unless the meeting stated its own.
        "conditions": gate.value("conditions", p.text, data.get("conditions"), "conditions", max_length=5000, multiline=True,
                                 label=_("附加条件")) or (screening.conditions if screening else None),
    }


def _commitments(rows, effective: date, gate: Gate) -> list[dict]:
    cleaned = []
    if not isinstance(rows, list):
        rows = []
    for i, row in enumerate(row for row in rows if isinstance(row, dict)):
        if all(p.blank(row.get(k)) for k in ("due_date", "amount_wan", "description")):
            continue
        field = f"commitments[{i}]"
        cleaned.append({
            "due_date": gate.value(field, p.a_date, row.get("due_date"), field, required=True,
                                   label=_("第 %(n)s 期承诺的到期日", n=i + 1), not_before=effective),
            "amount_wan": gate.value(field, p.decimal, row.get("amount_wan"), field, required=True, positive=True,
                                     maximum=MAX_AMOUNT_WAN, label=_("第 %(n)s 期承诺金额", n=i + 1)),
            "description": gate.value(field, p.text, row.get("description"), field, max_length=500,
                                      label=_("说明")),
        })
    if not cleaned:
        gate.need("commitments", _("缺少分期投资承诺（每期的到期日和金额）"))
    return cleaned


def _terms(rows, gate: Gate) -> list[dict]:
    cleaned = []
    if not isinstance(rows, list):
        rows = []
    for i, row in enumerate(row for row in rows if isinstance(row, dict)):
        if all(p.blank(row.get(k)) for k in ("kind", "cap_wan", "condition_stage", "description")):
            continue
        field = f"incentive_terms[{i}]"
        cleaned.append({
            "kind": gate.value(field, p.text, row.get("kind"), field, max_length=100, required=True,
                               label=_("第 %(n)s 项奖扶条款的类型", n=i + 1)),
            "cap_wan": gate.value(field, p.decimal, row.get("cap_wan"), field, required=True, positive=True,
                                  maximum=MAX_AMOUNT_WAN, label=_("第 %(n)s 项奖扶条款的上限", n=i + 1)),
            "condition_stage": gate.value(field, p.choice, row.get("condition_stage"), field, IncentiveCondition.codes(),
                                          label=_("第 %(n)s 项奖扶条款的兑现条件", n=i + 1)),
            "description": gate.value(field, p.text, row.get("description"), field, max_length=500, label=_("说明")),
        })
    return cleaned


def signed_gate(project: Project, data: dict, effective: date, gate: Gate) -> dict:
    contract_no = gate.value("contract_no", p.text, data.get("contract_no"), "contract_no", max_length=100,
                             required=True, label=_("合同编号"))
    if contract_no and db.session.scalar(select(func.count()).select_from(Contract).where(
            Contract.contract_no == contract_no, Contract.voided_by_id.is_(None))):
        gate.need("contract_no", _("合同编号 %(no)s 已被其他项目使用", no=contract_no))
    amount = gate.value("contract_investment_wan", p.decimal, data.get("contract_investment_wan"),
                        "contract_investment_wan", required=True, positive=True, maximum=MAX_AMOUNT_WAN,
                        label=_("合同投资额"))
    start = gate.value("agreed_start_date", p.a_date, data.get("agreed_start_date"), "agreed_start_date",
                       required=True, not_before=effective, label=_("约定开工日期"))
    production = gate.value("agreed_production_date", p.a_date, data.get("agreed_production_date"),
                            "agreed_production_date", required=True, not_before=start, label=_("约定投产日期"))
    commitments = _commitments(data.get("commitments"), effective, gate)
    total = sum((c["amount_wan"] or Decimal(0) for c in commitments), Decimal(0))
    if amount and commitments and total != amount:
        gate.need("commitments", _("分期投资承诺合计 %(total)s 万元，与合同投资额 %(amount)s 万元不一致",
                                   total=total, amount=amount))
    return {"contract_no": contract_no, "contract_investment_wan": amount, "agreed_start_date": start,
            "agreed_production_date": production, "commitments": commitments,
            "incentive_terms": _terms(data.get("incentive_terms"), gate)}


def started_gate(project: Project, data: dict, effective: date, gate: Gate) -> dict:
    needs_land = project.floor_area_m2 is None or bool(project.land_area_mu)
    land = certificate = None
    if needs_land or not p.blank(data.get("land_area_mu")):
        land = gate.value("land_area_mu", p.decimal, data.get("land_area_mu"), "land_area_mu", required=True,
                          positive=True, maximum=MAX_LAND_MU, label=_("供地面积（亩）"))
        certificate = gate.value("land_certificate_no", p.text, data.get("land_certificate_no"),
                                 "land_certificate_no", max_length=100, required=True, label=_("不动产权证号"))
    for permit in missing_permits(project, effective):
        gate.need("permits", _("审批手续“%(kind)s”尚未办结", kind=PermitKind(permit.kind).title))
    return {"land_area_mu": land, "land_certificate_no": certificate}


def checklist(project: Project, permits: list | None = None) -> list[tuple[str, bool]]:
    """The next stage's conditions that depend on the record's state, for the project page
    (`permits`: the project's permits if already loaded)."""
    nxt = {Stage.TALKS: Stage.APPROVED, Stage.APPROVED: Stage.SIGNED, Stage.SIGNED: Stage.STARTED}.get(project.stage)
    if nxt == Stage.APPROVED:
        # The gate's own rule, as of today: the checklist ticks only what the gate would accept.
        return [(_("预审已签批且结论为通过或有条件通过"), meeting_problem(project, local_today()) is None),
                (_("评审会名称、日期和会议纪要编号"), False)]
    if nxt == Stage.SIGNED:
        return [(_("正式投资合同：编号、签约日期、合同投资额"), False), (_("分期投资承诺，合计等于合同投资额"), False),
                (_("约定开工、投产日期和政策奖扶条款"), False)]
    if nxt == Stage.STARTED:
        # The same permit rows the 开工 gate reads, so the checklist and the gate never disagree.
        today = local_today()
        return [(_("供地：面积（亩）和不动产权证号"), False)] + [
            (_("审批手续：%(kind)s", kind=PermitKind(pm.kind).title), pm.done_date is not None and pm.done_date <= today)
            for pm in (permits_of(project) if permits is None else permits) if pm.required]
    return []
