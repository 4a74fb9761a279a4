"""Two people changing the same record at the same moment: exactly one succeeds, on both databases.

Real concurrent requests: threads released together by a barrier fire at the app served over HTTP
(`live_server`, threaded), each with its own HTTP client. For every kind of state change the
winner gets 2xx, every other request a 409 with the JSON error shape (a web form: its conflict
message), never a 500, and the database shows exactly one effect.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from datetime import date
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from sqlalchemy import func, make_url, select
from werkzeug.datastructures import FileStorage

from config import TestingConfig
from crm import create_app
from crm.attachments.models import Attachment
from crm.attachments.services import store_attachment
from crm.audit.models import AuditEntry
from crm.core.dates import local_today
from crm.demo.policies import CITY
from crm.extensions import db
from crm.followups.services import add_follow_up
from crm.pipeline import services as pipeline
from crm.pipeline.models import Contract, MeetingApproval, Permit, Transition
from crm.pipeline.permits import permits_of
from crm.projects.models import Project
from crm.reference.services import seed_default_lists
from crm.screening import policies as policy_rules
from crm.screening.models import Screening
from crm.screening.services import prepare_screening
from tests.conftest import PASSWORD, IsolatedClient, csrf_token
from tests.factories import ProjectFactory, UserFactory, gate_data, signed_screening

ROUNDS = 3
THREADS = 6
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
NEGATIVE_LIST = ["industrial_policy", "high_energy_emission", "below_intensity_tax", "safety_environment",
                 "overcapacity"]


class Http:
    """One person's HTTP client: its own cookies (web) or bearer token (API)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()))
        self.token: str | None = None

    def send(self, method: str, path: str, *, json_body=None, form=None) -> tuple[int, str]:
        headers, data = {}, None
        if json_body is not None:
            data, headers["Content-Type"] = json.dumps(json_body).encode(), "application/json"
        elif form is not None:
            data = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:  # follows a form's redirect
                return response.status, response.read().decode()
        except HTTPError as err:
            return err.code, err.read().decode()

    def api_login(self, username: str) -> Http:
        status, body = self.send("POST", "/api/v1/auth/token", json_body={"username": username, "password": PASSWORD})
        assert status == 201, body
        self.token = json.loads(body)["token"]
        return self

    def web_login(self, username: str) -> Http:
        _status, page = self.send("GET", "/login")
        status, page = self.send("POST", "/login", form={"username": username, "password": PASSWORD,
                                                         "csrf_token": csrf_token(page)})
        assert status == 200 and "/logout" in page, page[:500]
        return self

    def form_token(self, path: str) -> str:
        status, page = self.send("GET", path)
        assert status == 200, page[:500]
        return csrf_token(page)


def api_clients(base: str, *usernames: str) -> list[Http]:
    return [Http(base).api_login(usernames[i % len(usernames)]) for i in range(THREADS)]


def race(calls: list[tuple]) -> list[tuple[int, str]]:
    """Send each (client, method, path, keywords) from its own thread, all released at the same
    instant; their (status, body) in order."""
    db.session.commit()  # the test's own session holds nothing while the requests race
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i: int) -> None:
        client, method, path, keywords = calls[i]
        barrier.wait()
        try:
            results[i] = client.send(method, path, **keywords)
        except Exception as err:  # reported by the assertion below, not lost in the thread
            results[i] = (None, repr(err))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    db.session.rollback()  # read what the requests committed
    return results


def one_api_winner(results, ok: int = 200) -> int:
    """Exactly one 2xx, the others 409 with the error shape; the index of the winner."""
    statuses = [status for status, _body in results]
    assert statuses.count(ok) == 1 and statuses.count(409) == len(results) - 1, results
    for status, body in results:
        if status == 409:
            error = json.loads(body)["error"]
            assert error["code"] == "conflict" and error["message"] and isinstance(error["fields"], dict)
    return statuses.index(ok)


def one_form_winner(results, success: str, refusals: tuple[str, ...]) -> int:
    """A web form: one page with the success message, the others with a conflict message."""
    assert all(status in (200, 409) for status, _body in results), [s for s, _b in results]
    winners = [i for i, (_status, body) in enumerate(results) if success in body]
    assert len(winners) == 1, [(s, re.findall(r'alert-\w+[^>]*>\s*([^<]+)', b)) for s, b in results]
    for i, (_status, body) in enumerate(results):
        if i != winners[0]:
            assert any(message in body for message in refusals), body[:2000]
    return winners[0]


