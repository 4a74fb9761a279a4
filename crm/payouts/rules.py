"""What a payout request must satisfy: the term's condition, the cap, the recipients' shares.

Shared by the request and edit services (crm/payouts/services.py) and the project panel, so the page
shows the same "remaining" the services enforce.
"""

from __future__ import annotations

from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.auth.models import User
from crm.core import parsing as p
from crm.core.errors import ValidationFailed
from crm.domain import IncentiveCondition, PayoutKind, PayoutState, Stage
from crm.extensions import db
from crm.payouts.models import Payout
from crm.pipeline.models import Contract, IncentiveTerm
from crm.projects.models import Project
from crm.units.models import Unit

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
MAX_RECIPIENTS = 20
# The stage each condition needs; actual_tax also needs a recorded basis (条件核定依据) that the
# approving leader confirms: the system cannot know a tax figure it was never given.
CONDITION_STAGE = {IncentiveCondition.SIGNED: Stage.SIGNED, IncentiveCondition.STARTED: Stage.STARTED,
                   IncentiveCondition.PRODUCING: Stage.PRODUCING, IncentiveCondition.ACTUAL_TAX: Stage.PRODUCING}
REWARD_STAGE = Stage.STARTED  # 只有项目落地了，开工建设了，才是招引的成果 (DOMAIN §6)


def refuse(field: str, message: str):
    raise ValidationFailed(message, {field: [message]})


def stage_reached(project: Project, stage: Stage) -> bool:
    return Stage(project.stage).index >= stage.index


def is_live():
    """The live payouts (applied, approved, paid, and reversed originals with their negative
    reversals): what counts against a cap. A where-clause, or a CASE condition for a grouped sum."""
    return Payout.state.in_(PayoutState.live())


def live_total(*where, excluding: int | None = None) -> Decimal:
    """Sum of the live payouts (`is_live`) matching `where`, in SQL."""
    stmt = select(func.coalesce(func.sum(Payout.amount_wan), 0)).where(is_live(), *where)
    if excluding is not None:
        stmt = stmt.where(Payout.id != excluding)
    return Decimal(db.session.scalar(stmt)).quantize(Decimal("0.01"))


def term_paid_out(term_id: int, excluding: int | None = None) -> Decimal:
    return live_total(Payout.term_id == term_id, excluding=excluding)


def reward_paid_out(project_id: int, excluding: int | None = None) -> Decimal:
    return live_total(Payout.project_id == project_id, Payout.kind == PayoutKind.CONTRIBUTOR, excluding=excluding)


def locked_term(project: Project, term_id) -> IncentiveTerm:
    """The term, row-locked (PostgreSQL: SELECT ... FOR UPDATE; SQLite: the request's BEGIN IMMEDIATE
    already serialises writers) so two requests cannot both pass the cap check. Only a term of this
    project's live contract."""
    number = p.ref_id(term_id, "term_id", label=_("奖扶条款"), required=True)
    term = db.session.execute(
        select(IncentiveTerm).join(Contract, Contract.id == IncentiveTerm.contract_id)
        .where(IncentiveTerm.id == number, Contract.voided_by_id.is_(None))
        .with_for_update(of=IncentiveTerm).execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if term is None or term.project_id != project.id:
        refuse("term_id", _("奖扶条款不属于该项目的有效合同。"))
    return term


def lock_project(project: Project) -> None:
    """Row-lock the project for a contributor reward's cap check (see `locked_term`)."""
    db.session.execute(select(Project.id).where(Project.id == project.id).with_for_update())


def check_condition(project: Project, term: IncentiveTerm, condition_note: str | None) -> None:
    condition = IncentiveCondition(term.condition_stage)
    stage = CONDITION_STAGE[condition]
    if not stage_reached(project, stage):
        refuse("term_id", _("兑现条件未满足：该条款须在项目%(condition)s兑现，项目目前处于%(stage)s阶段。",
                            condition=condition.title, stage=Stage(project.stage).title))
    if condition is IncentiveCondition.ACTUAL_TAX and not condition_note:
        refuse("condition_note", _("实缴税收条件需人工核定：请填写核定依据（如完税证明编号、税务部门出具的实缴税额），"
                                   "由审批领导确认。"))


def check_amount_within(amount: Decimal, limit: Decimal, already: Decimal, what: str) -> None:
    remaining = limit - already
    if amount > remaining:
        refuse("amount_wan", _("金额超出可兑现余额：%(what)s %(limit)s 万元，已申请或兑现 %(already)s 万元，"
                               "尚余 %(remaining)s 万元。", what=what, limit=limit, already=already,
                               remaining=max(remaining, ZERO)))


def amount(value) -> Decimal:
    return p.decimal(value, "amount_wan", label=_("金额"), required=True, positive=True,
                     maximum=Decimal("999999999999.99"))


def _recipient(e: p.FieldErrors, i: int, raw) -> dict | None:
    field = "recipients"
    if not isinstance(raw, dict):
        e.add(field, _("第 %(n)s 位获奖对象格式有误。", n=i + 1))
        return None
    user_id, unit_id = raw.get("user_id"), raw.get("unit_id")
    if p.blank(user_id) == p.blank(unit_id):
        e.add(field, _("第 %(n)s 位获奖对象须为一名人员或一个单位（user_id 与 unit_id 二选一）。", n=i + 1))
        return None
    share = e.run(field, p.decimal, raw.get("share"), field, label=_("第 %(n)s 位分配比例", n=i + 1), required=True,
                  positive=True, maximum=HUNDRED)
    if not p.blank(user_id):
        user = p.record_by_id(User, user_id)
        if user is None or not user.is_active:
            e.add(field, _("第 %(n)s 位获奖人员不存在或已停用。", n=i + 1))
            return None
        return {"user_id": user.id, "unit_id": None, "share": share}
    unit = p.record_by_id(Unit, unit_id)
    if unit is None or unit.archived_at is not None:
        e.add(field, _("第 %(n)s 位获奖单位不存在或已归档。", n=i + 1))
        return None
    return {"user_id": None, "unit_id": unit.id, "share": share}


def recipients(raw) -> list[dict]:
    """Credited officers and units with shares (percent) that sum to at most 100 %."""
    if not isinstance(raw, list) or not raw:
        refuse("recipients", _("请填写获奖人员或单位及其分配比例。"))
    if len(raw) > MAX_RECIPIENTS:
        refuse("recipients", _("获奖对象最多 %(n)s 个。", n=MAX_RECIPIENTS))
    e = p.FieldErrors()
    cleaned = [_recipient(e, i, r) for i, r in enumerate(raw)]
    e.raise_if_any()
    keys = [(r["user_id"], r["unit_id"]) for r in cleaned]
    if len(set(keys)) != len(keys):
        refuse("recipients", _("同一人员或单位只能列一次。"))
    total = sum((r["share"] for r in cleaned), ZERO)
    if total > HUNDRED:
        refuse("recipients", _("分配比例合计 %(total)s%%，不能超过 100%%。", total=total))
    return cleaned
