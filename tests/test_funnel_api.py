"""GET /api/v1/funnel (DOMAIN.md §9): the contract's keys, scoping, every refusal a JSON error."""

import pytest

from tests.funnel_data import Q1, build

STAGE_KEYS = {"stage", "entered", "entered_investment_wan", "current", "conversion", "median_days_to_next",
              "last_year"}


def test_the_funnel_in_pipeline_order_with_last_year(api, world):
    build(world)
    body = api.login("leader").get(f"/api/v1/funnel?from={Q1[0]}&to={Q1[1]}").json
    assert (body["from"], body["to"]) == Q1
    assert [s["stage"] for s in body["stages"]] == ["talks", "approved", "signed", "started", "producing"]
    talks = body["stages"][0]
    assert set(talks) == STAGE_KEYS
    assert (talks["entered"], talks["entered_investment_wan"], talks["current"]) == (4, "820000.00", 1)
    assert (talks["conversion"], talks["median_days_to_next"]) == (0.75, 14.0)
    assert talks["last_year"] == {"entered": 1, "entered_investment_wan": "50000.00", "current": 0,
                                  "conversion": 1.0, "median_days_to_next": 22.0}
    assert body["stages"][4]["conversion"] is None
    assert {"cycle_times", "rankings"} <= set(body)
    assert body["cycle_times"]["slowest"]["from"] == "approved"


def test_staff_get_their_units_figures(api, world):
    build(world)
    body = api.login("staff_b").get(f"/api/v1/funnel?from={Q1[0]}&to={Q1[1]}").json
    assert [s["entered"] for s in body["stages"]] == [1, 1, 0, 0, 0]
    assert [r["key"] for r in body["rankings"]["unit"]] == [world.unit_b.id]


def test_another_units_figures_are_refused_to_staff(api, world):
    response = api.login("staff_b").get(f"/api/v1/funnel?unit_id={world.unit_a.id}")
    assert response.status_code == 403 and response.json["error"]["code"]


def test_a_token_is_needed(client, world):
    assert client.get("/api/v1/funnel").status_code == 401


@pytest.mark.parametrize("query, field", [
    ("from=2025-04-01&to=2025-03-01", "from"),
    ("from=2025-02-30", "from"),
    ("from=1990-01-01&to=2040-01-01", "to"),
    ("unit_id=424242", "unit_id"),
    ("chain_id=-1", "chain_id"),
    ("tier=huge", "tier"),
    ("source=%00", "source"),
])
def test_bad_input_is_a_422_naming_the_field(api, world, query, field):
    response = api.login("leader").get(f"/api/v1/funnel?{query}")
    assert response.status_code == 422, response.text
    assert field in response.json["error"]["fields"]


def test_the_funnel_is_in_the_openapi_document(api, world):
    doc = api.login("leader").get("/api/v1/openapi.json").json
    op = doc["paths"]["/api/v1/funnel"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"from", "to", "unit_id", "chain_id", "tier", "source"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Funnel")
    assert "stages" in doc["components"]["schemas"]["Funnel"]["properties"]


def test_the_openapi_document_describes_totals_rankings_and_cycle_times(api, world):
    schemas = api.login("leader").get("/api/v1/openapi.json").json["components"]["schemas"]
    funnel = schemas["Funnel"]["properties"]
    for key, component in (("totals", "FunnelTotals"), ("rankings", "FunnelRankings"),
                           ("cycle_times", "FunnelCycleTimes")):
        assert funnel[key]["$ref"].endswith(f"/{component}"), key
    assert set(schemas["FunnelTotals"]["properties"]) == {"leads", "approvals", "signings", "starts",
                                                          "signed_investment_wan", "last_year"}
    assert set(schemas["FunnelRankings"]["properties"]) == {"unit", "chain", "band"}
    assert {"from", "to", "median", "p80", "count", "key"} <= set(schemas["FunnelCycleStep"]["properties"])
    assert "自然日" in schemas["FunnelCycleStep"]["properties"]["median"]["description"]


def test_the_api_issues_few_and_the_same_number_of_queries_at_two_sizes(api, world):
    """This period and last year come from the same statements: the report is six statements (the
    JIT switch on PostgreSQL, the entries with conversions, the stages at both ends, the unit and
    chain names, the cycle times), whatever the number of projects."""
    from crm.funnel.filters import parse_filters
    from crm.funnel.report import build_report
    from tests.factories import ProjectFactory
    from tests.funnel_data import build, move
    from tests.querycount import count_queries

    w = build(world)
    f = parse_filters(world.leader, {"from": "2025-01-01", "to": "2025-03-31"})
    with count_queries() as small:
        build_report(world.leader, f)
    for i in range(20):
        p = ProjectFactory(name=f"扩充{i}", unit=world.unit_b, owner=world.staff_b, created_at=w.p1.created_at)
        move(p, world.admin, "advance", f"2024-03-{i + 1:02d}", "approved")
    with count_queries() as large:
        build_report(world.leader, f)
    assert len(small) == len(large) <= 7  # and the actor's row, reloaded after the commits
    api.login("leader")
    api.get("/api/v1/funnel?from=2025-01-01&to=2025-03-31")  # the token's first use is recorded once
    with count_queries() as first:
        assert api.get("/api/v1/funnel?from=2025-01-01&to=2025-03-31").status_code == 200
    for i in range(20):
        p = ProjectFactory(name=f"再扩充{i}", unit=world.unit_a, owner=world.staff_a, created_at=w.p1.created_at)
        move(p, world.admin, "advance", f"2025-02-{i + 1:02d}", "approved")
    with count_queries() as second:
        assert api.get("/api/v1/funnel?from=2025-01-01&to=2025-03-31").status_code == 200
    assert len(first) == len(second)
