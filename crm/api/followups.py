"""Follow-up records (跟进记录) of a project over the API: same services as the web views."""


from flask_babel import gettext as _

from crm.api import bp
from crm.api.base import api_user, commit_after, doc, json_body, paginated
from crm.api.schemas import FollowUpSchema
from crm.core.errors import NotFound
from crm.core.parsing import record_by_id
from crm.core.permissions import Action
from crm.followups import services
from crm.followups.models import FollowUp
from crm.projects.access import project_for

DATE_FIELDS = ("followed_on", "next_action_due")
TEXT_FIELDS = ("kind", "people", "notes", "next_action")


serialize_follow_up = FollowUpSchema().dump


def _follow_up_data(body: dict) -> dict:
    """The follow-up fields present in `body`; the service parses and checks them (crm.core.parsing)."""
    return {name: body[name] for name in (*DATE_FIELDS, *TEXT_FIELDS, "next_action_owner_id") if name in body}


def _follow_up_for_write(follow_up_id: int) -> FollowUp:
    follow_up = record_by_id(FollowUp, follow_up_id)
    if follow_up is None:
        raise NotFound(_("跟进记录不存在，或您无权查看。"))
    project_for(api_user(), follow_up.project_id, Action.WRITE)
    return follow_up


@bp.get("/projects/<int:project_id>/followups")
@doc("Follow-up records (跟进记录) of a project, newest first", params=("page", "per_page"),
     statuses=(401, 404, 422), response="FollowUpPage")
def list_follow_ups(project_id: int):
    project = project_for(api_user(), project_id, Action.READ)
    return paginated(services.follow_ups_stmt(project), serialize_follow_up)


@bp.post("/projects/<int:project_id>/followups")
@doc("Record a follow-up, optionally with a next action (needs next_action_due and next_action_owner_id)",
     statuses=(400, 401, 403, 404, 422), ok_status=201, response="FollowUp")
@commit_after
def create_follow_up(project_id: int):
    project = project_for(api_user(), project_id, Action.WRITE)
    data = _follow_up_data(json_body())
    follow_up = services.add_follow_up(api_user(), project, data)
    return serialize_follow_up(follow_up), 201


@bp.patch("/followups/<int:follow_up_id>")
@doc("Change a follow-up; carries the record's version (409 when someone saved in between)",
     statuses=(400, 401, 403, 404, 409, 422), response="FollowUp")
@commit_after
def update_follow_up(follow_up_id: int):
    follow_up = _follow_up_for_write(follow_up_id)
    body = json_body()
    services.update_follow_up(api_user(), follow_up, _follow_up_data(body), body.get("version"))
    return serialize_follow_up(follow_up)


@bp.post("/followups/<int:follow_up_id>/done")
@doc("Mark a follow-up's next action done; carries the record's version", statuses=(400, 401, 403, 404, 409, 422),
     response="FollowUp")
@commit_after
def complete_follow_up(follow_up_id: int):
    follow_up = _follow_up_for_write(follow_up_id)
    services.complete_next_action(api_user(), follow_up, json_body().get("version"))
    return serialize_follow_up(follow_up)


@bp.post("/followups/<int:follow_up_id>/archive")
@doc("Archive a follow-up (kept, no longer listed); carries the record's version",
     statuses=(400, 401, 403, 404, 409), response="FollowUp")
@commit_after
def archive_follow_up(follow_up_id: int):
    follow_up = _follow_up_for_write(follow_up_id)
    services.archive_follow_up(api_user(), follow_up, json_body().get("version"))
    return serialize_follow_up(follow_up)
