"""The follow-up section of the project page (registered in crm/followups/feature.py)."""

from __future__ import annotations

from flask_babel import gettext as _

from crm.auth.models import User
from crm.core.dates import local_today
from crm.core.permissions import Action, can
from crm.domain import FollowUpKind
from crm.followups.forms import FollowUpActionForm, FollowUpForm
from crm.followups.services import follow_ups_for, owner_choices
from crm.projects.models import Project


def section_context(actor: User, project: Project) -> dict:
    """What the project page's follow-up section (templates/followups/_section.html) needs."""
    may_write = can(actor, Action.WRITE, project.unit_id) and project.archived_at is None
    form = None
    if may_write:
        form = FollowUpForm(formdata=None, followed_on=local_today(), kind="visit")
        form.next_action_owner_id.choices = [(None, _("（无）"))] + owner_choices(project)
    return {
        "follow_ups": follow_ups_for(project),
        "follow_up_form": form,
        "follow_up_action_form": FollowUpActionForm(formdata=None) if may_write else None,
        "can_write_follow_ups": may_write,
        "follow_up_kinds": FollowUpKind.labels(),
        "follow_up_today": local_today(),
    }
