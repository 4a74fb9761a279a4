"""Paging, once: the page number and size a request asks for, and one page of a select().

Web pages are forgiving (a garbled `page` shows page 1); the API is strict (422 naming the field),
so an integrator learns about a bad argument instead of silently getting page 1.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_babel import gettext as _
from sqlalchemy import func, select

from crm.core.errors import ValidationFailed
from crm.extensions import db

MAX_PAGE = 1_000_000
API_PER_PAGE = 50
API_MAX_PER_PAGE = 200


@dataclass
class Page:
    items: list
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def web_page_number() -> int:
    """The `page` query argument, clamped to 1..MAX_PAGE (garbage means page 1)."""
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def api_page_args() -> tuple[int, int]:
    """`page` and `per_page` of an API call, or a 422 naming what is wrong."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", API_PER_PAGE))
    except ValueError:
        raise ValidationFailed(_("page 和 per_page 必须是整数。"), {"page": [_("必须是整数。")]}) from None
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= API_MAX_PER_PAGE:
        raise ValidationFailed(
            _("page 须 ≥ 1，per_page 须在 1–%(max)s 之间。", max=API_MAX_PER_PAGE), {"per_page": [_("超出范围。")]}
        )
    return page, per_page


def fetch_page(stmt, page: int, per_page: int, rows_of_columns: bool = False, total: int | None = None) -> Page:
    """One page of `stmt` (ordered by the caller) and the total it pages through; the items are the
    first column's values, or whole rows with `rows_of_columns` (e.g. a project and its due date).
    A caller that counted already (with other figures, in one query) passes `total`."""
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= API_MAX_PER_PAGE:
        raise ValidationFailed(_("分页参数有误。"))
    if total is None:
        total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    window = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.execute(window).all() if rows_of_columns else db.session.scalars(window))
    return Page(items, total, page, per_page)


def fetch_page_with_total(stmt, page: int, per_page: int) -> Page:
    """Like `fetch_page(..., rows_of_columns=True)` in one statement: each row carries the count of all
    rows (count(*) OVER ()). For a list whose page needs every matching row anyway (a top-N sort on
    a computed date) the count then costs nothing more; a page past the end counts apart."""
    if not 1 <= page <= MAX_PAGE or not 1 <= per_page <= API_MAX_PER_PAGE:
        raise ValidationFailed(_("分页参数有误。"))
    window = stmt.add_columns(func.count().over()).limit(per_page).offset((page - 1) * per_page)
    rows = db.session.execute(window).all()
    if not rows and page > 1:
        return fetch_page(stmt, page, per_page, rows_of_columns=True)
    return Page([tuple(row[:-1]) for row in rows], rows[0][-1] if rows else 0, page, per_page)


def web_sort(args, allowed, default: str) -> tuple[str, bool]:
    """The sort column and direction of a list page: `sort` + `dir` (column headers) or
    `sort_by=column:dir` (the phone's sort select). Unknown columns fall back to the default."""
    sort, direction = args.get("sort"), args.get("dir", "desc")
    if args.get("sort_by"):
        sort, _sep, direction = args["sort_by"].partition(":")
    return (sort if sort in allowed else default), direction != "asc"
