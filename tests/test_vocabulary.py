"""Every closed list of codes lives in crm.domain: titled, translated, and not copied elsewhere."""

import ast
from pathlib import Path

from babel.messages.pofile import read_po
from sqlalchemy import select

from crm.domain import VOCABULARIES, Move, Stage, Status, Verdict, Vocabulary
from crm.extensions import db
from crm.pipeline.forms import MOVE_FORMS
from crm.pipeline.models import Transition
from crm.pipeline.services import MOVES
from crm.projects.models import Project
from tests.factories import ProjectFactory

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "crm/translations/en/LC_MESSAGES/messages.po"


def _all_vocabularies() -> set[type[Vocabulary]]:
    found, todo = set(), list(Vocabulary.__subclasses__())
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_vocabulary_is_listed_and_every_member_has_a_translated_title():
    assert _all_vocabularies() == set(VOCABULARIES)
    english = {m.id: m.string for m in read_po(PO.open("rb")) if m.id}
    for vocabulary in VOCABULARIES:
        for member in vocabulary:
            assert member.value and member.msgid, member
            assert english.get(member.msgid), f"{vocabulary.__name__}.{member.name}: {member.msgid} has no English"


def test_titles_follow_the_language_of_the_request(app):
    with app.test_request_context():
        assert Stage.SIGNED.title == "签约"
        assert Move.CORRECTION.title == "管理员更正"
        assert Stage.choices()[0] == ("talks", "在谈")


def test_stage_order_helpers():
    assert [s.index for s in Stage] == [0, 1, 2, 3, 4]
    assert Stage.TALKS.next() == Stage.APPROVED and Stage.PRODUCING.next() is None
    assert Move.SIGNED.stage == Stage.SIGNED and Move.ON_HOLD.stage is None
    assert Stage.get("dormant") is None and Stage.get(None) is None and Stage.get("talks") is Stage.TALKS


def test_every_move_has_a_service_and_a_form():
    assert set(MOVES) == set(Move)
    assert set(MOVE_FORMS) == set(Move)


def test_an_unknown_move_is_refused_naming_every_move(api, world):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    api.login("staff_a")
    response = api.post(f"/api/v1/projects/{project.id}/transitions", json={"to": "dormant", "effective_date": "2024-01-01"})
    assert response.status_code == 422, response.json
    message = response.json["error"]["message"]
    assert all(code in message for code in Move.codes()), message
    assert "correction" in message


def test_a_vocabulary_column_stores_the_code_and_loads_the_member(app, world):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a)
    db.session.expire_all()
    stored = db.session.execute(select(Project.__table__.c.stage).where(Project.id == project.id)).scalar_one()
    assert stored == "talks"
    loaded = db.session.get(Project, project.id)
    assert loaded.stage is Stage.TALKS and loaded.status is Status.ACTIVE
    assert db.session.scalar(select(Project.id).where(Project.stage == Stage.TALKS, Project.id == project.id))
    assert db.session.scalar(select(Transition).where(Transition.project_id == project.id)) is None


def _codes_named_in(vocabularies) -> set[str]:
    codes = {code for vocabulary in vocabularies for code in vocabulary.codes()}
    # "active" is also a column (users.active, policies.active): as a field name it is no state.
    columns = {column.name for table in db.metadata.sorted_tables for column in table.columns}
    return codes - columns


def _literals_outside_docstrings(tree: ast.AST):
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node


def test_no_state_code_is_spelled_out_outside_crm_domain():
    """Queries, services and forms name states through the enums (`Stage.SIGNED`, not "signed")."""
    codes = _codes_named_in((Stage, Status, Move, Verdict))
    found = []
    for path in sorted((ROOT / "crm").rglob("*.py")):
        # crm/bench writes raw rows for the benchmark (codes as data, like a fixture file).
        if {"domain", "bench"} & set(path.relative_to(ROOT / "crm").parts):
            continue
        for node in _literals_outside_docstrings(ast.parse(path.read_text(encoding="utf-8"))):
            if node.value in codes:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    assert found == []


def test_the_scan_sees_a_literal_and_ignores_docstrings():
    source = '"""Moves to "signed"."""\nx = "signed"  # "talks"\n'
    assert [n.value for n in _literals_outside_docstrings(ast.parse(source))] == ["signed"]


def _crm_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return {name for name in names if name == "crm" or name.startswith("crm.")}


def test_the_vocabularies_depend_on_nothing_in_crm_and_the_column_type_on_them_only():
    for path in (ROOT / "crm/domain").glob("*.py"):
        assert {m for m in _crm_imports(path) if not m.startswith("crm.domain")} == set(), path
    assert _crm_imports(ROOT / "crm/core/columns.py") == {"crm.domain"}
