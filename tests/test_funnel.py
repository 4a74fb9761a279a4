"""The funnel's figures against hand-computed expectations (DOMAIN.md §7), on both backends."""

from datetime import date
from decimal import Decimal

import pytest

from crm.core.errors import PermissionDenied, ValidationFailed
from crm.funnel.filters import parse_filters
from crm.funnel.report import build_report
from tests.factories import ProjectFactory
from tests.funnel_data import Q1, build, move
from tests.querycount import count_queries


def report(actor, **args):
    return build_report(actor, parse_filters(actor, {"from": Q1[0], "to": Q1[1], **args}))


def by_stage(rep):
    return {s["stage"]: s for s in rep.stages}


# Hand-computed for 2025-01-01..2025-03-31 (tests/funnel_data.py says why each project is there).
EXPECTED = {
    # stage: (entered, investment, current, conversion, median days to next)
    "talks": (4, Decimal("820000"), 1, 0.75, 14.0),  # P3 P4 P8 P10; P7 is a capital increase, P9 is April
    "approved": (6, Decimal("875000"), 5, 0.1667, 89.0),  # P1 P3 P4 P6 (once) P7 (5000) P10; P1 signed
    "signed": (1, Decimal("50000"), 2, 0.0, None),  # P1 only: P5 skipped 签约 by a correction
    "started": (1, Decimal("50000"), 1, 0.0, None),  # P5
    "producing": (0, Decimal("0"), 0, None, None),
}
LAST_YEAR = {  # 2024-01-01..2024-03-31: P11 only
    "talks": (1, Decimal("50000"), 0, 1.0, 22.0),
    "approved": (1, Decimal("50000"), 0, 1.0, 29.0),
    "signed": (1, Decimal("50000"), 1, 0.0, None),
    "started": (0, Decimal("0"), 0, None, None),
    "producing": (0, Decimal("0"), 0, None, None),
}
KEYS = ("entered", "entered_investment_wan", "current", "conversion", "median_days_to_next")


def test_every_figure_matches_the_hand_count(world):
    build(world)
    rep = report(world.leader)
    assert [s["stage"] for s in rep.stages] == list(EXPECTED)
    for stage, expected in EXPECTED.items():
        figures = by_stage(rep)[stage]
        assert tuple(figures[k] for k in KEYS) == expected, stage
        assert tuple(figures["last_year"][k] for k in KEYS) == LAST_YEAR[stage], stage


def test_same_period_last_year_change_is_a_percentage(world):
    build(world)
    talks = by_stage(report(world.leader))["talks"]
    assert talks["change"]["entered"] == 300.0  # 4 against 1
    assert by_stage(report(world.leader))["started"]["change"]["entered"] is None  # nothing last year


def test_a_closed_period_never_changes(world):
    w = build(world)
    before = report(world.leader).as_json()
    move(w.p8, world.admin, "advance", "2025-04-05", "approved")
    move(w.p1, world.admin, "advance", "2025-05-01", "started")
    move(w.p4, world.admin, "resume", "2025-05-02", to_status="active")
    move(w.p6, world.admin, "drop", "2025-05-03", to_status="dropped", reason="other")
    assert report(world.leader).as_json() == before


def test_unit_filter_takes_the_subtree_and_staff_see_their_unit(world):
    build(world)
    bureau = by_stage(report(world.leader, unit_id=str(world.bureau.id)))
    assert bureau["approved"]["entered"] == 6  # both units sit under the bureau
    only_b = by_stage(report(world.leader, unit_id=str(world.unit_b.id)))
    assert (only_b["talks"]["entered"], only_b["approved"]["entered"], only_b["approved"]["current"]) == (1, 1, 1)
    staff_b = by_stage(report(world.staff_b))
    assert staff_b["approved"]["entered"] == 1 and staff_b["talks"]["entered"] == 1
    with pytest.raises(PermissionDenied):
        report(world.staff_b, unit_id=str(world.unit_a.id))


