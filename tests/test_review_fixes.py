"""Hardening found in review: odd input never becomes a 500, corrections can be re-signed,
other units' names don't leak, evidence is not retyped, exports are not formulas."""

from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.pipeline.models import Contract
from crm.pipeline.permits import permits_of
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory, finish_permits, gate_data, signed_screening
from tests.test_projects_api import new_project

D0 = date.today() - timedelta(days=300)


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def _status(response):
    assert response.is_json, response.data[:200]
    return response.status_code


@pytest.mark.parametrize("overrides", [
    {"source": ["expo"]}, {"fund_origin": {"a": 1}}, {"kind": ["new"]}, {"contacts": ["张三"]},
    {"contacts": "张三"}, {"unit_id": 99999999999999999999999}, {"owner_id": "1.5"}, {"jobs": True},
    {"total_investment_wan": [1]}, {"intention_agreement_date": "20240101"}, {"parent_project_id": {"id": 1}},
])
def test_wrong_json_types_are_422_not_500(setup, api, overrides):
    api.login("staff_a")
    assert _status(api.post("/api/v1/projects", json=new_project(setup, **overrides))) == 422


@pytest.mark.parametrize("body", [{"to": ["approved"]}, {"to": {}}, {"to": "dropped", "reason": ["other"],
                                                                     "effective_date": "2026-01-01"}])
def test_wrong_transition_types_are_422(setup, api, body):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_a")
    assert _status(api.post(f"/api/v1/projects/{project.id}/transitions", json=body)) == 422


@pytest.mark.parametrize("url", ["/api/v1/projects/99999999999999999999999",
                                 "/api/v1/projects/34329308115/screenings", "/api/v1/screenings/34329308115",
                                 "/api/v1/projects?unit_id=99999999999999999999",
                                 "/api/v1/projects?page=99999999999999999999"])
def test_huge_numbers_in_urls_are_not_500(setup, api, url):
    api.login("staff_a")
    assert _status(api.get(url)) in (404, 422)


def test_huge_numbers_on_web_pages_are_not_500(setup, auth, client):
    auth.login("admin")
    assert client.get("/projects/99999999999999999999999").status_code == 404
    assert client.get("/admin/users/99999999999999999999999").status_code == 404
    assert client.get("/projects?page=99999999999999999999").status_code == 200
    assert client.get("/admin/users?page=99999999999999999999").status_code == 200


def test_a_corrected_contract_can_be_signed_again(setup, api, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0 + timedelta(days=10)))
    finish_permits(project, D0 + timedelta(days=20))
    pipeline.apply_transition(setup.admin, project, {"to": "correction", "to_stage": "approved",
                                                     "effective_date": date.today(), "reason": "合同金额录错"})
    db.session.commit()
    first = db.session.scalar(select(Contract))
    assert first.voided_by_id is not None
    again = gate_data("signed", date.today(), contract_investment_wan="60000")
    again["contract_no"] = first.contract_no  # the same contract, corrected
    again["commitments"][1]["amount_wan"] = "40000"
    pipeline.apply_transition(setup.staff_a, project, again)
    db.session.commit()
    live = db.session.scalars(select(Contract).where(Contract.voided_by_id.is_(None))).all()
    assert [c.contract_investment_wan for c in live] == [60000]
    assert len(permits_of(project)) == 5 and all(pm.done_date for pm in permits_of(project) if pm.required)
    api.login("staff_a")
    assert [t["cap_wan"] for t in api.get(f"/api/v1/projects/{project.id}").json["incentive_terms"]] == ["500.00"]


def test_correcting_an_on_hold_project_keeps_it_on_hold(setup):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.hold(setup.staff_a, project, {"effective_date": D0, "note": "资金未到位"})
    pipeline.apply_transition(setup.admin, project, {"to": "correction", "to_stage": "talks",
                                                     "effective_date": D0, "reason": "误记过会"})
    assert (project.stage, project.status) == ("talks", "on_hold")


