"""Issue 9: the home page, the ledger and its export at scale. The stalled-in-talks list reads the
date of the latest live follow-up kept on the project; these tests check that what a head sees stays
what the follow-ups say (added, corrected, archived), and that each page's statement count does not
grow with the data, for every role."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook

from crm.core.dates import local_today
from crm.extensions import db
from crm.followups.services import add_follow_up, archive_follow_up, update_follow_up
from crm.pipeline import services as pipeline
from crm.projects.home import home_figures
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory, gate_data, signed_screening
from tests.querycount import count_queries

LONG_AGO = datetime.now(UTC) - timedelta(days=200)
TODAY = date.today()


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def _stalled_talks(client) -> str:
    home = client.get("/").text
    return home[home.index("在谈、超过"):home.index("审批手续逾期")]


def test_the_stalled_talks_list_follows_adds_corrections_and_archives(setup, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name="跟进日期维护项目", created_at=LONG_AGO)
    version = project.version
    db.session.commit()
    auth.login("head_a")
    assert "跟进日期维护项目" in _stalled_talks(client)  # never followed up
    old = add_follow_up(setup.staff_a, project, {"followed_on": TODAY - timedelta(days=100), "kind": "call",
                                                 "notes": "电话沟通"})
    recent = add_follow_up(setup.staff_a, project, {"followed_on": TODAY - timedelta(days=3), "kind": "visit",
                                                    "notes": "上门拜访"})
    db.session.commit()
    assert project.last_follow_up_on == TODAY - timedelta(days=3)
    assert "跟进日期维护项目" not in _stalled_talks(client)
    update_follow_up(setup.staff_a, recent, {"followed_on": TODAY - timedelta(days=90)}, recent.version)
    db.session.commit()
    section = _stalled_talks(client)  # the corrected date counts: stalled again, showing the latest date
    assert "跟进日期维护项目" in section and (TODAY - timedelta(days=90)).isoformat() in section
    archive_follow_up(setup.staff_a, recent, recent.version)
    db.session.commit()
    section = _stalled_talks(client)  # the archived one no longer counts: the older live one does
    assert "跟进日期维护项目" in section and (TODAY - timedelta(days=100)).isoformat() in section
    archive_follow_up(setup.staff_a, old, old.version)
    db.session.commit()
    assert project.last_follow_up_on is None
    # A derived figure, not an edit: the project's version and change time stay (an open edit form stays valid).
    assert project.version == version


def test_the_migration_rule_matches_the_services(setup):
    """The data migration's UPDATE (0012_home_speed) and the services agree on every project."""
    from sqlalchemy import text

    quiet = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    busy = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    for days in (40, 10):
        add_follow_up(setup.staff_a, busy, {"followed_on": TODAY - timedelta(days=days), "kind": "call", "notes": "沟通"})
    latest = add_follow_up(setup.staff_a, busy, {"followed_on": TODAY - timedelta(days=1), "kind": "call", "notes": "沟通"})
    archive_follow_up(setup.staff_a, latest, latest.version)
    db.session.commit()
    kept = {p.id: p.last_follow_up_on for p in (quiet, busy)}
    db.session.execute(text("UPDATE projects SET last_follow_up_on = (SELECT max(f.followed_on) FROM follow_ups f "
                            "WHERE f.project_id = projects.id AND f.archived_at IS NULL)"))
    db.session.expire_all()
    assert {p.id: p.last_follow_up_on for p in (quiet, busy)} == kept == {quiet.id: None,
                                                                           busy.id: TODAY - timedelta(days=10)}


def _city(setup, n: int, start: int = 0) -> None:
    """n projects of unit A of every kind the home page lists: stalled in talks, approved long ago,
    signed and overdue, with follow-ups and next actions due."""
    for i in range(start, start + n):
        talks = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, created_at=LONG_AGO)
        add_follow_up(setup.staff_a, talks, {"followed_on": TODAY - timedelta(days=100 + i), "kind": "call",
                                             "notes": "沟通", "next_action": "回访", "next_action_owner_id": setup.staff_a.id,
                                             "next_action_due": TODAY + timedelta(days=2)})
        signed = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, created_at=LONG_AGO)
        signed_screening(signed, setup.leader)
        d0 = TODAY - timedelta(days=200)
        pipeline.apply_transition(setup.staff_a, signed, gate_data("approved", d0))
        if i % 2:
            pipeline.apply_transition(setup.staff_a, signed, gate_data("signed", d0, n=i))
    db.session.commit()


