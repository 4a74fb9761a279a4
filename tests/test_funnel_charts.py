"""The charts: SVG strings from one module, legible Chinese text, scalable, with the figures."""

import re
from datetime import date
from xml.etree import ElementTree

from crm.funnel.charts import funnel_chart, month_labels, monthly_lines, stacked_bars
from tests.funnel_data import Q1, build

SVG = "{http://www.w3.org/2000/svg}"


def parse(markup) -> ElementTree.Element:
    return ElementTree.fromstring(str(markup))


def test_charts_are_well_formed_scalable_svg_in_a_cjk_font(app):
    for chart in (funnel_chart("漏斗", [("在谈", 10, "期末在库 3"), ("过会 <&>", 0, "")]),
                  stacked_bars("各单位", [("先进制造产业招商组", [1, 2, 0, 0, 1])], ["在谈", "过会", "签约", "开工", "投产"]),
                  monthly_lines("月度", month_labels(date(2025, 3, 31)), [("签约", [0] * 23 + [2]), ("开工", [1] * 24)])):
        root = parse(chart)
        assert root.get("width") == "100%" and root.get("viewBox").startswith("0 0 640 ")
        assert root.get("font-family") == "'Noto Sans CJK SC', sans-serif"
        assert root.get("role") == "img" and root.find(f"{SVG}title").text
    texts = [t.text for t in parse(funnel_chart("漏斗", [("过会 <&>", 1, "")])).iter(f"{SVG}text")]
    assert "过会 <&>" in texts  # escaped in the markup, intact as text


def test_months_run_24_back_from_the_period_end():
    months = month_labels(date(2025, 3, 31))
    assert (len(months), months[0], months[-1]) == (24, "2023-04", "2025-03")


def test_the_page_shows_the_charts_with_their_figures(client, auth, world):
    build(world)
    auth.login("leader")
    page = client.get(f"/funnel?from={Q1[0]}&to={Q1[1]}").text
    for chart in ("chart-funnel", "chart-units", "chart-monthly"):
        assert f'id="{chart}"' in page
    assert page.count("<svg") >= 3
    monthly = page[page.index('id="chart-monthly"'):]
    # 签约 in March 2025: P1 (P2 signed in April, outside); 开工 in March: P5.
    assert re.search(r'<th scope="row">2025-03</th><td>1</td><td>1</td>', monthly)
    assert re.search(r'<th scope="row">2024-03</th><td>1</td><td>0</td>', monthly)  # P11
    units = page[page.index('id="chart-units"'):page.index('id="chart-monthly"')]
    assert re.search(r'<th scope="row">驻上海招商组</th><td>0</td><td>1</td>', units)
