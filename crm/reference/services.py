"""Reference data rules: industry chains and the admin-editable lists."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from crm.audit.services import record_extra_change
from crm.core import parsing as p
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import utcnow
from crm.core.permissions import Action, require
from crm.core.services import check_version
from crm.domain import ListKind
from crm.extensions import db
from crm.reference.defaults import DROP_REASONS, NEGATIVE_LIST
from crm.reference.models import Chain, IndustryDivision, IndustrySection, ListItem


def sections_with_divisions() -> list[IndustrySection]:
    stmt = select(IndustrySection).options(selectinload(IndustrySection.divisions)).order_by(IndustrySection.code)
    return list(db.session.scalars(stmt))


def division_choices() -> list[tuple[str, str]]:
    return [(d.code, d.label) for d in db.session.scalars(select(IndustryDivision).order_by(IndustryDivision.code))]


def live_chains() -> list[Chain]:
    stmt = (
        select(Chain).options(selectinload(Chain.divisions))
        .where(Chain.archived_at.is_(None)).order_by(Chain.sort_order, Chain.id)
    )
    return list(db.session.scalars(stmt))


def all_chains() -> list[Chain]:
    stmt = select(Chain).options(selectinload(Chain.divisions)).order_by(Chain.archived_at.is_not(None), Chain.sort_order, Chain.id)
    return list(db.session.scalars(stmt))


def _divisions(codes: list[str]) -> list[IndustryDivision]:
    codes = sorted(set(codes or []))
    found = list(db.session.scalars(select(IndustryDivision).where(IndustryDivision.code.in_(codes))))
    unknown = sorted(set(codes) - {d.code for d in found})
    if unknown:
        raise ValidationFailed(
            _("行业大类代码不存在：%(codes)s", codes="、".join(unknown)), {"division_codes": [_("请选择有效的大类代码。")]}
        )
    if not found:
        raise ValidationFailed(_("产业链至少要包含一个行业大类。"), {"division_codes": [_("至少选择一个大类。")]})
    return found


def _check_chain_name(name: str, chain: Chain | None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("请填写产业链名称。"), {"name": [_("必填")]})
    stmt = select(func.count()).select_from(Chain).where(Chain.name == name)
    if chain is not None:
        stmt = stmt.where(Chain.id != chain.id)
    if db.session.scalar(stmt):
        raise Conflict(_("产业链名称已存在。"), {"name": [_("产业链名称已存在。")]})
    return name


def create_chain(actor, data: dict) -> Chain:
    require(actor, Action.MANAGE)
    chain = Chain(
        name=_check_chain_name(data.get("name"), None),
        description=data.get("description") or None,
        sort_order=data.get("sort_order") or 0,
        divisions=_divisions(data.get("division_codes")),
    )
    db.session.add(chain)
    db.session.flush()
    return chain


def update_chain(actor, chain: Chain, data: dict, version) -> Chain:
    require(actor, Action.MANAGE)
    check_version(chain, version)
    chain.name = _check_chain_name(data.get("name", chain.name), chain)
    chain.description = data.get("description", chain.description) or None
    chain.sort_order = data.get("sort_order", chain.sort_order) or 0
    if "division_codes" in data:
        before = chain.division_codes
        chain.divisions = _divisions(data["division_codes"])
        if before != chain.division_codes:
            # The association table is not a column of the chain: tell the audit trail.
            record_extra_change(chain, "division_codes", before, chain.division_codes)
    db.session.flush()
    return chain


def archive_chain(actor, chain: Chain, version) -> None:
    require(actor, Action.MANAGE)
    check_version(chain, version)
    chain.archived_at = utcnow()
    db.session.flush()


def list_items(kind: str, include_archived: bool = False) -> list[ListItem]:
    stmt = select(ListItem).where(ListItem.kind == kind).order_by(ListItem.archived_at.is_not(None), ListItem.sort_order, ListItem.id)
    if not include_archived:
        stmt = stmt.where(ListItem.archived_at.is_(None))
    return list(db.session.scalars(stmt))


def list_item_code(kind: str, value, field: str, *, label: str) -> str:
    """The code of a live entry of list `kind`, given its code or its label (integrators send either:
    "企业战略调整" or its code). An unknown value is refused naming the valid entries."""
    items = list_items(kind)
    if p.blank(value):
        message = _("请选择%(label)s。", label=label)
        raise ValidationFailed(message, {field: [message]})
    for item in items:
        if isinstance(value, str) and value.strip() in (item.code, item.label):
            return item.code
    valid = "、".join(f"{item.label}（{item.code}）" for item in items)
    message = _("%(label)s的取值无效，可选：%(valid)s（见 /api/v1/reference/%(kind)s）。", label=label, valid=valid,
                kind=kind)
    raise ValidationFailed(message, {field: [message]})


def _check_item(kind: str, data: dict, item: ListItem | None) -> None:
    if ListKind.get(kind) is None:
        raise ValidationFailed(_("未知的清单类型。"))
    if not (data.get("code") or "").strip() or not (data.get("label") or "").strip():
        raise ValidationFailed(_("请填写代码和名称。"), {"code": [_("必填")], "label": [_("必填")]})
    stmt = select(func.count()).select_from(ListItem).where(ListItem.kind == kind, ListItem.code == data["code"].strip())
    if item is not None:
        stmt = stmt.where(ListItem.id != item.id)
    if db.session.scalar(stmt):
        raise Conflict(_("该代码已存在。"), {"code": [_("该代码已存在。")]})


def create_list_item(actor, kind: str, data: dict) -> ListItem:
    require(actor, Action.MANAGE)
    _check_item(kind, data, None)
    item = ListItem(kind=kind, code=data["code"].strip(), label=data["label"].strip(), sort_order=data.get("sort_order") or 0)
    db.session.add(item)
    db.session.flush()
    return item


def update_list_item(actor, item: ListItem, data: dict, version) -> ListItem:
    require(actor, Action.MANAGE)
    check_version(item, version)
    _check_item(item.kind, data, item)
    item.code, item.label = data["code"].strip(), data["label"].strip()
    item.sort_order = data.get("sort_order") or 0
    db.session.flush()
    return item


def archive_list_item(actor, item: ListItem, version) -> None:
    require(actor, Action.MANAGE)
    check_version(item, version)
    item.archived_at = utcnow()
    db.session.flush()


def seed_default_lists() -> int:
    """Add the default negative list and drop reasons where a kind has no entries yet."""
    added = 0
    for kind, defaults in ((ListKind.NEGATIVE_LIST, NEGATIVE_LIST), (ListKind.DROP_REASON, DROP_REASONS)):
        if db.session.scalar(select(func.count()).select_from(ListItem).where(ListItem.kind == kind)):
            continue
        for order, (code, label) in enumerate(defaults, start=1):
            db.session.add(ListItem(kind=kind, code=code, label=label, sort_order=order))
            added += 1
    db.session.flush()
    return added