def test_filters_by_tier_chain_and_source(world):
    w = build(world)
    big = by_stage(report(world.leader, tier="1b"))  # ≥ 10亿: P4 (15亿) and P10 (60亿)
    assert (big["talks"]["entered"], big["approved"]["entered"]) == (2, 2)
    chain = by_stage(report(world.leader, chain_id=str(w.chain.id)))
    assert chain["approved"]["current"] == 4  # P2 has no chain
    assert by_stage(report(world.leader, source="expo"))["talks"]["entered"] == 0


def test_cycle_times_median_p80_and_the_slowest_step(world):
    build(world)
    cycles = report(world.leader).cycle_times
    overall = {r["from"]: r for r in cycles["overall"]}
    # talks→approved completed in Q1: P1 31, P3 31, P4 14, P6 70 then 21 (from the correction), P7 46, P10 5
    assert (overall["talks"]["count"], overall["talks"]["median"], overall["talks"]["p80"]) == (7, 31.0, 46)
    assert (overall["approved"]["median"], overall["approved"]["p80"]) == (89.0, 89)
    assert "signed" not in overall  # P5 never entered 签约: its step is not measured
    assert cycles["slowest"]["from"] == "approved"
    by_unit = {(r["key"], r["from"]): r for r in cycles["by_unit"]}
    assert by_unit[(world.unit_b.id, "talks")]["median"] == 5.0


def test_every_breakdown_adds_up_to_the_whole(world):
    build(world)
    rep = report(world.leader)
    measures = ("leads", "approvals", "signings", "starts", "signed_investment_wan")
    assert (rep.totals["leads"], rep.totals["approvals"], rep.totals["signings"]) == (4, 6, 1)
    for dim in ("unit", "chain", "band"):
        for m in measures:
            assert sum(r[m] for r in rep.rankings[dim]) == rep.totals[m], (dim, m)
            assert sum(r["last_year"][m] for r in rep.rankings[dim]) == rep.totals["last_year"][m], (dim, m)


@pytest.mark.parametrize("args, field", [
    ({"from": "2025-04-01", "to": "2025-03-01"}, "from"),
    ({"from": "2025-13-01"}, "from"),
    ({"to": "yesterday"}, "to"),
    ({"from": "2000-01-01", "to": "2050-12-31"}, "to"),  # fifty years
    ({"unit_id": "999999"}, "unit_id"),
    ({"chain_id": "abc"}, "chain_id"),
    ({"tier": "huge"}, "tier"),
    ({"period": "decade"}, "period"),
])
def test_bad_input_is_refused_with_the_field_named(world, args, field):
    with pytest.raises(ValidationFailed) as err:
        parse_filters(world.leader, args)
    assert field in err.value.fields


def test_the_report_issues_the_same_number_of_queries_at_two_sizes(world):
    w = build(world)
    with count_queries() as small:
        report(world.leader)
    for i in range(15):
        p = ProjectFactory(name=f"扩充{i}", unit=world.unit_a, owner=world.staff_a, created_at=w.p1.created_at)
        move(p, world.admin, "advance", f"2025-02-{i % 9 + 1:02d}", "approved")
    with count_queries() as large:
        report(world.leader)
    assert len(small) == len(large) <= 15


def test_presets_cover_whole_calendar_periods(world):
    from crm.funnel.filters import preset
    assert preset("quarter", date(2025, 5, 20)) == (date(2025, 4, 1), date(2025, 6, 30))
    assert preset("month", date(2024, 2, 10)) == (date(2024, 2, 1), date(2024, 2, 29))
    assert preset("year", date(2025, 5, 20)) == (date(2025, 1, 1), date(2025, 12, 31))


def test_dates_make_a_custom_period_and_a_chosen_preset_wins(world):
    from crm.core.dates import local_today
    from crm.funnel.filters import preset
    custom = parse_filters(world.leader, {"from": "2025-01-01", "to": "2025-03-31"})
    assert (custom.period, custom.start, custom.end) == ("custom", date(2025, 1, 1), date(2025, 3, 31))
    chosen = parse_filters(world.leader, {"period": "month", "from": "2025-01-01"})
    assert (chosen.start, chosen.end) == preset("month", local_today())
