"""Managing users and units (admins only). Services change and flush; the caller commits."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.auth.models import Role, User
from crm.auth.services import end_every_session, validate_new_password
from crm.core.errors import Conflict, ValidationFailed
from crm.core.models import utcnow
from crm.core.permissions import Action, require, role_may, role_needs_unit
from crm.core.services import check_version
from crm.extensions import db
from crm.units.models import Unit, UnitKind

USER_FIELDS = ("name", "role", "unit_id", "phone", "email", "active")
UNIT_FIELDS = ("name", "kind", "parent_id", "location")


def _live_unit(unit_id: int | None, field: str = "unit_id") -> Unit | None:
    if unit_id is None:
        return None
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.is_archived:
        raise ValidationFailed(_("所选单位不存在或已归档。"), {field: [_("请选择有效的单位。")]})
    return unit


def _check_user_fields(data: dict) -> None:
    role = data.get("role")
    try:
        Role(role)
    except ValueError:
        raise ValidationFailed(_("角色无效。"), {"role": [_("请选择有效的角色。")]}) from None
    if role_needs_unit(role) and not data.get("unit_id"):
        raise ValidationFailed(_("招商专员和单位负责人必须属于一个单位。"), {"unit_id": [_("请选择所属单位。")]})
    _live_unit(data.get("unit_id"))
    if not (data.get("name") or "").strip():
        raise ValidationFailed(_("请填写姓名。"), {"name": [_("必填")]})


def create_user(actor: User, data: dict, password: str) -> User:
    require(actor, Action.MANAGE)
    username = (data.get("username") or "").strip()
    if not username:
        raise ValidationFailed(_("请填写用户名。"), {"username": [_("必填")]})
    if db.session.scalar(select(func.count()).select_from(User).where(User.username == username)):
        raise Conflict(_("用户名“%(name)s”已被使用。", name=username), {"username": [_("用户名已存在。")]})
    _check_user_fields(data)
    validate_new_password(password)
    user = User(username=username, **{k: data.get(k) for k in USER_FIELDS if k in data})
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def update_user(actor: User, user: User, data: dict, version) -> User:
    require(actor, Action.MANAGE)
    check_version(user, version)
    merged = {k: getattr(user, k) for k in USER_FIELDS} | {k: data[k] for k in USER_FIELDS if k in data}
    _check_user_fields(merged)
    if user.id == actor.id and (not role_may(merged["role"], Action.MANAGE) or not merged["active"]):
        raise ValidationFailed(_("不能取消自己的管理员角色或停用自己的账号。"))
    for key in USER_FIELDS:
        setattr(user, key, merged[key])
    if not user.active:
        end_every_session(user)
    db.session.flush()
    return user


def reset_password(actor: User, user: User, password: str) -> None:
    require(actor, Action.MANAGE)
    validate_new_password(password)
    user.set_password(password)
    end_every_session(user)
    db.session.flush()


def archive_user(actor: User, user: User, version) -> None:
    require(actor, Action.MANAGE)
    check_version(user, version)
    if user.id == actor.id:
        raise ValidationFailed(_("不能归档自己的账号。"))
    user.archived_at = utcnow()
    user.active = False
    end_every_session(user)
    db.session.flush()


def _check_unit_fields(unit: Unit | None, data: dict) -> None:
    if not (data.get("name") or "").strip():
        raise ValidationFailed(_("请填写单位名称。"), {"name": [_("必填")]})
    if UnitKind.get(data.get("kind")) is None:
        raise ValidationFailed(_("单位类型无效。"), {"kind": [_("请选择单位类型。")]})
    same_name = select(Unit.id).where(Unit.name == data["name"].strip())
    if unit is not None:
        same_name = same_name.where(Unit.id != unit.id)
    if db.session.scalar(same_name):
        raise Conflict(_("单位名称已存在。"), {"name": [_("单位名称已存在。")]})
    parent = _live_unit(data.get("parent_id"), "parent_id")
    # Walk up from the proposed parent: meeting this unit again would make a loop.
    while parent is not None and unit is not None:
        if parent.id == unit.id:
            message = _("上级单位不能是本单位或其下级单位。")
            raise ValidationFailed(message, {"parent_id": [message]})
        parent = parent.parent


def create_unit(actor: User, data: dict) -> Unit:
    require(actor, Action.MANAGE)
    _check_unit_fields(None, data)
    unit = Unit(**{k: data.get(k) for k in UNIT_FIELDS})
    unit.name = unit.name.strip()
    db.session.add(unit)
    db.session.flush()
    return unit


def update_unit(actor: User, unit: Unit, data: dict, version) -> Unit:
    require(actor, Action.MANAGE)
    check_version(unit, version)
    merged = {k: getattr(unit, k) for k in UNIT_FIELDS} | {k: data[k] for k in UNIT_FIELDS if k in data}
    _check_unit_fields(unit, merged)
    for key in UNIT_FIELDS:
        setattr(unit, key, merged[key])
    unit.name = unit.name.strip()
    db.session.flush()
    return unit


def archive_unit(actor: User, unit: Unit, version) -> None:
    require(actor, Action.MANAGE)
    check_version(unit, version)
    active_members = db.session.scalar(
        select(func.count()).select_from(User).where(User.unit_id == unit.id, User.archived_at.is_(None))
    )
    if active_members:
        raise ValidationFailed(_("该单位仍有 %(n)s 名在用账号，请先调整或归档这些账号。", n=active_members))
    if any(not child.is_archived for child in unit.children):
        raise ValidationFailed(_("该单位仍有下级单位，请先归档下级单位。"))
    unit.archived_at = utcnow()
    db.session.flush()
