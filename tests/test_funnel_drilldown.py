"""The ledger opened from a funnel figure: the drill-down filters read as removable chips in words,
the count equals the figure clicked, and the 未归链 rows drill down too (the parts add up)."""

import re
from html import unescape

from tests.factories import ProjectFactory
from tests.funnel_data import Q1, at, build, move

URL = f"/funnel?from={Q1[0]}&to={Q1[1]}"


def figure_links(html: str, row: str) -> list[tuple[str, int]]:
    """(href, count) of the figures in the table row whose opening tag contains `row`."""
    found = re.search(rf"<tr {row}>(.*?)</tr>", html, re.S).group(1)
    return [(unescape(h), int(n)) for h, n in re.findall(r'<a href="([^"]+)" data-count="(\d+)">', found)]


def ledger(client, href: str):
    page = client.get(href)
    assert page.status_code == 200
    chips = [unescape(re.sub(r"<[^>]+>", "", c)).strip()
             for c in re.findall(r'<a class="chip"[^>]*>(.*?)</a>', page.text, re.S)]
    removals = [unescape(h) for h in re.findall(r'<a class="chip" href="([^"]+)"', page.text)]
    return int(re.search(r"共 (\d+) 条", page.text).group(1)), chips, removals


def test_an_entered_figure_reads_as_words_and_lists_as_many_projects(client, auth, world):
    build(world)
    auth.login("leader")
    page = client.get(URL).text
    links = figure_links(page, 'data-stage="approved"')
    entered = next(x for x in links if "entered_stage" in x[0] and "converted_by" not in x[0])
    current = next(x for x in links if "current_stage_at" in x[0])
    converted = next(x for x in links if "converted_by" in x[0])
    total, chips, removals = ledger(client, entered[0])
    assert total == entered[1] and total > 0
    assert "2025年第一季度进入过会×" in chips
    # Removing the chip drops the drill-down (stage and both dates) and nothing else.
    assert "entered_stage" not in removals[chips.index("2025年第一季度进入过会×")]
    total, chips, _ = ledger(client, current[0])
    assert total == current[1]
    assert "2025-03-31处于过会（推进中或暂缓）×" in chips
    total, chips, removals = ledger(client, converted[0])
    assert total == converted[1]
    assert "截至2025-03-31已进入签约×" in chips
    kept = removals[chips.index("截至2025-03-31已进入签约×")]
    assert "converted_by" not in kept and "entered_stage=approved" in kept


def test_the_unit_subtree_and_size_band_read_as_chips(client, auth, world):
    build(world)
    auth.login("leader")
    page = client.get(f"{URL}&unit_id={world.unit_a.id}").text
    href, count = figure_links(page, 'data-stage="talks"')[0]
    total, chips, _ = ledger(client, href)
    assert total == count
    assert f"所属单位含下级：{world.unit_a.name}×" in chips
    band = re.search(r'<tr data-ranking="band">.*?<a href="([^"]+)" data-count="(\d+)">', page, re.S)
    total, chips, _ = ledger(client, unescape(band.group(1)))
    assert total == int(band.group(2))
    assert "总投资低于：1.00 亿元×" in chips


def test_a_custom_period_reads_as_its_dates(client, auth, world):
    auth.login("leader")
    _total, chips, _ = ledger(client, "/projects?entered_stage=signed&entered_from=2025-02-03&entered_to=2025-05-06")
    assert "2025-02-03至2025-05-06进入签约×" in chips
    _total, chips, _ = ledger(client, "/projects?entered_stage=signed&entered_from=2025-01-01&entered_to=2025-12-31")
    assert "2025年进入签约×" in chips


def test_unchained_projects_drill_down_and_the_chains_add_up(client, auth, world):
    build(world)
    loose = ProjectFactory(name="未归链项目", unit=world.unit_b, owner=world.staff_b, created_at=at("2025-02-01 02:00"),
                           chain=None)
    move(loose, world.admin, "advance", "2025-03-01", "approved")
    auth.login("leader")
    page = client.get(URL).text
    rows = re.findall(r'<tr data-ranking="chain">(.*?)</tr>', page, re.S)
    assert any("未归链" in row for row in rows)
    for measure in range(4):  # leads, approvals, signings, starts: each chain's ledger adds up to the whole
        counted = 0
        for row in rows:
            href, count = [(unescape(h), int(n)) for h, n in re.findall(r'<a href="([^"]+)" data-count="(\d+)">',
                                                                         row)][measure]
            total, chips, _ = ledger(client, href)
            assert total == count, href
            if "未归链" in row:
                assert "without_chain=1" in href and "产业链：未归链×" in chips
            counted += total
        whole = re.findall(r'<tr class="table-light"><th scope="row">合计</th>(.*?)</tr>', page, re.S)[1]
        assert counted == int(re.findall(r"<td>([\d,]+)</td>", whole)[measure])


def test_the_cycle_times_say_how_days_are_counted(client, auth, world):
    build(world)
    auth.login("leader")
    page = client.get(URL).text
    cycles = page[page.index('id="funnel-cycles"'):]
    assert "天数为自然日，按业务日期计算" in cycles
    assert "在谈→过会" in cycles and "中位天数（自然日）" in cycles
