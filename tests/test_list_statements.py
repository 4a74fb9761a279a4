"""No N+1 on the trip and payout screens (issues 12 and 13): a full page of rows issues as many SQL
statements as a page of one or two, and a trip or payout with many parts as many as one with few.
The data comes from the benchmark generator (trips and payouts in every state). A record's page may
differ by the one look-up of an optional relation (e.g. targets linked to projects), never by part."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.extensions import db
from crm.followups.models import FollowUp
from crm.payouts.models import Payout, PayoutRecipient
from crm.projects.models import Project
from crm.trips.models import Trip, TripTarget
from tests.querycount import count_queries

N = 150  # projects: 30 trips and 75 payout rows, enough for a full page of each list


@pytest.fixture
def generated(app):
    result = app.test_cli_runner().invoke(args=["bench", "generate", "--projects", str(N), "--seed", "11"])
    assert result.exit_code == 0, result.output


def _statements(client, url: str) -> int:
    client.get(url)  # warm: the first request of a session loads what later ones find cached
    with count_queries() as statements:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(statements)


def _rows(client, url: str) -> int:
    return client.get(url).text.count("<tr")


def _by_parts(model, part, key):
    """The ids of the records with the most and the fewest parts (targets, recipients), among those in
    the commonest state (a state shows its own sections: a reported trip its report)."""
    state = db.session.scalar(select(model.state).group_by(model.state).order_by(func.count().desc()).limit(1))
    counted = (select(model.id, func.count(part.id).label("n")).join(part, key == model.id)
               .where(model.state == state).group_by(model.id).order_by(func.count(part.id), model.id))
    rows = db.session.execute(counted).all()
    return rows[-1], rows[0]


def test_the_trip_list_and_page_issue_the_same_statements_for_few_and_many(generated, auth, client):
    auth.login("leader")
    busiest_unit = db.session.execute(select(Trip.unit_id, func.count()).group_by(Trip.unit_id)
                                      .order_by(func.count().desc(), Trip.unit_id)).first()
    quietest_unit = db.session.execute(select(Trip.unit_id, func.count()).group_by(Trip.unit_id)
                                       .order_by(func.count(), Trip.unit_id)).first()
    assert _rows(client, "/trips") > _rows(client, f"/trips?unit_id={quietest_unit.unit_id}")
    assert busiest_unit.count > quietest_unit.count
    assert _statements(client, "/trips") == _statements(client, f"/trips?unit_id={quietest_unit.unit_id}")

    most, fewest = _by_parts(Trip, TripTarget, TripTarget.trip_id)
    assert most.n > fewest.n
    # One look-up loads the projects some targets are linked to, only when a target has one.
    assert abs(_statements(client, f"/trips/{most.id}") - _statements(client, f"/trips/{fewest.id}")) <= 1


def test_the_payout_ledger_and_page_issue_the_same_statements_for_few_and_many(generated, auth, client):
    auth.login("leader")
    one = db.session.scalar(select(Payout.project_id).group_by(Payout.project_id)
                            .order_by(func.count(), Payout.project_id).limit(1))
    assert _rows(client, "/payouts") > _rows(client, f"/payouts?project_id={one}")
    # A full page may add one look-up per kind of row it holds (a reward's policy, credited people,
    # credited units): at most three, never one per row.
    full, small = _statements(client, "/payouts"), _statements(client, f"/payouts?project_id={one}")
    assert small <= full <= small + 3

    most, fewest = _by_parts(Payout, PayoutRecipient, PayoutRecipient.payout_id)
    assert most.n > fewest.n
    # One look-up loads the credited people or units, only when a share names one of that kind.
    assert abs(_statements(client, f"/payouts/{most.id}") - _statements(client, f"/payouts/{fewest.id}")) <= 1


def test_the_project_page_issues_the_same_statements_for_a_busy_project_and_a_quiet_one(generated, auth, client):
    """Follow-ups, permits, contacts, screenings and history rows all come in one statement per kind:
    the busiest project of a stage costs what the quietest of that stage costs, give or take the
    look-up of a kind of record only one of them has (e.g. a possible duplicate's unit)."""
    auth.login("leader")
    stage = db.session.scalar(select(Project.stage).where(Project.stage == "signed").limit(1)) or "talks"
    counted = (select(Project.id, func.count(FollowUp.id)).join(FollowUp, FollowUp.project_id == Project.id, isouter=True)
               .where(Project.stage == stage).group_by(Project.id).order_by(func.count(FollowUp.id), Project.id))
    rows = db.session.execute(counted).all()
    quiet, busy = rows[0], rows[-1]
    history = dict(db.session.execute(select(AuditEntry.record_id, func.count()).where(
        AuditEntry.record_type == "follow_ups", AuditEntry.record_id.in_(
            select(FollowUp.id).where(FollowUp.project_id.in_([quiet.id, busy.id]))))
        .group_by(AuditEntry.record_id)).all())
    assert busy[1] > quiet[1] + 3 and len(history) >= busy[1]  # each follow-up is in the history too
    few, many = _statements(client, f"/projects/{quiet.id}"), _statements(client, f"/projects/{busy.id}")
    assert abs(many - few) <= 2 and many <= 30, (few, many)
