"""What the API accepts, documented from the same model columns as its output (crm/core/schema.py).

These schemas only describe request bodies for /api/v1/openapi.json; the services parse and check
every value (crm/core/parsing.py) and answer bad input with a Chinese 422.
"""

from __future__ import annotations

from marshmallow import fields, validate

from crm.api.schemas import ProjectSchema
from crm.auth.models import User
from crm.core.schema import Shape, column_field
from crm.domain import IncentiveCondition, Move, Stage, Verdict
from crm.pipeline.models import (
    Commitment,
    Contract,
    IncentiveTerm,
    LandSupply,
    MeetingApproval,
    Permit,
)
from crm.projects.models import Project, ProjectContact
from crm.projects.services import EDITABLE_FIELDS
from crm.screening.models import Screening
from crm.screening.services import FIGURES


def _optional(model, name: str, **kwargs) -> fields.Field:
    return column_field(model, name, required=False, **kwargs)


class ContactInputSchema(Shape):
    name = column_field(ProjectContact, "name")
    title = column_field(ProjectContact, "title")
    phone = column_field(ProjectContact, "phone")


class ProjectInputSchema(ProjectSchema):
    """The editable project fields; required are the columns that may not be empty."""

    contacts = fields.List(fields.Nested(ContactInputSchema), validate=validate.Length(max=10))


class ProjectPatchSchema(ProjectSchema):
    version = fields.Integer(required=True)


def project_input() -> ProjectInputSchema:
    return ProjectInputSchema(only=(*EDITABLE_FIELDS, "contacts"))


def project_patch() -> ProjectPatchSchema:
    """Any editable field, with the `version` the client read."""
    return ProjectPatchSchema(only=(*EDITABLE_FIELDS, "version"), partial=EDITABLE_FIELDS)


class CommitmentInputSchema(Shape):
    due_date = _optional(Commitment, "due_date")
    amount_wan = _optional(Commitment, "amount_wan")
    description = _optional(Commitment, "description")


class IncentiveTermInputSchema(Shape):
    kind = _optional(IncentiveTerm, "kind")
    cap_wan = _optional(IncentiveTerm, "cap_wan")
    description = _optional(IncentiveTerm, "description")
    condition_stage = _optional(IncentiveTerm, "condition_stage", validate=validate.OneOf(IncentiveCondition.codes()))


class TransitionInputSchema(Shape):
    """Each stage's gate reads its own fields; the columns they are stored in give their types."""

    to = fields.String(required=True, validate=validate.OneOf(Move.codes()))
    effective_date = fields.Date(required=True)
    version = fields.Integer()
    meeting_name = _optional(MeetingApproval, "meeting_name")
    minutes_no = _optional(MeetingApproval, "minutes_no")
    conditions = _optional(MeetingApproval, "conditions")
    contract_no = _optional(Contract, "contract_no")
    contract_investment_wan = _optional(Contract, "contract_investment_wan", allow_none=True)
    agreed_start_date = _optional(Contract, "agreed_start_date", allow_none=True)
    agreed_production_date = _optional(Contract, "agreed_production_date", allow_none=True)
    commitments = fields.List(fields.Nested(CommitmentInputSchema))
    incentive_terms = fields.List(fields.Nested(IncentiveTermInputSchema))
    land_area_mu = _optional(LandSupply, "land_area_mu", allow_none=True)
    land_certificate_no = _optional(LandSupply, "certificate_no")
    reason = fields.String(metadata={"description": "dropped: the drop reason's code or its label, from "
                                                    "/api/v1/reference/drop_reason (e.g. 企业战略调整); "
                                                    "correction: why"})
    note = fields.String()
    to_stage = fields.String(validate=validate.OneOf(Stage.codes()))


class PermitDoneSchema(Shape):
    done_date = column_field(Permit, "done_date", required=True, allow_none=False)
    reference_no = _optional(Permit, "reference_no")
    note = _optional(Permit, "note")
    version = fields.Integer(required=True)
    reason = fields.String(metadata={"description": "only to correct a permit already done: why (required then)"})


class ScreeningInputSchema(Shape):
    """The project's figures, overridden for this screening only."""

    class Meta(Shape.Meta):
        include = {name: _optional(Project, name) for name in FIGURES} | {
            "industry_code": _optional(Project, "industry_code", validate=validate.Regexp("^[0-9]{2}$"))}


class DecisionSchema(Shape):
    verdict = column_field(Screening, "verdict", required=True, allow_none=False,
                           validate=validate.OneOf(Verdict.codes()))
    comment = column_field(Screening, "comment", required=True, allow_none=False)
    conditions = _optional(Screening, "conditions")
    negative_list_confirmed = fields.Boolean(required=True)


class TokenRequestSchema(Shape):
    username = column_field(User, "username", required=True)
    password = fields.String(required=True, validate=validate.Length(max=128))
