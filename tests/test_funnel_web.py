"""The funnel page: every figure drills down to the ledger with the same count; scoping; bad input;
a bounded number of queries; the Excel export."""

import re
from io import BytesIO
from urllib.parse import unquote

from openpyxl import load_workbook

from tests.factories import ProjectFactory
from tests.funnel_data import Q1, build, move
from tests.querycount import count_queries

URL = f"/funnel?from={Q1[0]}&to={Q1[1]}"
LINK = re.compile(r'<a href="([^"]+)" data-count="(\d+)">')


def ledger_total(client, href: str) -> int:
    page = client.get(unquote(href).replace("&amp;", "&"))
    assert page.status_code == 200
    return int(re.search(r"共 (\d+) 条", page.text).group(1))


def test_every_figure_links_to_exactly_its_projects(client, auth, world):
    build(world)
    auth.login("leader")
    page = client.get(URL)
    assert page.status_code == 200
    links = dict(LINK.findall(page.text))
    assert len(links) > 40  # stages, last year, conversions, rankings
    checked = 0
    for href, count in links.items():
        assert ledger_total(client, href) == int(count), href
        checked += 1
    assert checked == len(links)


def test_the_menu_opens_the_funnel(client, auth, world):
    auth.login("viewer")
    home = client.get("/")
    assert 'href="/funnel"' in home.text


def test_staff_see_their_unit_and_a_message_for_another(client, auth, world):
    build(world)
    auth.login("staff_b")
    page = client.get(URL)
    talks = re.search(r'<tr data-stage="talks">.*?data-count="(\d+)"', page.text, re.S).group(1)
    assert talks == "1"
    refused = client.get(f"{URL}&unit_id={world.unit_a.id}")
    assert refused.status_code == 200 and "您只能查看本单位的数据" in refused.text


def test_bad_input_is_a_message_not_an_error(client, auth, world):
    auth.login("leader")
    for query in ("from=2025-05-01&to=2025-01-01", "from=abc", "from=2000-01-01&to=2050-01-01", "unit_id=999",
                  "tier=x", "chain_id=99999"):
        page = client.get(f"/funnel?{query}")
        assert page.status_code == 200, query
        assert "筛选条件有误" in page.text, query


def test_the_page_issues_the_same_number_of_queries_at_two_sizes(client, auth, world):
    w = build(world)
    auth.login("leader")
    client.get(URL)
    with count_queries() as small:
        client.get(URL)
    for i in range(12):
        p = ProjectFactory(name=f"扩充{i}", unit=world.unit_b, owner=world.staff_b, created_at=w.p1.created_at)
        move(p, world.admin, "advance", f"2025-03-{i + 1:02d}", "approved")
    with count_queries() as large:
        client.get(URL)
    assert len(small) == len(large)


def test_the_excel_export_has_the_filters_in_its_title(client, auth, world):
    build(world)
    auth.login("leader")
    response = client.get(f"/funnel/export.xlsx?from={Q1[0]}&to={Q1[1]}&unit_id={world.unit_b.id}&tier=1b")
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    sheet = book.worksheets[0]
    assert sheet["A1"].value == "招商漏斗 2025-01-01 至 2025-03-31 · 驻上海招商组（含下级） · 10亿元以上"
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    assert [r[0] for r in rows] == ["在谈", "过会", "签约", "开工", "投产"]
    assert rows[1][1] == 1  # P10 entered 过会
    assert [ws.title for ws in book.worksheets] == ["招商漏斗", "按单位排名", "按产业链排名", "按规模排名"]
