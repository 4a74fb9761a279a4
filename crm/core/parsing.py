"""Turning user input (form values or JSON) into typed values, with Chinese reasons on failure.

Services call these, so the web and the API accept and refuse exactly the same input.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _

from crm.core.errors import ValidationFailed
from crm.extensions import db


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

    def summary(self) -> str:
        return summarise(self.fields)

    def raise_if_any(self, message: str | None = None) -> None:
        if self.fields:
            raise ValidationFailed(message or _("提交的内容有误：%(summary)s", summary=self.summary()), self.fields)


def summarise(fields: dict[str, list[str]]) -> str:
    """Every field's messages in one line, as shown above a form or in an API error's message."""
    return "；".join(str(m) for ms in fields.values() for m in ms)


def _fail(field: str, message: str):
    raise ValidationFailed(message, {field: [message]})


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# What text a record may hold (DOMAIN §8: nothing a user enters may break a page or an export for others).
# Refused everywhere: control characters (but newline and tab in multi-line fields), line/paragraph
# separators in single-line fields, lone surrogates, and the bidirectional embedding/override/isolate
# marks that make a name read differently from what it is ("Trojan source"). Text made only of
# invisible characters (zero-width spaces, BOM, format marks) is refused as empty.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
MULTILINE_ALLOWED = frozenset("\n\t")
_INVISIBLE_CATEGORIES = ("Cf", "Zs", "Zl", "Zp", "Cc", "Mn")


def text_problem(value: str, multiline: bool, label: str) -> str | None:
    """Why `value` may not be stored (a message naming `label`), or None."""
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cs":
            return _("%(label)s含有无法识别的字符（不完整的编码），请重新输入。", label=label)
        if ch in BIDI_CONTROLS:
            return _("%(label)s含有改变文字方向的隐藏控制字符，请删除后重新输入。", label=label)
        if (category == "Cc" and ch in "\r\n") or category in ("Zl", "Zp"):
            if not multiline:
                return _("%(label)s只能填写一行文字，请删除换行。", label=label)
        elif category == "Cc" and not (multiline and ch in MULTILINE_ALLOWED):
            return _("%(label)s含有不可见的控制字符，请删除后重新输入。", label=label)
    if all(unicodedata.category(ch) in _INVISIBLE_CATEGORIES or ch.isspace() for ch in value):
        return _("%(label)s只包含不可见字符，请输入实际内容。", label=label)
    return None


def text(value, field: str, *, max_length: int, required: bool = False, label: str = "",
         multiline: bool = False) -> str | None:
    """Text a user typed: trimmed, within `max_length`, and free of characters no record may hold.
    `multiline` fields (notes, summaries) keep newlines and tabs; Windows line ends become newlines."""
    if blank(value):
        if required:
            _fail(field, _("请填写%(label)s。", label=label or field))
        return None
    if not isinstance(value, str):
        _fail(field, _("%(label)s必须是文字。", label=label or field))
    value = value.strip()
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    problem = text_problem(value, multiline, label or field)
    if problem:
        _fail(field, problem)
    if len(value) > max_length:
        _fail(field, _("%(label)s过长（最多 %(n)s 个字符，现有 %(m)s 个）。", label=label or field, n=max_length,
                       m=len(value)))
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
    number = signed_whole_number(value)
    if number is None:
        _fail(field, _("%(label)s必须是整数。", label=label or field))
    if number < 0 <= minimum:
        _fail(field, _("%(label)s不能为负数。", label=label or field))
    if not minimum <= number <= maximum:
        _fail(field, _("%(label)s应在 %(min)s–%(max)s 之间。", label=label or field, min=minimum, max=maximum))
    return number


# Business dates (DOMAIN §2) live in the bureau's working life, not in year 1 or 9999: a date outside
# this range is a typing error, and some databases and Excel cannot even store it.
EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)


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
    if parsed < EARLIEST_DATE or parsed > LATEST_DATE:
        _fail(field, _("%(label)s应在 %(first)s 至 %(last)s 之间。", label=label or field,
                       first=EARLIEST_DATE.isoformat(), last=LATEST_DATE.isoformat()))
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


DIGITS = re.compile(r"-?[0-9]{1,18}")


def signed_whole_number(value) -> int | None:
    """An int from an int or a string of ASCII digits (optionally signed); None for anything else
    (1.9, True, "1e3", "²" – str.isdigit() is true for superscripts, but int() refuses them)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and DIGITS.fullmatch(value.strip()):
        return int(value.strip())
    return None


def whole_number(value) -> int | None:
    """A non-negative int from an int or a string of ASCII digits; None for anything else."""
    number = signed_whole_number(value)
    return number if number is not None and number >= 0 else None


def record_by_id(model, raw_id, options=()):
    """The row of `model` with this id, or None: the one guard for ids from URLs, forms and JSON
    (garbage, negatives, booleans and ids past any table's range find nothing instead of failing).
    `options`: loader options, e.g. the related rows a page shows."""
    number = whole_number(raw_id)
    return db.session.get(model, number, options=options) if number is not None and 1 <= number <= MAX_ID else None


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