def audit_updates(record) -> int:
    return db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.record_type == record.__tablename__, AuditEntry.record_id == record.id,
        AuditEntry.action.in_(("update", "archive"))))


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    policy_rules.create_policy(world.admin, CITY)
    world.leader2 = UserFactory(username="leader2", name="赵副局长", role="leader", unit=world.bureau)
    world.admin2 = UserFactory(username="admin2", name="孙管理员", role="admin", unit=world.bureau)
    db.session.commit()
    return world


def fresh_screening(setup, project) -> Screening:
    screening = prepare_screening(setup.staff_a, project)
    db.session.commit()
    return screening


def test_two_leaders_signing_one_screening(setup, live_server):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    leaders = api_clients(live_server, "leader", "leader2")
    for _round in range(ROUNDS):
        screening = fresh_screening(setup, project)
        url = f"/api/v1/screenings/{screening.id}/decision"
        results = race([(leaders[i], "POST", url, {"json_body": {
            "verdict": "pass", "comment": f"意见{i}", "negative_list_confirmed": True}}) for i in range(THREADS)])
        winner = one_api_winner(results)
        db.session.refresh(screening)
        assert screening.comment == f"意见{winner}"  # the verdict signed is the winner's, not replaced
        assert screening.signed_by_id == json.loads(results[winner][1])["signed_by_id"]
        assert screening.version == 2 and audit_updates(screening) == 1


