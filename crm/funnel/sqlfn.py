"""Date arithmetic and quantiles in SQL that run the same on SQLite and PostgreSQL.

The funnel aggregates in the database (never a Python loop over projects); these are the few
expressions the two dialects spell differently.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Date, Integer, String, case, func, select, text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from crm.core.dates import bureau_zone


class local_day(FunctionElement):  # noqa: N801 (a SQL function reads as one)
    """The bureau's calendar date of a stored UTC timestamp."""

    type = Date()
    inherit_cache = True


@compiles(local_day, "postgresql")
def _local_day_pg(element, compiler, **kw):
    zone = bureau_zone().key.replace("'", "")
    return f"CAST(timezone('{zone}', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(local_day, "sqlite")
def _local_day_sqlite(element, compiler, **kw):
    # SQLite stores the UTC wall time; the bureau's zone (China) has no daylight saving, so a
    # fixed offset is exact.
    offset = datetime.now(bureau_zone()).utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return f"date({compiler.process(element.clauses, **kw)}, '{hours:+d} hours')"


class days_between(FunctionElement):  # noqa: N801
    """Calendar days from the second date to the first (later minus earlier)."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "postgresql")
def _days_pg(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return f"(CAST({compiler.process(later, **kw)} AS DATE) - CAST({compiler.process(earlier, **kw)} AS DATE))"


@compiles(days_between, "sqlite")
def _days_sqlite(element, compiler, **kw):
    later, earlier = list(element.clauses)
    return (f"CAST(julianday({compiler.process(later, **kw)}) - julianday({compiler.process(earlier, **kw)})"
            " AS INTEGER)")


def earlier_of(a, b):
    """The earlier of two dates, either possibly NULL (portable: no LEAST on SQLite)."""
    return case((b.is_(None), a), (a.is_(None), b), (b < a, b), else_=a)


def quantiles(rows, keys: list[str], value: str):
    """A select() of median and 80th percentile (nearest rank) of `value` per `keys` over the
    subquery `rows`, with the count: ROW_NUMBER and COUNT windows, integer arithmetic only."""
    partition = [rows.c[k] for k in keys]
    ranked = select(*partition, rows.c[value].label("v"),
                    func.row_number().over(partition_by=partition, order_by=rows.c[value]).label("rn"),
                    func.count().over(partition_by=partition).label("n")).subquery()
    n, rn = ranked.c.n, ranked.c.rn
    median = func.avg(case((rn.in_([(n + 1) // 2, (n + 2) // 2]), ranked.c.v)))
    p80 = func.max(case((rn == (4 * n + 4) // 5, ranked.c.v)))
    group = [ranked.c[k] for k in keys]
    return select(*group, func.max(n).label("n"), median.label("median"), p80.label("p80")).group_by(*group)


class year_month(FunctionElement):  # noqa: N801
    """'YYYY-MM' of a date."""

    type = String()
    inherit_cache = True


@compiles(year_month, "postgresql")
def _month_pg(element, compiler, **kw):
    return f"to_char({compiler.process(element.clauses, **kw)}, 'YYYY-MM')"


@compiles(year_month, "sqlite")
def _month_sqlite(element, compiler, **kw):
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


def without_jit(session) -> None:
    """PostgreSQL's JIT compiles a query whose estimated cost passes `jit_above_cost`; the funnel's
    correlated look-ups are estimated far above their real cost, and compiling them took longer
    (~180 ms at 20,000 projects) than running them (~40 ms). Off for the rest of this transaction
    (one request) only; SQLite has no JIT."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL jit = off"))
