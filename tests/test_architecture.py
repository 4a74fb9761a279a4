"""Guards for issue 8's shape: decisions that must live in exactly one place stay there."""

from __future__ import annotations

import re
from pathlib import Path

CRM = Path(__file__).resolve().parent.parent / "crm"
TEMPLATES = CRM.parent / "templates"

# A user's role compared to a role, or a role named, anywhere but the permission helper (and the
# definitions of the roles themselves, and the demo data that assigns them).
ROLES = r"(Role\.(STAFF|UNIT_HEAD|LEADER|VIEWER|ADMIN)\b|[\"'](staff|unit_head|leader|viewer|admin)[\"'])"
ROLE_DECISION = re.compile(r"\brole\s*(==|!=|\bin\b|\bnot\s+in\b)|(==|!=)\s*" + ROLES + "|" + ROLES + r"\s*(==|!=)"
                           r"|\bin\s*[({\[]\s*" + ROLES)
ROLE_ALLOWED = {"core/permissions.py", "auth/models.py", "domain/vocab.py", "domain/__init__.py", "domain/roles.py"}


def _python_files():
    for path in sorted(CRM.rglob("*.py")):
        rel = path.relative_to(CRM).as_posix()
        if not rel.startswith(("demo/", "translations/")):
            yield rel, path.read_text(encoding="utf-8")


def test_every_permission_decision_goes_through_the_permission_helper():
    offenders = [f"crm/{rel}:{n}: {line.strip()}" for rel, text in _python_files() if rel not in ROLE_ALLOWED
                 for n, line in enumerate(text.splitlines(), start=1)
                 if ROLE_DECISION.search(line) and not line.strip().startswith("#")]
    offenders += [f"templates/{p.relative_to(TEMPLATES)}:{n}" for p in TEMPLATES.rglob("*.html")
                  for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
                  if re.search(r"\.role\s*(==|!=|\bin\b)", line)]
    assert offenders == [], "compare roles only in crm/core/permissions.py:\n" + "\n".join(offenders)


def test_the_role_guard_would_catch_a_role_comparison():
    assert ROLE_DECISION.search('if actor.role != Role.LEADER:')
    assert ROLE_DECISION.search('can_sign=current_user.role == "leader"')
    assert ROLE_DECISION.search('if user.role in (Role.STAFF, Role.UNIT_HEAD):')
    assert not ROLE_DECISION.search('if can(actor, Action.SIGN_SCREENING):')
    assert not ROLE_DECISION.search('bp = Blueprint("admin", __name__)')



def test_packages_import_only_the_layers_below_them():
    """The dependency rule of docs/ARCHITECTURE.md, checked by import-linter (contract in .importlinter)."""
    import subprocess
    import sys

    linter = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(linter), "--config", str(CRM.parent / ".importlinter")], cwd=CRM.parent,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_no_import_of_our_own_code_hides_inside_a_function():
    """Imports inside functions were how features dodged their import cycles; with the layers kept,
    every import of crm stands at the top of its module."""
    import ast

    hidden = []
    for path in sorted(CRM.rglob("*.py")):
        rel = path.relative_to(CRM).as_posix()
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
                hidden += [f"crm/{rel}:{node.lineno} in {fn.name}()" for node in ast.walk(fn)
                           if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("crm")]
    assert hidden == [], "\n".join(hidden)
