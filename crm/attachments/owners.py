"""What a document can belong to: a project, a trip or a payout (DOMAIN §8).

The attachments layer sits below trips and payouts, so it cannot ask them who may see a trip or act
on a payout. Each owner registers here instead (trips and payouts in their feature's `setup`): its
URL word, its column on `attachments`, the check that loads the record for a user, and its page.
The project owner is registered by this package itself (projects sit below it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _

from crm.core.errors import NotFound
from crm.core.permissions import Action
from crm.projects.access import project_for, require_active_record


@dataclass(frozen=True)
class Owner:
    kind: str  # the URL word: /<kind>/<id>/attachments
    column: str  # the column of `attachments` that names the owner
    # check(actor, record_id, write) -> the record; NotFound if the actor may not see it,
    # PermissionDenied or Conflict if `write` and the actor may not attach to (or archive on) it now.
    check: Callable[[object, object, bool], object]
    page_url: Callable[[int], str]  # the record's page, for redirects (the section's anchor is added)


_OWNERS: dict[str, Owner] = {}


def register_owner(owner: Owner) -> None:
    _OWNERS[owner.kind] = owner  # idempotent: every app built in one process registers the same


def owner(kind: str) -> Owner:
    if kind not in _OWNERS:
        raise NotFound(_("页面不存在。"))
    return _OWNERS[kind]


def owner_of(attachment) -> tuple[Owner, int]:
    """The registered owner of an attachment and its record id."""
    for candidate in _OWNERS.values():
        record_id = getattr(attachment, candidate.column)
        if record_id is not None:
            return candidate, record_id
    raise NotFound(_("附件不存在，或您无权查看。"))


def _check_project(actor, project_id, write: bool):
    project = project_for(actor, project_id, Action.WRITE if write else Action.READ)
    if write:
        require_active_record(project)
    return project


PROJECT = Owner("projects", "project_id", _check_project,
                lambda record_id: url_for("projects.detail", project_id=record_id))
register_owner(PROJECT)
