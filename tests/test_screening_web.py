"""The screening screens: prepare, review the thresholds table, sign off, the table and policies."""

from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from crm.demo.policies import CITY
from crm.extensions import db
from crm.reference.services import seed_default_lists
from crm.screening import policies as policy_rules
from crm.screening.models import Policy, Screening
from tests.factories import ProjectFactory


@pytest.fixture
def setup(world):
    seed_default_lists()
    policy_rules.create_policy(world.admin, CITY)
    db.session.commit()
    world.project = ProjectFactory(unit=world.unit_a, owner=world.staff_a, name="智能座舱项目")
    return world


def _prepare(auth, project, **figures):
    url = f"/projects/{project.id}/screenings/new"
    return auth.post_form(url, {"industry_code": "36", "fixed_asset_investment_wan": "40000", "land_area_mu": "150",
                                "expected_annual_output_wan": "80000", "expected_annual_tax_wan": "3000",
                                "annual_energy_tce": "800"} | figures)


def test_staff_prepares_and_sees_the_thresholds_table(setup, auth, client):
    auth.login("staff_a")
    form = client.get(f"/projects/{setup.project.id}/screenings/new").text
    assert 'value="150.00"' in form and "示范市工业项目准入标准（2024）" in form  # prefilled from the project
    response = _prepare(auth, setup.project, expected_annual_tax_wan="1500")
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "亩均税收" in page and "10.00 万元/亩" in page and "≥ 15.00 万元/亩" in page and "未达标" in page
    assert "266.67 万元/亩" in page and "达标" in page and "待签批" in page
    assert "领导签批" not in page  # staff see no sign-off form
    assert "智能座舱项目" in client.get(f"/projects/{setup.project.id}").text


def test_bad_figures_are_explained(setup, auth):
    auth.login("staff_a")
    response = _prepare(auth, setup.project, land_area_mu="-3")
    assert response.status_code == 200 and "用地面积不能小于 0。" in response.text
    assert db.session.scalar(select(func.count()).select_from(Screening)) == 0


def test_a_leader_signs_after_checking_every_negative_list_item(setup, auth, client):
    auth.login("staff_a")
    url = _prepare(auth, setup.project).location
    auth.logout()
    auth.login("leader")
    home = client.get("/").text
    assert "待签批的预审" in home and "智能座舱项目" in home
    partial = auth.post_form(url, {"verdict": "pass", "comment": "同意", "checked": ["industrial_policy"]})
    assert "请逐项核查负面清单（五不招）并确认后再签批。" in partial.text
    codes = ["industrial_policy", "high_energy_emission", "below_intensity_tax", "safety_environment", "overcapacity"]
    signed = auth.post_form(url, {"verdict": "pass", "comment": "同意提交评审会", "checked": codes})
    assert signed.status_code == 302
    page = client.get(url).text
    assert "同意提交评审会" in page and "已核查负面清单" in page and "领导签批" not in page
    assert "智能座舱项目" not in client.get("/screenings/pending").text


def test_screened_table_sorts_and_exports(setup, auth, client):
    other = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="食品项目")
    auth.login("staff_a")
    _prepare(auth, setup.project)
    _prepare(auth, other, expected_annual_tax_wan="6000")
    table = client.get("/screenings?sort=tax_per_mu&dir=desc").text
    assert table.index("食品项目") < table.index("智能座舱项目")
    sheet = load_workbook(BytesIO(client.get("/screenings/export.xlsx?sort=tax_per_mu&dir=asc").data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][3] == "亩均税收（万元/亩）" and [r[0] for r in rows[1:]] == ["智能座舱项目", "食品项目"]
    assert rows[1][3] == 20


def test_other_units_do_not_see_screenings(setup, auth, client):
    auth.login("staff_a")
    url = _prepare(auth, setup.project).location
    auth.logout()
    auth.login("staff_b")
    assert client.get(url).status_code == 404
    assert "智能座舱项目" not in client.get("/screenings").text


def test_admin_revises_a_policy_into_a_new_version(setup, auth, client):
    city = db.session.scalar(select(Policy))
    auth.login("admin")
    page = client.get(f"/admin/policies/{city.id}").text
    assert "示范市工业项目准入标准（2024）" in page
    data = {name: ("y" if value is True else "" if value is None or value is False else
                   ",".join(value) if isinstance(value, list) else str(value))
            for name, value in CITY.items() if name not in ("veto_below", "negative_list_codes")}
    data |= {"min_tax_per_mu": "18", "negative_list_codes": CITY["negative_list_codes"], "scope_unit_id": ""}
    response = auth.post_form(f"/admin/policies/{city.id}", data)
    assert response.status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(select(Policy).order_by(Policy.version)).all()
    assert [(p.version, p.min_tax_per_mu, p.active) for p in versions] == [(1, 15, False), (2, 18, True)]
    bad = auth.post_form(f"/admin/policies/{versions[1].id}", data | {"weight_tax": "50"})
    assert "各项权重之和应为 100（现为 120）。" in bad.text
    assert db.session.scalar(select(func.count()).select_from(Policy)) == 2


def test_policies_are_for_admins(setup, auth, client):
    auth.login("leader")
    assert client.get("/admin/policies").status_code == 403
