"""Turning user input (form values or JSON) into typed values, with Chinese reasons on failure.

Services call these, so the web and the API accept and refuse exactly the same input.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from crm.core.errors import ValidationFailed


class FieldErrors:
    """Collect every field's problem, then raise once, so a user sees them all together."""

    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, []).append(message)

    def run(self, field: str, parse, *args, **kwargs):
        try:
            return parse(*args, **kwargs)
        except ValidationFailed as err:
            for messages in err.fields.values():
                for message in messages:
                    self.add(field, message)
            return None

    def raise_if_any(self, message: str | None = None) -> None:
        if self.fields:
            summary = "；".join(f"{m}" for ms in self.fields.values() for m in ms)
            raise ValidationFailed(message or _("提交的内容有误：%(summary)s", summary=summary), self.fields)


def _fail(field: str, message: str):
    raise ValidationFailed(message, {field: [message]})


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value, field: str, *, max_length: int, required: bool = False, label: str = "") -> str | None:
    if blank(value):
        if required:
            _fail(field, _("请填写%(label)s。", label=label or field))
        return None
    if not isinstance(value, str):
        _fail(field, _("%(label)s必须是文字。", label=label or field))
    value = value.strip()
    if len(value) > max_length:
        _fail(field, _("%(label)s过长（最多 %(n)s 个字符）。", label=label or field, n=max_length))
    return value


def decimal(value, field: str, *, label: str = "", required: bool = False, minimum: Decimal | None = Decimal(0),
            maximum: Decimal | None = None, positive: bool = False, places: int = 2) -> Decimal | None:
    if blank(value):
        if required:
            _fail(field, _("请填写%(label)s。", label=label or field))
        return None
    if isinstance(value, bool):
        _fail(field, _("%(label)s必须是数字。", label=label or field))
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        _fail(field, _("%(label)s必须是数字。", label=label or field))
    if not number.is_finite():
        _fail(field, _("%(label)s必须是数字。", label=label or field))
    if positive and number <= 0:
        _fail(field, _("%(label)s必须大于 0。", label=label or field))
    if minimum is not None and number < minimum:
        _fail(field, _("%(label)s不能小于 %(min)s。", label=label or field, min=minimum))
    if maximum is not None and number > maximum:
        _fail(field, _("%(label)s超出合理范围（不超过 %(max)s）。", label=label or field, max=maximum))
    step = Decimal(1).scaleb(-places)
    if number != number.quantize(step):
        _fail(field, _("%(label)s最多保留 %(n)s 位小数。", label=label or field, n=places))
    return number.quantize(step)  # the stored scale, so output and history read the same


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def integer(value, field: str, *, label: str = "", minimum: int = 0, maximum: int = 10_000_000,
            required: bool = False) -> int | None:
    if blank(value):
        if required:
            _fail(field, _("请填写%(label)s。", label=label or field))
        return None
    number = whole_number(value)
    if number is None:
        _fail(field, _("%(label)s必须是整数。", label=label or field))
    if not minimum <= number <= maximum:
        _fail(field, _("%(label)s应在 %(min)s–%(max)s 之间。", label=label or field, min=minimum, max=maximum))
    return number


def a_date(value, field: str, *, label: str = "", required: bool = False, not_after: date | None = None,
           not_before: date | None = None) -> date | None:
    if blank(value):
        if required:
            _fail(field, _("请填写%(label)s。", label=label or field))
        return None
    if isinstance(value, date):
        parsed = value
    else:
        text_value = str(value).strip()
        try:
            if not ISO_DATE.fullmatch(text_value):
                raise ValueError(text_value)
            parsed = date.fromisoformat(text_value)
        except ValueError:
            _fail(field, _("%(label)s格式应为 YYYY-MM-DD。", label=label or field))
    if not_after is not None and parsed > not_after:
        _fail(field, _("%(label)s不能晚于 %(date)s。", label=label or field, date=not_after.isoformat()))
    if not_before is not None and parsed < not_before:
        _fail(field, _("%(label)s不能早于 %(date)s。", label=label or field, date=not_before.isoformat()))
    return parsed


def choice(value, field: str, options, *, label: str = "", required: bool = True) -> str | None:
    if blank(value):
        if required:
            _fail(field, _("请选择%(label)s。", label=label or field))
        return None
    if not isinstance(value, str) or value not in options:
        _fail(field, _("%(label)s的取值无效。", label=label or field))
    return value


MAX_ID = 2**31 - 1  # larger ids exist in no table; SQLite would overflow on them


def whole_number(value) -> int | None:
    """An int from an int or a string of digits; None for anything else (1.9, True, "1e3")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def ref_id(value, field: str, *, label: str = "", required: bool = False) -> int | None:
    if blank(value):
        if required:
            _fail(field, _("请选择%(label)s。", label=label or field))
        return None
    number = whole_number(value)
    if number is None or not 1 <= number <= MAX_ID:
        _fail(field, _("%(label)s的取值无效。", label=label or field))
    return number


TRUE_WORDS = {"y", "yes", "on", "true", "1"}
FALSE_WORDS = {"", "n", "no", "off", "false", "0"}


def flag(value, field: str, *, label: str = "", default: bool = False) -> bool:
    """A yes/no: JSON true/false, or a form checkbox's value; anything else is refused, not guessed."""
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    _fail(field, _("%(label)s应为是或否（true/false）。", label=label or field))
