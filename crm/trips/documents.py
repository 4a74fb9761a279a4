"""A trip's documents (photos, meeting notes): who may see and attach them, and the report sent with
its photos. The storage and the checks are the attachments layer's (crm/attachments); a trip
registers itself there as an owner in crm/trips/feature.py."""

from __future__ import annotations

from datetime import date

from flask import url_for
from flask_babel import gettext as _

from crm.attachments.owners import Owner, register_owner
from crm.attachments.services import attach, category_for
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.core.parsing import record_by_id
from crm.domain import TripState
from crm.trips.models import Trip
from crm.trips.report import report_trip
from crm.trips.services import may_read, may_write

KIND = "trips"
MAX_REPORT_FILES = 10  # photos and notes sent with one report


def check_trip(actor, trip_id, write: bool) -> Trip:
    """The trip, for someone who may see it; with `write`, only for who may report it (a traveller or
    the unit's people), before or with the report: a filed report keeps the documents it was filed with."""
    trip = record_by_id(Trip, trip_id)
    if trip is None or not may_read(actor, trip):
        raise NotFound(_("外出招商报备不存在，或您无权查看。"))
    if write:
        if not may_write(actor, trip):
            raise PermissionDenied(_("您没有权限为这次外出上传或归档附件。"))
        if trip.state == TripState.REPORTED:
            raise Conflict(_("外出报告已提交，附件须在提交报告前或随报告上传。"))
        if trip.state == TripState.CANCELLED:
            raise Conflict(_("行程已取消，不能再上传或归档附件。"))
    return trip


def register() -> None:
    register_owner(Owner(KIND, "trip_id", check_trip, lambda trip_id: url_for("trips.detail", trip_id=trip_id)))


def report_with_files(actor, trip: Trip, data: dict, version, files, *, today: date | None = None) -> Trip:
    """The report and the photos or notes sent with it, in one change: a refused file refuses the
    report too (and the other way round), so nothing half-sent is kept."""
    files = [f for f in files if f is not None and getattr(f, "filename", "")]
    if len(files) > MAX_REPORT_FILES:
        message = _("随报告最多上传 %(n)s 个文件。", n=MAX_REPORT_FILES)
        raise ValidationFailed(message, {"files": [message]})
    check_trip(actor, trip.id, True)
    for file_storage in files:  # attached while the trip is still approved, then reported
        attach(actor, KIND, trip.id, file_storage, category_for(file_storage.filename), _("随外出报告上传"))
    return report_trip(actor, trip, data, version, today=today)