def test_two_leaders_signing_one_screening_on_the_web(setup, live_server):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    leaders = [Http(live_server).web_login(name) for name in ("leader", "leader2") * (THREADS // 2)]
    for _round in range(ROUNDS):
        url = f"/screenings/{fresh_screening(setup, project).id}"
        forms = [{"verdict": "pass", "comment": f"意见{i}", "checked": NEGATIVE_LIST,
                  "csrf_token": leaders[i].form_token(url)} for i in range(THREADS)]
        results = race([(leaders[i], "POST", url, {"form": forms[i]}) for i in range(THREADS)])
        winner = one_form_winner(results, "预审已签批。", ("签批后不能更改", "刚被他人修改", "正被他人同时修改"))
        screening = db.session.scalars(select(Screening).where(Screening.project_id == project.id)
                                       .order_by(Screening.id.desc())).first()
        assert screening.comment == f"意见{winner}" and audit_updates(screening) == 1


def _transition_body(move: str, i: int) -> dict:
    today = local_today()
    if move == "dropped":
        return {"to": "dropped", "effective_date": today.isoformat(), "reason": "strategy_change", "note": f"终止{i}"}
    if move == "on_hold":
        return {"to": "on_hold", "effective_date": today.isoformat(), "note": f"暂缓{i}"}
    return gate_data(move, today, n=i) if move == "signed" else gate_data(move, today)


def test_racing_transitions_on_one_project(setup, live_server):
    """Approve, drop and hold fired at once at a project in talks: one move, one history row."""
    clients = api_clients(live_server, "staff_a", "head_a")
    moves = ["approved", "dropped", "on_hold"]
    for _round in range(ROUNDS):
        project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
        signed_screening(project, setup.leader)
        url = f"/api/v1/projects/{project.id}/transitions"
        # Each client moves the project it saw (version 1): the moves exclude one another.
        results = race([(clients[i], "POST", url, {"json_body": _transition_body(moves[i % 3], i) | {"version": 1}})
                        for i in range(THREADS)])
        winner = one_api_winner(results, ok=201)
        move = moves[winner % 3]
        db.session.refresh(project)
        transitions = db.session.scalars(select(Transition).where(Transition.project_id == project.id)).all()
        assert len(transitions) == 1 and transitions[0].note in (None, f"终止{winner}", f"暂缓{winner}")
        assert (project.stage, project.status) == (transitions[0].to_stage, transitions[0].to_status)
        assert {"approved": ("approved", "active"), "dropped": ("talks", "dropped"),
                "on_hold": ("talks", "on_hold")}[move] == (project.stage, project.status)
        assert count(MeetingApproval, MeetingApproval.project_id == project.id) == (move == "approved")
        assert project.version == 2


def test_racing_signatures_make_one_contract_and_one_set_of_permits(setup, live_server):
    clients = api_clients(live_server, "staff_a", "head_a")
    for n in range(ROUNDS):
        project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
        signed_screening(project, setup.leader)
        pipeline.apply_transition(setup.staff_a, project, gate_data("approved", local_today()))
        db.session.commit()
        url = f"/api/v1/projects/{project.id}/transitions"
        results = race([(clients[i], "POST", url, {"json_body": _transition_body("signed", n * 10 + i)})
                        for i in range(THREADS)])
        winner = one_api_winner(results, ok=201)
        contracts = db.session.scalars(select(Contract).where(Contract.project_id == project.id)).all()
        assert [c.contract_no for c in contracts] == [f"HT-{local_today():%Y%m%d}-{n * 10 + winner}"]
        kinds = [permit.kind for permit in permits_of(project)]
        assert kinds and len(kinds) == len(set(kinds))  # each required permit once
        assert count(Transition, Transition.project_id == project.id) == 2


@pytest.fixture
def signed_project(setup):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    signed_screening(project, setup.leader)
    today = local_today()
    pipeline.apply_transition(setup.staff_a, project, gate_data("approved", today))
    pipeline.apply_transition(setup.staff_a, project, gate_data("signed", today))
    db.session.commit()
    return project


def test_racing_permit_completions(setup, signed_project, live_server):
    clients = api_clients(live_server, "staff_a", "head_a")
    permits = permits_of(signed_project)
    assert len(permits) >= ROUNDS
    for permit in permits[:ROUNDS]:
        body, url = {"done_date": local_today().isoformat(), "version": permit.version}, f"/api/v1/permits/{permit.id}"
        results = race([(clients[i], "PATCH", url, {"json_body": body | {"reference_no": f"批文{i}"}})
                        for i in range(THREADS)])
        winner = one_api_winner(results)
        db.session.refresh(permit)
        assert permit.reference_no == f"批文{winner}" and permit.version == 2 and audit_updates(permit) == 1
    assert count(Permit, Permit.project_id == signed_project.id) == len(permits)


def test_racing_follow_up_done_and_archive(setup, live_server):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    clients = api_clients(live_server, "staff_a", "head_a")
    for n in range(ROUNDS):
        follow_up = add_follow_up(setup.staff_a, project, {
            "followed_on": local_today().isoformat(), "kind": "visit", "notes": "实地考察",
            "next_action": "报送投资协议草案", "next_action_due": date(2099, 1, 1).isoformat(),
            "next_action_owner_id": setup.staff_a.id})
        db.session.commit()
        action = "done" if n % 2 == 0 else "archive"  # the same action fired by everyone, then the other
        url = f"/api/v1/followups/{follow_up.id}/{action}"
        results = race([(clients[i], "POST", url, {"json_body": {"version": 1}}) for i in range(THREADS)])
        one_api_winner(results)
        db.session.refresh(follow_up)
        assert follow_up.version == 2 and audit_updates(follow_up) == 1
        assert (follow_up.next_action_done_at is not None) == (action == "done")
        assert (follow_up.archived_at is not None) == (action == "archive")


def test_racing_project_edits_with_the_same_version(setup, live_server):
    clients = api_clients(live_server, "staff_a", "head_a")
    for _round in range(ROUNDS):
        project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
        url = f"/api/v1/projects/{project.id}"
        results = race([(clients[i], "PATCH", url, {"json_body": {"version": 1, "name": f"智能座舱项目{i}"}})
                        for i in range(THREADS)])
        winner = one_api_winner(results)
        db.session.refresh(project)
        assert project.name == f"智能座舱项目{winner}" and project.version == 2 and audit_updates(project) == 1


def test_racing_project_archives(setup, live_server):
    clients = api_clients(live_server, "staff_a", "head_a")
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    url = f"/api/v1/projects/{project.id}/archive"
    results = race([(clients[i], "POST", url, {"json_body": {"version": 1}}) for i in range(THREADS)])
    one_api_winner(results)
    db.session.refresh(project)
    assert project.archived_at is not None and project.version == 2 and audit_updates(project) == 1
    assert count(Project, Project.archived_at.is_not(None)) == 1


def test_racing_attachment_archives_on_the_web(setup, live_server, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    people = [Http(live_server).web_login(name) for name in ("staff_a", "head_a") * (THREADS // 2)]
    for n in range(ROUNDS):
        attachment = store_attachment(setup.staff_a, project, FileStorage(stream=_pdf(n), filename=f"纪要{n}.pdf"),
                                      "minutes", None)
        db.session.commit()
        tokens = [person.form_token(f"/projects/{project.id}") for person in people]
        url = f"/attachments/{attachment.id}/archive"
        results = race([(people[i], "POST", url, {"form": {"csrf_token": tokens[i]}}) for i in range(THREADS)])
        one_form_winner(results, "附件已归档，文件仍保留备查。", ("该附件已归档。", "刚被他人修改", "正被他人同时修改"))
        db.session.refresh(attachment)
        assert attachment.archived_at is not None and attachment.version == 2 and audit_updates(attachment) == 1
    assert count(Attachment, Attachment.archived_at.is_(None)) == 0


def _pdf(n: int):
    import io

    return io.BytesIO(PDF + f"% {n}\n".encode())


def test_two_admins_editing_one_user(setup, live_server):
    admins = [Http(live_server).web_login(name) for name in ("admin", "admin2") * (THREADS // 2)]
    for n in range(ROUNDS):
        user = UserFactory(username=f"staff_c{n}", name="周强", role="staff", unit=setup.unit_a)
        url = f"/admin/users/{user.id}"
        forms = [{"username": user.username, "name": f"周强{i}", "role": "staff", "unit_id": str(setup.unit_a.id),
                  "active": "y", "version": "1", "csrf_token": admins[i].form_token(url)} for i in range(THREADS)]
        results = race([(admins[i], "POST", url, {"form": forms[i]}) for i in range(THREADS)])
        winner = one_form_winner(results, "账号已保存。", ("该记录已被他人修改", "刚被他人修改", "正被他人同时修改"))
        db.session.refresh(user)
        assert user.name == f"周强{winner}" and user.version == 2 and audit_updates(user) == 1


def test_a_writer_kept_waiting_past_the_busy_timeout_gets_503_not_500(setup, app, api):
    """SQLite: while another process holds the write lock, readers read and a writer that waited
    its whole busy timeout is told to retry (503 with Retry-After); nothing half-saved."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite":
        pytest.skip("SQLite's database-wide write lock")
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a)
    api.login("staff_a")
    assert api.get(f"/api/v1/projects/{project.id}").status_code == 200  # the token's last-use is recorded
    config = TestingConfig()
    config.SQLALCHEMY_DATABASE_URI, config.SQLITE_BUSY_TIMEOUT_MS = str(url), 200
    config.WTF_CSRF_ENABLED = False  # the web form below needs no page first
    impatient = create_app(config)
    impatient.test_client_class = IsolatedClient
    client = impatient.test_client()
    db.session.commit()
    holder = sqlite3.connect(url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process writing, e.g. `flask demo load`
    try:
        response = client.patch(f"/api/v1/projects/{project.id}", json={"version": 1, "name": "智能座舱项目"},
                                headers=api.headers)
        assert response.status_code == 503 and response.headers["Retry-After"] == "5"
        assert response.json["error"]["code"] == "busy" and "稍后重试" in response.json["error"]["message"]
        assert client.get(f"/api/v1/projects/{project.id}", headers=api.headers).status_code == 200
        page = client.post("/login", data={"username": "staff_a", "password": PASSWORD})
        assert page.status_code == 503 and "系统繁忙" in page.text
    finally:
        holder.rollback()
        holder.close()
    with impatient.app_context():
        db.engine.dispose()
    db.session.refresh(project)
    assert project.version == 1 and project.name != "智能座舱项目"
    retried = client.patch(f"/api/v1/projects/{project.id}", json={"version": 1, "name": "智能座舱项目"},
                           headers=api.headers)
    assert retried.status_code == 200 and retried.json["version"] == 2
