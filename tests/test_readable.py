"""Issue 10: long lists are paged with their totals, amounts read in one unit, the leader's home
shows amounts beside counts, exports are readable, and a form shows all its errors at once."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.projects.home import home_figures
from crm.reference.services import seed_default_lists
from crm.screening.current import start_new_screening
from crm.screening.models import Screening
from tests.factories import ProjectFactory, gate_data, signed_screening
from tests.querycount import count_queries
from tests.test_projects_web import form_data

D0 = date.today() - timedelta(days=200)


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def _screening(project, author, tax, signed=True):
    start_new_screening(project.id, datetime.now(UTC))  # as the services do: the new one is current
    s = Screening(is_current=True, project_id=project.id, proposed_verdict="pass", verdict="pass" if signed else None,
                  created_by_id=author.id, signed_by_id=author.id if signed else None,
                  signed_at=datetime(2026, 1, 5, tzinfo=UTC) if signed else None, score=Decimal("80"),
                  comment="同意" if signed else None, negative_list_confirmed=signed,
                  inputs={}, indicators={"tax_per_mu": tax} if tax is not None else {})
    db.session.add(s)
    return s


def _names_in_order(html, names):
    return sorted((html.index(n), n) for n in names if n in html)


def test_the_screenings_table_is_sorted_by_the_indicator_in_sql_and_paged(setup, auth, client):
    taxes = {"甲项目": "9.5", "乙项目": "10.25", "丙项目": "100", "丁项目": None}
    for name, tax in taxes.items():
        _screening(ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name=name), setup.leader, tax)
    for n in range(55):
        _screening(ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name=f"其他项目{n}"), setup.leader, "1")
    db.session.commit()
    auth.login("leader")
    first = client.get("/screenings?sort=tax_per_mu&dir=desc").text
    # Numbers, not text: 100 > 10.25 > 9.5 (text order would put 9.5 first).
    assert [n for _i, n in _names_in_order(first, taxes)] == ["丙项目", "乙项目", "甲项目"]
    assert "共 59 条" in first and "第 1 / 2 页" in first
    last = client.get("/screenings?sort=tax_per_mu&dir=desc&page=2").text
    assert "丁项目" in last and "丙项目" not in last  # a missing indicator sorts last
    assert "丁项目" in client.get("/screenings?sort_by=tax_per_mu:asc").text  # the phone's sort select


def test_pending_sign_offs_show_ten_on_home_with_the_total_and_a_paged_list(setup, auth, client):
    for n in range(12):
        _screening(ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name=f"待签项目{n:02d}"),
                   setup.staff_a, "5", signed=False)
    db.session.commit()
    auth.login("leader")
    home = client.get("/").text
    section = home[home.index('id="pending-screenings"'):]
    assert section.count("待签项目") == 10 and "查看全部（12）" in section
    full = client.get("/screenings/pending").text
    assert full.count("待签项目") == 12 and "共 12 条" in full


def test_stalled_lists_show_their_totals_and_a_full_paged_page(setup, auth, client):
    for n in range(12):
        project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name=f"逾期未开工{n:02d}")
        signed_screening(project, setup.leader)
        pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
        pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0, n=n))
    db.session.commit()
    auth.login("head_a")
    home = client.get("/").text
    signed = home[home.index('id="stalled-signed_not_started"'):home.index('id="stalled-approved_not_signed"')]
    assert signed.count("逾期未开工") == 10 and "/stalled/signed_not_started" in signed and "查看全部（12）" in signed
    page = client.get("/stalled/signed_not_started").text
    assert page.count("逾期未开工") == 12 and "共 12 条" in page
    assert client.get("/stalled/nonsense").status_code == 404
    auth.logout()
    auth.login("staff_a")
    assert client.get("/stalled/signed_not_started").status_code == 404  # staff see no stalled lists


def test_home_queries_stay_bounded(setup, auth, client):
    _screening(ProjectFactory(unit=setup.unit_a, owner=setup.staff_a), setup.staff_a, "5", signed=False)
    db.session.commit()
    auth.login("leader")
    with count_queries() as few:
        client.get("/")
    for _n in range(15):
        project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
        _screening(project, setup.staff_a, "5", signed=False)
    db.session.commit()
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few) <= 25


def test_home_shows_amounts_per_stage_and_this_year_against_last(setup, auth, client):
    today = date.today()
    this_year = datetime(today.year, 1, 1, 12, tzinfo=UTC)
    last_year = datetime(today.year - 1, 1, 1, 12, tzinfo=UTC)
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("120000"), created_at=this_year)
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("30000"),
                   fixed_asset_investment_wan=Decimal("20000"), created_at=this_year)
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("50000"), created_at=last_year)
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("70000"),
                   created_at=datetime(today.year - 1, 12, 31, 12, tzinfo=UTC) if today.month < 12 else last_year)
    db.session.commit()
    assert setup.leader.id  # loaded before counting
    with count_queries() as queries:
        counts, year = home_figures(setup.leader, today)
        talks = counts["talks"]
    assert len(queries) == 2  # the stages from the tallies, the years from one index range (issue 9)
    assert (talks.count, talks.investment_wan) == (4, Decimal("270000"))
    assert (year.count, year.investment_wan) == (2, Decimal("150000"))
    if today.month < 12:  # 31 December of last year is after today's date last year
        assert (year.last_count, year.last_investment_wan) == (1, Decimal("50000"))
    auth.login("leader")
    cards = client.get("/").text
    cards = cards[cards.index('id="stage-counts"'):cards.index('id="due-followups"')]
    assert 'title="270,000.00 万元">27.00</span> 亿元' in cards and "去年同期" in cards


def test_the_ledger_totals_what_is_filtered_not_the_page(setup, auth, client):
    for _ in range(55):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("10000"),
                       fixed_asset_investment_wan=Decimal("8000"))
    ProjectFactory(unit=setup.unit_b, owner=setup.staff_b, total_investment_wan=Decimal("99999"))
    db.session.commit()
    auth.login("leader")
    page = client.get(f"/projects?unit_id={setup.unit_a.id}").text
    total = page[page.index('class="ledger-total"'):]
    assert "合计（55 个项目，全部筛选结果）" in total and 'title="550,000.00 万元">55.00<' in total
    # One unit in the amount column: 亿元, the 万元 figure on hover.
    assert "总投资（亿元）" in page and 'title="10,000.00 万元">1.00</span>' in page
    # The active filter is a chip that removes it; the pager is a window, never one link per page.
    assert re.search(r'class="chip" href="/projects\?sort=updated&amp;dir=desc"', page)
    assert "第 1 / 2 页" in page


def test_the_pager_is_a_window_not_thousands_of_links(setup, auth, client):
    for _ in range(12):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    db.session.commit()
    from crm.projects import routes

    routes.PER_PAGE, saved = 1, routes.PER_PAGE
    try:
        auth.login("leader")
        page = client.get("/projects?page=6").text
    finally:
        routes.PER_PAGE = saved
    pager = page[page.index('class="pagination'):page.index("</ul></nav>")]
    numbers = [int(n) for n in re.findall(r'class="page-link"[^>]*>(\d+)<', pager)]
    assert numbers == [4, 5, 6, 7, 8] and "第 6 / 12 页" in page and 'aria-label="最后一页"' in pager


def test_the_ledger_export_is_readable_and_has_the_contract(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="签约项目")
    signed_screening(project, setup.leader)
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", D0))
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="在谈项目")
    db.session.commit()
    auth.login("staff_a")
    sheet = load_workbook(BytesIO(client.get("/projects/export.xlsx").data)).active
    headers = [c.value for c in sheet[1]]
    rows = {r[headers.index("项目名称")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    signed_at = rows["签约项目"][headers.index("签约日期")]
    assert signed_at.date() == D0 and rows["签约项目"][headers.index("合同投资额（万元）")] is not None
    assert rows["在谈项目"][headers.index("签约日期")] is None
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref.startswith("A1:")
    name_col = sheet.column_dimensions[get_column_letter(headers.index("项目名称") + 1)].width
    assert name_col >= len("签约项目") * 2  # as wide as the names, not a guess from the header


def test_the_screening_export_has_number_formats_and_a_frozen_header(setup, auth, client):
    _screening(ProjectFactory(unit=setup.unit_a, owner=setup.staff_a), setup.leader, "12.5")
    db.session.commit()
    auth.login("leader")
    sheet = load_workbook(BytesIO(client.get("/screenings/export.xlsx").data)).active
    assert sheet.freeze_panes == "B2"
    assert sheet.cell(2, 4).value == Decimal("12.50") or sheet.cell(2, 4).value == 12.5
    assert sheet.cell(2, 4).number_format == "#,##0.00"


def test_a_form_shows_all_its_errors_at_once(setup, auth, client):
    auth.login("staff_a")
    page = auth.post_form("/projects/new", form_data(setup, name="", investor_name="", total_investment_wan="abc")).text
    summary = page[page.index('id="form-errors"'):]
    summary = summary[:summary.index("</div>")]
    assert "项目名称" in summary and "投资方名称" in summary and "总投资" in summary
    assert 'href="#name"' in summary
    assert 'data-searchable="输入行业名称或代码筛选"' in page and 'class="form-actions"' in page
