"""Outbound investment trips (外出招商报备) over the API (DOMAIN §9): the same services as the screens."""

from flask import request
from flask_babel import gettext as _

from crm.api import bp, openapi
from crm.api.base import api_user, commit_after, doc, json_body, paginated
from crm.api.projects import serialize_project
from crm.core.dates import local_today
from crm.core.errors import NotFound
from crm.core.parsing import record_by_id
from crm.trips import queries, report, services
from crm.trips import schemas as trip_schemas
from crm.trips.models import Trip, TripTarget

# The trip's components and query parameters in /api/v1/openapi.json, named here once.
openapi.RESOURCES |= {"Trip": trip_schemas.TripSchema}
openapi.INPUTS |= {"TripInput": trip_schemas.TripInputSchema, "TripPatch": trip_schemas.TripPatchSchema,
                   "TripMove": trip_schemas.TripMoveSchema, "TripReport": trip_schemas.TripReportSchema,
                   "LeadInput": trip_schemas.LeadInputSchema}
openapi.PAGES |= {"TripPage": "Trip"}
openapi.PARAMS |= {name: {"name": name, "in": "query", "schema": {"type": kind}} for name, kind in (
    ("traveller_id", "integer"), ("destination", "string"), ("from", "string"), ("to", "string"),
    ("state", "string"), ("late", "boolean"), ("overdue", "boolean"))}

serialize_trip = trip_schemas.TripSchema().dump
FILTERS = ("unit_id", "traveller_id", "destination", "from", "to", "state", "late", "overdue", "page", "per_page")


def _trip(trip_id: int) -> Trip:
    """The trip, or a 404 that does not tell whether it exists to someone who may not read it."""
    trip = record_by_id(Trip, trip_id)
    if trip is None or not services.may_read(api_user(), trip):
        raise NotFound(_("外出招商报备不存在，或您无权查看。"))
    return trip


def _target(trip: Trip, target_id: int) -> TripTarget:
    target = record_by_id(TripTarget, target_id)
    if target is None or target.trip_id != trip.id:
        raise NotFound(_("拜访对象不存在。"))
    return target


def _fields(body: dict) -> dict:
    return {k: body[k] for k in services.FIELDS if k in body}


@bp.get("/trips")
@doc("Trips the caller may read, newest departure first", params=FILTERS, statuses=(401, 422), response="TripPage")
def list_trips():
    filters = queries.TripFilters.from_args(request.args)
    stmt = queries.with_people(queries.trip_list(api_user(), filters, local_today()))
    return paginated(stmt, serialize_trip)


@bp.post("/trips")
@doc("File a trip as a draft (submit it with /submit)", body="TripInput", statuses=(400, 401, 403, 422),
     ok_status=201, response="Trip")
@commit_after
def create_trip():
    return serialize_trip(services.create_trip(api_user(), _fields(json_body()))), 201


@bp.get("/trips/<int:trip_id>")
@doc("One trip with its targets", statuses=(401, 404), response="Trip")
def get_trip(trip_id: int):
    return serialize_trip(_trip(trip_id))


@bp.patch("/trips/<int:trip_id>")
@doc("Change a draft or returned trip; carries the version (409 when someone saved in between)",
     body="TripPatch", statuses=(400, 401, 403, 404, 409, 422), response="Trip")
@commit_after
def update_trip(trip_id: int):
    trip, body = _trip(trip_id), json_body()
    return serialize_trip(services.update_trip(api_user(), trip, _fields(body), body.get("version")))


@bp.post("/trips/<int:trip_id>/submit")
@doc("Submit for approval; on or after the departure date a late filing (补报) needing late_reason",
     body="TripMove", statuses=(400, 401, 403, 404, 409, 422), response="Trip")
@commit_after
def submit_trip(trip_id: int):
    trip, body = _trip(trip_id), json_body()
    return serialize_trip(services.submit_trip(api_user(), trip, body.get("version"),
                                               late_reason=body.get("late_reason")))


@bp.post("/trips/<int:trip_id>/approve")
@doc("Approve a submitted trip (unit head for staff, a leader for unit heads and leaders; never one's own)",
     body="TripMove", statuses=(400, 401, 403, 404, 409, 422), response="Trip")
@commit_after
def approve_trip(trip_id: int):
    trip, body = _trip(trip_id), json_body()
    return serialize_trip(services.approve_trip(api_user(), trip, body.get("version"), body.get("comment")))


@bp.post("/trips/<int:trip_id>/reject")
@doc("Return a submitted trip with a comment; it can be revised and submitted again", body="TripMove",
     statuses=(400, 401, 403, 404, 409, 422), response="Trip")
@commit_after
def reject_trip(trip_id: int):
    trip, body = _trip(trip_id), json_body()
    return serialize_trip(services.reject_trip(api_user(), trip, body.get("version"), body.get("comment")))


@bp.post("/trips/<int:trip_id>/cancel")
@doc("Cancel a trip (an approved one only before it starts); it stays in the record", body="TripMove",
     statuses=(400, 401, 403, 404, 409, 422), response="Trip")
@commit_after
def cancel_trip(trip_id: int):
    trip, body = _trip(trip_id), json_body()
    return serialize_trip(services.cancel_trip(api_user(), trip, body.get("version"), body.get("reason")))


@bp.post("/trips/<int:trip_id>/report")
@doc("Report on an approved trip after its return date, once: each target visited or not, the outcome, expenses",
     body="TripReport", statuses=(400, 401, 403, 404, 409, 422), response="Trip")
@commit_after
def report_trip(trip_id: int):
    trip, body = _trip(trip_id), json_body()
    return serialize_trip(report.report_trip(api_user(), trip, body, body.get("version")))


@bp.post("/trips/<int:trip_id>/targets/<int:target_id>/lead")
@doc("Turn a target into a new project (source trip), linked to the target", body="LeadInput",
     statuses=(400, 401, 403, 404, 409, 422), ok_status=201, response="Project")
@commit_after
def create_lead(trip_id: int, target_id: int):
    trip = _trip(trip_id)
    project = report.create_lead(api_user(), _target(trip, target_id), json_body())
    return serialize_project(project), 201
