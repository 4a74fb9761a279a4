"""Service-layer errors. Web views turn them into flashed messages, the API into JSON."""

from __future__ import annotations


class ServiceError(Exception):
    status = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class ValidationFailed(ServiceError):
    status = 422
    code = "validation_failed"


class GateNotMet(ServiceError):
    status = 422
    code = "gate_not_met"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class Busy(ServiceError):
    """The database stayed locked by another writer past the busy timeout: try again shortly."""

    status = 503
    code = "busy"


class PermissionDenied(ServiceError):
    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    status = 404
    code = "not_found"
