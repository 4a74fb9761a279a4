"""The project screens as staff and leaders use them: ledger, page, forms, transitions, export."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.projects.models import Project
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory, gate_data, signed_screening
from tests.querycount import count_queries

D0 = date.today() - timedelta(days=200)


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def form_data(world, **overrides):
    data = {"name": "年产10万套新能源汽车电机项目", "investor_name": "示范电机（上海）有限公司",
            "investor_uscc": "91310000MA1FL8L971", "industry_code": "38", "source": "business_referral",
            "kind": "new", "unit_id": str(world.unit_a.id), "owner_id": str(world.staff_a.id),
            "total_investment_wan": "120000", "fixed_asset_investment_wan": "90000", "fund_origin": "province_outside",
            "land_area_mu": "200", "expected_annual_output_wan": "300000", "expected_annual_tax_wan": "8000",
            "annual_energy_tce": "3000", "jobs": "600", "contacts-0-name": "王总", "contacts-0-title": "总经理"}
    return data | overrides


def _count():
    return db.session.scalar(select(func.count()).select_from(Project))


def test_staff_registers_a_project_and_sees_its_page(setup, auth, client):
    auth.login("staff_a")
    response = auth.post_form("/projects/new", form_data(setup))
    assert response.status_code == 302
    page = client.get(response.location).text
    assert "年产10万套新能源汽车电机项目" in page and "12.00 亿元" in page and "王总" in page
    assert "在谈" in page and "市级节能审查" in page  # 3,000 tce → city-level energy review
    assert "预审已签批且结论为通过或有条件通过" in page  # the next gate's checklist
    assert "项目名称" in page and "新建" in page  # the change history, in words


@pytest.mark.parametrize("overrides,message", [
    ({"investor_uscc": "91310000MA1FL8L972"}, "统一社会信用代码校验位不正确，请核对。"),
    ({"investor_uscc": "123"}, "统一社会信用代码应为 18 位。"),
    ({"total_investment_wan": "-100"}, "总投资必须大于 0。"),
    ({"total_investment_wan": "一百万"}, "总投资必须是数字。"),
    ({"total_investment_wan": "99999999999"}, "总投资超出合理范围"),
    ({"land_area_mu": "0"}, "不新增用地的项目请把用地面积留空并填写租用厂房面积，不要填 0。"),
    ({"fixed_asset_investment_wan": "130000"}, "固定资产投资不能大于总投资。"),
    ({"summary": "很长" * 3000}, "最多 5000 个字符（现有 6000 个）"),
    ({"name": ""}, "请填写项目名称。"),
    ({"industry_code": ""}, "请填写行业大类。"),
])
def test_bad_project_input_is_explained_and_nothing_is_stored(setup, auth, overrides, message):
    auth.login("staff_a")
    response = auth.post_form("/projects/new", form_data(setup, **overrides), form_page="/projects/new")
    assert response.status_code == 200
    assert message in response.text
    assert _count() == 0


def test_names_are_escaped(setup, auth, client):
    auth.login("staff_a")
    response = auth.post_form("/projects/new", form_data(setup, name="<img src=x onerror=alert(1)>项目"))
    page = client.get(response.location).text
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;项目" in page


def test_staff_cannot_place_a_project_in_another_unit(setup, auth):
    auth.login("staff_b")
    response = auth.post_form("/projects/new", form_data(setup), form_page="/projects/new")
    assert response.status_code == 200 and _count() == 0


def test_concurrent_edits_one_wins_the_other_is_told(setup, auth, client, app):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    auth.login("staff_a")
    other = app.test_client()
    from tests.conftest import AuthActions

    other_auth = AuthActions(other)
    other_auth.login("head_a")
    url = f"/projects/{project.id}/edit"
    page_a, page_b = client.get(url).text, other.get(url).text  # both open the form at version 1
    base = form_data(setup, name=project.name, investor_name=project.investor_name, investor_uscc="",
                     industry_code="36", version="1")
    from tests.conftest import csrf_token

    first = client.post(url, data={**base, "jobs": "350", "csrf_token": csrf_token(page_a)})
    second = other.post(url, data={**base, "jobs": "999", "csrf_token": csrf_token(page_b)})
    assert first.status_code == 302
    assert second.status_code == 200 and "该记录已被他人修改" in second.text
    db.session.refresh(project)
    assert project.jobs == 350 and project.version == 2


def test_other_units_project_page_is_not_found(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    auth.login("staff_b")
    assert client.get(f"/projects/{project.id}").status_code == 404
    assert client.get(f"/projects/{project.id}/edit").status_code == 404


def test_viewer_reads_but_cannot_change(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    auth.login("viewer")
    page = client.get(f"/projects/{project.id}").text
    assert project.name in page and f"/projects/{project.id}/edit" not in page
    assert client.get(f"/projects/{project.id}/edit").status_code == 403


def test_duplicate_investor_is_flagged_and_a_leader_can_rule(setup, auth, client):
    other = ProjectFactory(unit=setup.unit_b, owner=setup.staff_b, investor_uscc="91310000MA1FL8L971",
                           name="驻沪组登记的电机项目")
    auth.login("staff_a")
    response = auth.post_form("/projects/new", form_data(setup))
    page = client.get(response.location).text
    assert "可能重复" in page and "统一社会信用代码相同" in page and "驻上海招商组" in page
    new = db.session.scalar(select(Project).where(Project.unit_id == setup.unit_a.id))
    auth.logout()
    auth.login("leader")
    auth.post_form(f"/projects/{new.id}/investor", {"other_project_id": str(other.id), "verdict": "distinct",
                                                    "note": "同一集团的不同子公司"}, form_page=f"/projects/{new.id}")
    assert "可能重复统计" not in client.get(f"/projects/{new.id}").text


def test_transition_forms_refuse_and_record(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    auth.login("staff_a")
    url = f"/projects/{project.id}/move/signed"
    refused = auth.post_form(url, {"effective_date": D0.isoformat(), "version": "1"})
    assert "不能跳过阶段：项目目前为“在谈”，下一步应为“过会”。" in refused.text
    dropped = auth.post_form(f"/projects/{project.id}/move/dropped",
                             {"effective_date": D0.isoformat(), "reason": "lost_to_other_region", "version": "1"})
    assert dropped.status_code == 302
    page = client.get(f"/projects/{project.id}").text
    assert "终止（被其他地区截留）" in page and "lost_to_other_region" not in page  # the reason by its label


def test_admin_reopens_a_dropped_project(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    pipeline.drop(setup.staff_a, project, {"effective_date": D0, "reason": "strategy_change"})
    db.session.commit()
    auth.login("admin")
    response = auth.post_form(f"/projects/{project.id}/move/correction", {
        "to_stage": "talks", "effective_date": date.today().isoformat(), "reason": "企业重新启动投资计划",
        "version": str(project.version)})
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.status == "active" and project.drop_reason_code is None
    assert "企业重新启动投资计划" in client.get(f"/projects/{project.id}").text


def test_ledger_filters_search_and_export(setup, auth, client):
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="智能座舱总成项目", search_text="智能座舱总成项目 znzczc",
                   total_investment_wan=200000, fixed_asset_investment_wan=150000)
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="冷链物流园项目", search_text="冷链物流园项目 llwlyxm",
                   total_investment_wan=8000, fixed_asset_investment_wan=6000)
    ProjectFactory(unit=setup.unit_b, owner=setup.staff_b, name="驻沪组的项目")
    auth.login("staff_a")
    ledger = client.get("/projects").text
    assert "智能座舱总成项目" in ledger and "冷链物流园项目" in ledger and "驻沪组的项目" not in ledger
    assert "冷链物流园项目" not in client.get("/projects?tier=1b").text
    assert "冷链物流园项目" in client.get("/projects?q=LLWL").text  # pinyin initials, any case
    export = client.get("/projects/export.xlsx?tier=1b")
    sheet = load_workbook(BytesIO(export.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][1] == "项目名称" and "总投资（万元）" in rows[0]
    assert [r[1] for r in rows[1:]] == ["智能座舱总成项目"]
    assert rows[1][rows[0].index("总投资（万元）")] == 200000


def test_bad_filter_is_explained_not_a_500(setup, auth, client):
    auth.login("staff_a")
    page = client.get("/projects?stage=finished&created_from=yesterday&unit_id=abc")
    assert page.status_code == 200 and "筛选条件有误" in page.text
    assert "责任单位的取值无效。" in page.text and "unit_id" not in page.text.split("筛选条件有误")[1][:200]


def test_ledger_queries_do_not_grow_with_rows(setup, auth, client):
    for _ in range(5):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, lead_leader=setup.leader)
    auth.login("leader")
    with count_queries() as few:
        client.get("/projects")
    for _ in range(40):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, lead_leader=setup.leader)
    with count_queries() as many:
        client.get("/projects")
    assert len(many) == len(few) <= 15


def test_home_page_shows_stalled_projects_to_heads_not_staff(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="逾期未开工项目")
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0))  # agreed start = D0 + 30 days
    db.session.commit()
    auth.login("head_a")
    home = client.get("/").text
    assert "已签约、超过约定开工日期仍未开工" in home and "逾期未开工项目" in home and "审批手续逾期" in home
    auth.logout()
    auth.login("staff_a")
    assert "停滞项目" not in client.get("/").text


def test_amount_change_after_signing_is_flagged(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0))
    db.session.commit()
    auth.login("staff_a")
    url = f"/projects/{project.id}/edit"
    auth.post_form(url, form_data(setup, name=project.name, investor_name=project.investor_name, investor_uscc="",
                                  industry_code="36", total_investment_wan="45000", fixed_asset_investment_wan="40000",
                                  version=str(project.version)))
    page = client.get(f"/projects/{project.id}").text
    assert "签约后项目金额发生过变更" in page


def test_history_reads_in_words_not_codes(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    db.session.commit()
    auth.login("staff_a")
    auth.post_form(f"/projects/{project.id}/edit", form_data(
        setup, name=project.name, investor_name=project.investor_name, investor_uscc="", industry_code="36",
        source="expo", owner_id=str(setup.head_a.id), version=str(project.version)))
    html = client.get(f"/projects/{project.id}").text
    page = " ".join(re.sub(r"<[^>]+>", " ", html).split())  # the words a reader sees
    assert "阶段 在谈 → 过会" in page
    assert "项目来源 以商招商 → 展会推介" in page
    assert "责任人 李晓燕 → 陈志强" in page
    assert "search_text" not in page and "investor_name_norm" not in page
    assert "新增过会记录" in page  # the gate record's own history is there too, folded into the move
    assert "会议纪要编号 评审纪要〔2026〕12号" in page
    assert "记录过会：2026年第12次项目评审会，纪要 评审纪要〔2026〕12号" in page


def test_contacts_are_corrected_and_added_never_dropped(setup, auth, client):
    auth.login("staff_a")
    created = auth.post_form("/projects/new", form_data(setup))
    project = db.session.scalar(select(Project))
    edit = form_data(setup, version=str(project.version), **{
        "contacts-0-name": "王建军", "contacts-0-title": "总经理", "contacts-0-phone": "13800000001",
        "contacts-1-name": "李会计", "contacts-1-title": "财务总监"})
    assert auth.post_form(f"/projects/{project.id}/edit", edit).status_code == 302
    page = client.get(created.location).text
    assert "王建军 总经理 13800000001" in page and "李会计 财务总监" in page
    blanked = form_data(setup, version=str(project.version + 1), **{"contacts-0-name": "", "contacts-1-name": ""})
    auth.post_form(f"/projects/{project.id}/edit", blanked)
    assert "王建军" in client.get(created.location).text


def test_talks_without_recent_follow_up_are_stalled(setup, auth, client):
    from datetime import UTC, datetime

    from crm.followups.services import add_follow_up

    long_ago = datetime.now(UTC) - timedelta(days=200)
    quiet = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="久无跟进的在谈项目", created_at=long_ago)
    busy = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="近期跟进过的在谈项目", created_at=long_ago)
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="刚登记的在谈项目")
    add_follow_up(setup.staff_a, quiet, {"followed_on": date.today() - timedelta(days=150), "kind": "call",
                                         "notes": "电话沟通"})
    add_follow_up(setup.staff_a, busy, {"followed_on": date.today() - timedelta(days=5), "kind": "visit",
                                        "notes": "上门拜访"})
    db.session.commit()
    auth.login("head_a")
    home = client.get("/").text
    section = home[home.index("在谈、超过"):home.index("审批手续逾期")]
    assert "久无跟进的在谈项目" in section and (date.today() - timedelta(days=150)).isoformat() in section
    assert "近期跟进过的在谈项目" not in section and "刚登记的在谈项目" not in section


def test_the_groundbreaking_checklist_reads_the_same_permits_as_the_gate(setup, auth, client):
    from crm.pipeline.permits import permits_of

    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0))
    eia = next(pm for pm in permits_of(project) if pm.kind == "eia")
    eia.required = False  # e.g. the rules changed after signing: the stored row is what the gate checks
    db.session.commit()
    auth.login("staff_a")
    checklist = client.get(f"/projects/{project.id}").text.split('id="checklist"')[1].split("</ul>")[0]
    assert "审批手续：施工许可" in checklist and "审批手续：环评" not in checklist


def test_viewers_are_not_offered_project_registration(setup, auth, client):
    auth.login("viewer")
    assert "登记项目" not in client.get("/projects").text
    assert client.get("/projects/new").status_code == 403