@pytest.mark.parametrize("username", ["leader", "head_a", "staff_a"])
def test_home_statements_do_not_grow_with_the_data_for_each_role(setup, auth, client, username):
    _city(setup, 2)
    auth.login(username)
    with count_queries() as few:
        assert client.get("/").status_code == 200
    _city(setup, 12, start=2)
    with count_queries() as many:
        page = client.get("/")
    assert page.status_code == 200
    assert len(many) == len(few) <= 25, (username, len(few), len(many))


def test_ledger_and_export_statements_do_not_grow_and_totals_stay_exact(setup, auth, client):
    for _ in range(3):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("1000"), fixed_asset_investment_wan=None)
    auth.login("leader")
    with count_queries() as few_ledger:
        client.get("/projects")
    with count_queries() as few_export:
        client.get("/projects/export.xlsx")
    for _ in range(60):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("1000"), fixed_asset_investment_wan=None)
    with count_queries() as many_ledger:
        ledger = client.get("/projects").text
    with count_queries() as many_export:
        export = client.get("/projects/export.xlsx")
    assert len(many_ledger) == len(few_ledger) <= 14
    assert len(many_export) == len(few_export) <= 12
    assert "共 63 条" in ledger and "6.30" in ledger  # the total row: 63 × 1,000 万元 = 6.30 亿元
    sheet = load_workbook(BytesIO(export.data)).active
    assert sheet.max_row == 64 and sheet.auto_filter.ref.endswith("64") and sheet.freeze_panes == "B2"


def test_a_filtered_ledger_pages_on_with_its_filters(setup, auth, client):
    for _ in range(55):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, source="expo", total_investment_wan=Decimal("50000"))
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, source="business_referral")
    auth.login("leader")
    page = client.get("/projects?source=expo").text
    assert "共 55 条" in page and "page=2&amp;source=expo" in page


def test_stage_and_year_figures_are_two_queries_whatever_the_data(setup):
    """The stage figures add up the tallies, the year figures read one range: two statements."""
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("500"), fixed_asset_investment_wan=None)
    db.session.commit()
    assert setup.leader.id
    with count_queries() as queries:
        counts, year = home_figures(setup.leader, local_today())
    assert len(queries) == 2
    assert counts["talks"].count == 1 and counts["talks"].investment_wan == Decimal("500")
    assert (year.count, year.investment_wan) == (1, Decimal("500"))  # entered today
    for _ in range(5):
        ProjectFactory(unit=setup.unit_b, owner=setup.staff_b, total_investment_wan=Decimal("100"), fixed_asset_investment_wan=None)
    db.session.commit()
    assert setup.leader.id  # loaded again after the commit, outside the count
    with count_queries() as queries:
        counts, year = home_figures(setup.leader, local_today())
    assert len(queries) == 2
    assert (counts["talks"].count, counts["talks"].investment_wan) == (6, Decimal("1000"))
    assert (year.count, year.investment_wan) == (6, Decimal("1000"))


def test_a_stalled_list_pages_through_every_row_with_its_total(setup, auth, client):
    """The stalled lists pick a page's rows from an index and count in the same statement: every page
    shows the right rows and the total, and a page past the end still says how many there are."""
    for n in range(53):
        ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, name=f"久未跟进{n:02d}",
                       created_at=LONG_AGO + timedelta(minutes=n))
    db.session.commit()
    auth.login("head_a")
    home = client.get("/").text
    talks = home[home.index('id="stalled-talks_without_follow_up"'):home.index('id="stalled-overdue_permits"')]
    assert talks.count("久未跟进") == 10 and "查看全部（53）" in talks and "久未跟进00" in talks  # oldest first
    first = client.get("/stalled/talks_without_follow_up").text
    second = client.get("/stalled/talks_without_follow_up?page=2").text
    past = client.get("/stalled/talks_without_follow_up?page=9").text
    assert first.count("久未跟进") == 50 and "共 53 条" in first
    assert second.count("久未跟进") == 3 and "共 53 条" in second and "久未跟进52" in second
    assert past.count("久未跟进") == 0 and "共 53 条" in past
