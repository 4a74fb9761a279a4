"""Issue 10 part 4: a done permit corrected with a reason; each move's date named by what it is;
the 开工 gate's message links to the permits and reads without doubled punctuation."""

from datetime import timedelta

import pytest

from crm.audit.services import history_for
from crm.core.dates import local_today
from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.pipeline.models import Permit
from crm.pipeline.permits import permits_of
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory, gate_data, signed_screening

TODAY = local_today()
D0 = TODAY - timedelta(days=100)


@pytest.fixture
def signed(world):
    seed_default_lists()
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    signed_screening(project, world.leader)
    pipeline.apply_transition(world.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(world.staff_a, project, gate_data("signed", D0 + timedelta(days=10)))
    db.session.commit()
    return project


def _done(api, permit, when, **extra):
    db.session.expire_all()
    version = db.session.get(Permit, permit.id).version
    return api.patch(f"/api/v1/permits/{permit.id}", json={"done_date": when.isoformat(), "version": version} | extra)


def test_a_done_permit_is_corrected_with_a_reason_and_the_history_keeps_the_old_date(world, signed, api):
    permit = permits_of(signed)[0]
    api.login("staff_a")
    assert _done(api, permit, D0 + timedelta(days=20), reference_no="发改备〔2026〕1号").status_code == 200
    again = _done(api, permit, D0 + timedelta(days=21))
    assert again.status_code == 409 and "如需更正，请填写更正原因" in again.json["error"]["message"]
    blank = _done(api, permit, D0 + timedelta(days=21), reason="  ")
    assert blank.status_code == 422 and "更正原因" in str(blank.json["error"]["fields"]["reason"])
    same = _done(api, permit, D0 + timedelta(days=20), reason="核对")
    assert same.status_code == 422 and "无需更正" in same.json["error"]["message"]
    fixed = _done(api, permit, D0 + timedelta(days=18), reason="批文落款日期录入有误")
    assert fixed.status_code == 200, fixed.json
    assert fixed.json["done_date"] == (D0 + timedelta(days=18)).isoformat()
    assert fixed.json["reference_no"] == "发改备〔2026〕1号"  # left out: kept
    last = history_for(permit)[-1].changes
    assert last["done_date"] == [(D0 + timedelta(days=20)).isoformat(), (D0 + timedelta(days=18)).isoformat()]
    assert last["correction_reason"] == [None, "批文落款日期录入有误"]


def test_a_permit_not_done_cannot_be_corrected(world, signed):
    from crm.core.errors import Conflict
    from crm.pipeline.permits import correct_permit

    permit = permits_of(signed)[0]
    with pytest.raises(Conflict):
        correct_permit(world.staff_a, permit, {"done_date": D0, "reason": "x"}, permit.version)


def test_a_required_permit_cannot_be_corrected_past_the_groundbreaking(world, signed, api):
    for pm in permits_of(signed):
        pm.done_date = D0 + timedelta(days=20)
    db.session.commit()
    pipeline.apply_transition(world.staff_a, signed, gate_data("started", D0 + timedelta(days=30)))
    db.session.commit()
    permit = next(pm for pm in permits_of(signed) if pm.required)
    api.login("staff_a")
    late = _done(api, permit, D0 + timedelta(days=40), reason="补录")
    assert late.status_code == 422 and "不能晚于开工日期" in late.json["error"]["fields"]["done_date"][0]
    assert db.session.get(Permit, permit.id).done_date == D0 + timedelta(days=20)


def test_the_project_page_corrects_a_done_permit(world, signed, auth, client):
    permit = permits_of(signed)[0]
    permit.done_date = D0 + timedelta(days=20)
    db.session.commit()
    auth.login("staff_a")
    page = client.get(f"/projects/{signed.id}").text
    assert f'action="/projects/permits/{permit.id}/correct"' in page
    response = auth.post_form(f"/projects/permits/{permit.id}/correct", {
        "done_date": (D0 + timedelta(days=19)).isoformat(), "reference_no": "", "reason": "日期有误",
        "version": str(permit.version)}, form_page=f"/projects/{signed.id}")
    assert response.status_code == 302 and response.location.endswith("#permits")
    page = client.get(f"/projects/{signed.id}").text
    assert "审批手续办结信息已更正。" in page
    assert "更正审批手续办结日期（日期有误）" in page
    db.session.expire_all()
    assert db.session.get(Permit, permit.id).done_date == D0 + timedelta(days=19)


@pytest.mark.parametrize(("move", "label"), [("approved", "会议日期"), ("signed", "签约日期"), ("started", "开工日期"),
                                             ("producing", "投产日期"), ("on_hold", "暂缓日期"), ("resume", "恢复日期"),
                                             ("dropped", "终止日期"), ("correction", "更正日期")])
def test_each_moves_date_is_named_by_what_it_is(world, auth, client, move, label):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    auth.login("admin")
    page = client.get(f"/projects/{project.id}/move/{move}").text
    assert f">{label}<" in page or f">{label}\n" in page or f"{label}</label>" in page
    assert "业务发生日期" not in page


def test_the_date_error_uses_the_same_label(world, api):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    api.login("staff_a")
    response = api.post(f"/api/v1/projects/{project.id}/transitions", json={"to": "on_hold", "note": "x"})
    assert response.status_code == 422
    assert "暂缓日期" in response.json["error"]["fields"]["effective_date"][0]


def test_an_unmet_groundbreaking_gate_links_to_the_permits(world, signed, auth):
    auth.login("staff_a")
    response = auth.post_form(f"/projects/{signed.id}/move/started", {
        "effective_date": TODAY.isoformat(), "version": str(signed.version)})
    assert response.status_code == 200
    assert f'href="/projects/{signed.id}#permits"' in response.text
    assert "尚未办结" in response.text
    for doubled in ("。；", "；。", "。。", "；；"):
        assert doubled not in response.text
