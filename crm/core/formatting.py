"""Display helpers for money: 万元, or 亿元 for large sums (DOMAIN.md §3)."""

from decimal import ROUND_HALF_UP, Decimal

YI_IN_WAN = Decimal(10000)


def format_wan(value) -> str:
    from flask_babel import gettext

    if value is None:
        return "—"
    amount = Decimal(value)
    if abs(amount) >= YI_IN_WAN:
        yi = gettext("亿元")
        return f"{(amount / YI_IN_WAN).quantize(Decimal('0.01')):,} {yi}"
    wan = gettext("万元")
    return f"{amount.quantize(Decimal('0.01')):,} {wan}"


def two_places(value) -> str:
    """An exact decimal (or its string) to 2 places, half up, the same everywhere it is shown."""
    if value is None:
        return "—"
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def format_yi_only(value) -> str:
    """An amount in 亿元 without its unit, for a column that says 亿元 in its heading."""
    if value is None:
        return "—"
    return f"{(Decimal(value) / YI_IN_WAN).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,}"


def format_wan_only(value) -> str:
    """The exact 万元 figure with its unit (the hover text of a 亿元 cell)."""
    from flask_babel import gettext

    if value is None:
        return ""
    return f"{Decimal(value).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):,} {gettext('万元')}"