def test_excel_cells_never_become_formulas(setup, auth, client):
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name='=HYPERLINK("http://evil.example","点我")',
                   investor_name="@SUM(1+1)")
    auth.login("staff_a")
    sheet = load_workbook(BytesIO(client.get("/projects/export.xlsx").data)).active
    row = [cell for cell in sheet[2]]
    assert row[1].data_type == "s" and row[1].value.startswith("'=HYPERLINK")
    assert row[2].value == "'@SUM(1+1)"


def test_duplicates_name_only_what_the_viewer_may_read(setup, api):
    ProjectFactory(unit=setup.unit_b, owner=setup.staff_b, name="驻沪组的保密项目", investor_uscc="91310000MA1FL8L971")
    api.login("staff_a")
    dup = api.post("/api/v1/projects", json=new_project(setup)).json["possible_duplicates"][0]
    assert dup["name"] is None and dup["project_id"] is None and dup["unit_name"] == "驻上海招商组"
    api.login("leader")
    mine = api.get("/api/v1/projects?q=锂电池").json["items"][0]
    assert api.get(f"/api/v1/projects/{mine['id']}").json["possible_duplicates"][0]["name"] == "驻沪组的保密项目"


def test_a_capital_increase_is_not_a_duplicate_of_its_original(setup, api):
    api.login("staff_a")
    original = api.post("/api/v1/projects", json=new_project(setup)).json
    increase = api.post("/api/v1/projects", json=new_project(
        setup, name="二期增资项目", kind="capital_increase", parent_project_id=original["id"])).json
    assert increase["possible_duplicates"] == []


def test_parent_project_must_be_readable(setup, api):
    other = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_b")
    body = new_project(setup, unit_id=setup.unit_b.id, owner_id=setup.staff_b.id, kind="capital_increase",
                       parent_project_id=other.id)
    error = api.post("/api/v1/projects", json=body).json["error"]
    assert "parent_project_id" in error["fields"] and "无权查看" in error["fields"]["parent_project_id"][0]


def test_viewer_creating_a_project_is_forbidden(setup, api):
    api.login("viewer")
    assert _status(api.post("/api/v1/projects", json=new_project(setup))) == 403


def test_a_done_permit_is_not_retyped_and_archived_projects_are_closed(setup, api):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0))
    db.session.commit()
    api.login("staff_a")
    first, second = api.get(f"/api/v1/projects/{project.id}/permits").json["items"][:2]
    done = api.patch(f"/api/v1/permits/{first['id']}", json={"done_date": D0.isoformat(), "version": 1})
    assert done.status_code == 200
    again = api.patch(f"/api/v1/permits/{first['id']}", json={"done_date": date.today().isoformat(),
                                                               "version": done.json["version"]})
    assert again.status_code == 409
    project.archived_at = datetime.now(UTC)
    db.session.commit()
    assert api.patch(f"/api/v1/permits/{second['id']}", json={"done_date": D0.isoformat(),
                                                               "version": 1}).status_code == 403


def test_the_meeting_cannot_precede_the_screening_sign_off(setup):
    from crm.core.errors import GateNotMet

    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader, signed_at=datetime.combine(D0, datetime.min.time(), UTC)
                     + timedelta(days=30))
    with pytest.raises(GateNotMet, match="预审签批日期晚于会议日期"):
        pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0 + timedelta(days=31)))
    assert project.stage == "approved"


def test_a_save_that_races_another_is_a_409_not_a_500(setup, api):
    api.login("staff_a")
    body = api.post("/api/v1/projects", json=new_project(setup)).json

    def someone_else_saves_first(session, flush_context, instances):
        # Between this request's version check and its write, the row's version moves (as when another
        # user's save lands on PostgreSQL; on SQLite that save would queue behind this request, see
        # test_concurrency.py), so it is moved on the request's own connection.
        session.connection().execute(text("UPDATE projects SET version = version + 1 WHERE id = :id"),
                                     {"id": body["id"]})

    event.listen(Session, "before_flush", someone_else_saves_first, once=True)
    try:
        response = api.patch(f"/api/v1/projects/{body['id']}", json={"jobs": 1, "version": 1})
    finally:
        if event.contains(Session, "before_flush", someone_else_saves_first):
            event.remove(Session, "before_flush", someone_else_saves_first)
    assert response.status_code == 409 and response.json["error"]["code"] == "conflict"
