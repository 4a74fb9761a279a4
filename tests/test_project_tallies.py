"""Issue 9: the home page's stage figures add up maintained tallies (crm/projects/tallies.py) instead of
grouping every project. What a leader checks: the figures on the home page are those of the ledger,
after every kind of change, through the API and the services, with people saving at the same moment,
and after a bulk load that bypassed the ORM once it is recounted."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import delete, func, select, text

from crm.core.dates import local_today
from crm.core.models import utcnow
from crm.extensions import db
from crm.projects.home import home_figures
from crm.projects.models import Project, ProjectTally
from crm.projects.tallies import rebuild_tallies, tallies_match
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory, gate_data, signed_screening
from tests.test_concurrency import THREADS, api_clients, race
from tests.test_projects_api import new_project

D0 = date.today() - timedelta(days=200)
TODAY = local_today()


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def small_project(world, **overrides) -> dict:
    return new_project(world, fixed_asset_investment_wan=None, **overrides)


def ledger_figures(user) -> dict:
    """What the ledger would add up: live projects, not dropped, per stage (count, 万元)."""
    from crm.projects.services import visible_projects

    rows = db.session.execute(visible_projects(user).where(Project.status != "dropped").with_only_columns(
        Project.stage, func.count(), func.sum(Project.total_investment_wan)).group_by(Project.stage)).all()
    return {str(stage): (n, Decimal(total)) for stage, n, total in rows}


def home_stage_figures(user) -> dict:
    counts, _year = home_figures(user, TODAY)
    return {stage: (f.count, f.investment_wan) for stage, f in counts.items() if f.count}


def assert_figures_agree(world) -> None:
    db.session.expire_all()
    assert tallies_match(db.session)
    for user in (world.leader, world.head_a, world.staff_a, world.staff_b):
        assert home_stage_figures(user) == ledger_figures(user), user.username


def test_the_figures_follow_every_kind_of_change_through_the_api(setup, api):
    api.login("staff_a")
    ids = [api.post("/api/v1/projects", json=small_project(setup, name=f"统计维护项目{i}",
                                                         total_investment_wan=str(1000 * (i + 1)))).json["id"]
           for i in range(4)]
    assert_figures_agree(setup)
    assert home_stage_figures(setup.head_a)["talks"] == (4, Decimal("10000"))
    # An edited amount moves the 万元 figure, not the count.
    assert api.patch(f"/api/v1/projects/{ids[0]}", json={"total_investment_wan": "5000", "version": 1}).status_code == 200
    assert home_stage_figures(setup.head_a)["talks"] == (4, Decimal("14000"))
    # Approval moves a project from 在谈 to 过会; hold keeps it counted; drop takes it out of the figures.
    for pid in ids[:2]:
        signed_screening(db.session.get(Project, pid), setup.leader)
        assert api.post(f"/api/v1/projects/{pid}/transitions", json=gate_data("approved", D0)).status_code == 201
    assert api.post(f"/api/v1/projects/{ids[2]}/transitions",
                    json={"to": "on_hold", "effective_date": TODAY.isoformat(), "note": "等待土地指标"}).status_code == 201
    assert api.post(f"/api/v1/projects/{ids[3]}/transitions",
                    json={"to": "dropped", "effective_date": TODAY.isoformat(), "reason": "strategy_change"}).status_code == 201
    assert_figures_agree(setup)
    assert home_stage_figures(setup.head_a) == {"talks": (1, Decimal("3000")), "approved": (2, Decimal("7000"))}
    # An admin's correction back to 在谈 and the reopening of the dropped one.
    api.login("admin")
    assert api.post(f"/api/v1/projects/{ids[1]}/transitions",
                    json={"to": "correction", "to_stage": "talks", "effective_date": TODAY.isoformat(),
                          "reason": "误录过会"}).status_code == 201
    assert api.post(f"/api/v1/projects/{ids[3]}/transitions",
                    json={"to": "correction", "to_stage": "talks", "effective_date": TODAY.isoformat(),
                          "reason": "投资方恢复洽谈"}).status_code == 201
    assert_figures_agree(setup)
    assert home_stage_figures(setup.head_a) == {"talks": (3, Decimal("9000")), "approved": (1, Decimal("5000"))}
    # Archived projects leave the figures.
    api.login("staff_a")
    version = db.session.get(Project, ids[0]).version
    assert api.post(f"/api/v1/projects/{ids[0]}/archive", json={"version": version}).status_code == 200
    assert_figures_agree(setup)
    assert home_stage_figures(setup.head_a) == {"talks": (3, Decimal("9000"))}


def test_the_home_page_shows_the_figures_a_new_project_changes(setup, auth, client, api):
    ProjectFactory(unit=setup.unit_b, owner=setup.staff_b, total_investment_wan=Decimal("250000"))
    db.session.commit()
    auth.login("leader")
    before = client.get("/").text
    assert 'id="stage-counts"' in before and "25.00" in before  # 250,000 万元 = 25.00 亿元 in 在谈
    api.login("staff_a")
    assert api.post("/api/v1/projects", json=new_project(setup, total_investment_wan="150000")).status_code == 201
    page = client.get("/").text
    cards = page[page.index('id="stage-counts"'):page.index('id="year-figures"')]
    assert "40.00" in cards and '<div class="h4 mb-0">2 ' in cards


def test_a_project_moved_to_another_unit_counts_there(setup):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("800"),
                             fixed_asset_investment_wan=None)
    db.session.commit()
    project.unit = setup.unit_b  # the relationship, not unit_id: the flush fills the id in
    db.session.commit()
    assert_figures_agree(setup)
    assert home_stage_figures(setup.staff_b) == {"talks": (1, Decimal("800"))}
    assert home_stage_figures(setup.head_a) == {}


def test_a_change_made_without_loading_the_project_first(setup):
    """A service that sets the stage of a project it never read still moves it between tallies."""
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    db.session.commit()
    db.session.expire(project)  # nothing loaded: the old status is known only to the database
    project.status = "on_hold"
    db.session.commit()
    assert_figures_agree(setup)


def test_a_failed_save_changes_no_figure(setup, api):
    api.login("staff_a")
    pid = api.post("/api/v1/projects", json=new_project(setup)).json["id"]
    kept = db.session.scalars(select(ProjectTally)).all()
    snapshot = {(t.unit_id, t.stage, t.status): (t.projects, t.investment_wan) for t in kept}
    refused = api.patch(f"/api/v1/projects/{pid}", json={"total_investment_wan": "-5", "version": 1})
    assert refused.status_code == 422
    stale = api.patch(f"/api/v1/projects/{pid}", json={"total_investment_wan": "9", "version": 7})
    assert stale.status_code == 409
    db.session.expire_all()
    assert {(t.unit_id, t.stage, t.status): (t.projects, t.investment_wan)
            for t in db.session.scalars(select(ProjectTally))} == snapshot
    assert_figures_agree(setup)


def test_rows_loaded_past_the_orm_are_counted_by_the_recount_and_mended_by_the_next_change(setup):
    """The benchmark generator writes rows with executemany and then recounts (`rebuild_tallies`);
    a key whose first change finds no tally row is counted from the projects."""
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    db.session.commit()
    db.session.execute(delete(ProjectTally))
    db.session.commit()
    assert not tallies_match(db.session)
    rebuild_tallies(db.session)
    db.session.commit()
    assert_figures_agree(setup)
    db.session.execute(delete(ProjectTally))  # lost again; a new project in that key mends it
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    db.session.commit()
    assert_figures_agree(setup)


def test_the_migration_fills_the_tallies_as_the_recount_does(setup):
    for unit, owner in ((setup.unit_a, setup.staff_a), (setup.unit_b, setup.staff_b), (setup.unit_a, setup.staff_a)):
        ProjectFactory(unit=unit, owner=owner)
    archived = ProjectFactory(unit=setup.unit_b, owner=setup.staff_b)
    db.session.commit()
    archived.archived_at = utcnow()
    db.session.commit()
    migration = importlib.import_module("migrations.versions.0016_home_tallies")
    db.session.execute(delete(ProjectTally))
    db.session.execute(text(migration.FILL))
    db.session.commit()
    assert_figures_agree(setup)


def test_projects_created_at_the_same_moment_are_all_counted(setup, live_server):
    """Six people recording projects in the same unit at once: every one is in the figures (each
    increment waits for the one before it; none is lost), on both databases."""
    clients = api_clients(live_server, "staff_a", "head_a")
    for round_ in range(2):
        results = race([(clients[i], "POST", "/api/v1/projects",
                         {"json_body": small_project(setup, name=f"同时录入项目{round_}-{i}", investor_uscc=None,
                                                   investor_name=f"同时录入{round_}-{i}有限公司",
                                                   total_investment_wan=str(100 + i))})
                        for i in range(THREADS)])
        assert [status for status, _body in results] == [201] * THREADS, results
    assert_figures_agree(setup)
    assert home_stage_figures(setup.head_a)["talks"] == (2 * THREADS, Decimal(2 * sum(100 + i for i in range(THREADS))))


def test_projects_moving_between_the_same_tallies_at_once(setup, live_server):
    """Six projects approved at the same moment: 在谈 loses six, 过会 gains six."""
    projects = [ProjectFactory(unit=setup.unit_a, owner=setup.staff_a) for _ in range(THREADS)]
    for project in projects:
        signed_screening(project, setup.leader)
    clients = api_clients(live_server, "staff_a", "head_a")
    results = race([(clients[i], "POST", f"/api/v1/projects/{projects[i].id}/transitions",
                     {"json_body": gate_data("approved", D0, n=i)}) for i in range(THREADS)])
    assert [status for status, _body in results] == [201] * THREADS, results
    assert_figures_agree(setup)
    assert home_stage_figures(setup.head_a) == {"approved": (THREADS, Decimal(50000 * THREADS))}


def test_the_recount_command_says_whether_the_figures_match_and_mends_them(setup, app):
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    db.session.commit()
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["projects", "recount", "--check"])
    assert ok.exit_code == 0 and "match" in ok.output
    db.session.execute(delete(ProjectTally))
    db.session.commit()
    differ = runner.invoke(args=["projects", "recount", "--check"])
    assert differ.exit_code == 1 and "DIFFER" in differ.output
    mended = runner.invoke(args=["projects", "recount"])
    assert mended.exit_code == 0 and "recounted" in mended.output
    assert_figures_agree(setup)
