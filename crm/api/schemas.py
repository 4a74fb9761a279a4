"""What the API returns, one schema per resource, generated from the model columns (crm/core/schema.py).

Each schema is used three ways: `dump()` in the endpoints, a component of /api/v1/openapi.json
(crm/api/openapi.py), and, for the project, the columns of the ledger's Excel export
(crm/projects/export.py). A new model column appears in all three by naming it here once.
Field order is the ledger's column order.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from marshmallow import fields, validate
from marshmallow_sqlalchemy import auto_field

from crm.attachments.models import Attachment
from crm.auth.models import User
from crm.core.schema import DECIMAL_NOTE, ModelSchema, Shape, column_field, computed, label_meta
from crm.domain import EnergyTier, FollowUpKind, IncentiveCondition, Stage, Verdict
from crm.followups.models import FollowUp
from crm.pipeline import permits as permit_rules
from crm.pipeline.models import IncentiveTerm, Permit, Transition
from crm.projects.schemas import ProjectFieldsSchema
from crm.reference.models import Chain, IndustryDivision
from crm.screening.models import Policy, Screening
from crm.screening.policies import POLICY_FIELDS
from crm.screening.scoring import veto_text
from crm.units.models import Unit

NULLABLE_STRING = ["string", "null"]


class IncentiveTermSchema(ModelSchema):
    class Meta:
        model = IncentiveTerm

    id = auto_field()
    kind = auto_field()
    cap_wan = auto_field()
    condition_stage = auto_field(validate=validate.OneOf(IncentiveCondition.codes()))
    description = auto_field()


class DuplicateSchema(Shape):
    """A possible duplicate investor; another unit's project is named only to those who may read it."""

    project_id = fields.Integer(allow_none=True)
    name = fields.String(allow_none=True)
    unit_id = fields.Integer()
    unit_name = fields.String()
    reason = fields.String()


class ProjectSchema(ProjectFieldsSchema):
    """The project over the API: its fields, and after signing its incentive terms and possible duplicates."""

    class Meta(ProjectFieldsSchema.Meta):
        pass

    incentive_terms = fields.List(fields.Nested(IncentiveTermSchema), dump_only=True)
    possible_duplicates = fields.List(fields.Nested(DuplicateSchema), dump_only=True)


# The list and transition responses carry neither terms nor duplicates; `_full` adds them.
PROJECT_EXTRAS = ("incentive_terms", "possible_duplicates")
project_schema = ProjectSchema(exclude=PROJECT_EXTRAS)
terms_schema = IncentiveTermSchema(many=True)
duplicates_schema = DuplicateSchema(many=True)


class TransitionSchema(ModelSchema):
    class Meta:
        model = Transition

    id = auto_field()
    from_ = auto_field("from_stage", data_key="from", validate=validate.OneOf(Stage.codes()))
    to = computed(lambda t: t.to_code, "string")
    kind = auto_field()
    from_status = auto_field()
    to_status = auto_field()
    effective_date = auto_field()
    actor = computed(lambda t: t.actor.username, "string")
    actor_id = auto_field()
    reason = auto_field()
    note = auto_field()
    created_at = auto_field()


class PermitSchema(ModelSchema):
    class Meta:
        model = Permit

    id = auto_field()
    project_id = auto_field()
    kind = auto_field()
    required = auto_field()
    due_date = auto_field()
    done_date = auto_field()
    reference_no = auto_field()
    note = auto_field()
    overdue = computed(permit_rules.is_overdue, "boolean")
    version = auto_field()


class FollowUpSchema(ModelSchema):
    class Meta:
        model = FollowUp

    id = auto_field()
    project_id = auto_field()
    followed_on = auto_field()
    kind = auto_field()
    kind_label = computed(lambda f: FollowUpKind(f.kind).title, "string")
    people = auto_field()
    notes = auto_field()
    next_action = auto_field()
    next_action_due = auto_field()
    next_action_owner_id = auto_field()
    next_action_owner_name = computed(
        lambda f: f.next_action_owner.name if f.next_action_owner else None, NULLABLE_STRING)
    next_action_done_at = auto_field()
    created_by_id = auto_field()
    version = auto_field()
    archived = computed(lambda f: f.archived_at is not None, "boolean")
    created_at = auto_field()
    updated_at = auto_field()


class AttachmentSchema(ModelSchema):
    class Meta:
        model = Attachment

    id = auto_field()
    project_id = auto_field()
    trip_id = auto_field()
    payout_id = auto_field()
    category = auto_field()
    filename = auto_field()
    content_type = auto_field()
    size_bytes = auto_field()
    sha256 = auto_field()
    note = auto_field()
    uploaded_by_id = auto_field()
    created_at = auto_field()
    archived = computed(lambda a: a.is_archived, "boolean")
    archived_at = auto_field()
    download_url = computed(lambda a: url_for("api.download_attachment", attachment_id=a.id), "string")


class UserSchema(ModelSchema):
    class Meta:
        model = User

    id = auto_field()
    username = auto_field()
    name = auto_field()
    role = auto_field()
    unit_id = auto_field()


class UnitSchema(ModelSchema):
    class Meta:
        model = Unit

    id = auto_field()
    name = auto_field()
    kind = auto_field()
    parent_id = auto_field()
    location = auto_field()
    archived = computed(lambda u: u.is_archived, "boolean")
    version = auto_field()


class ChainSchema(ModelSchema):
    class Meta:
        model = Chain

    id = auto_field()
    name = auto_field()
    description = auto_field()
    division_codes = fields.List(fields.String(validate=validate.Regexp("^[0-9]{2}$")), dump_only=True)
    archived = computed(lambda c: c.is_archived, "boolean")
    version = auto_field()


class IndustrySchema(ModelSchema):
    class Meta:
        model = IndustryDivision

    code = auto_field()
    name = auto_field()
    name_en = auto_field()
    section = auto_field("section_code")


INDICATOR_KEYS = ("tax_per_mu", "investment_intensity", "output_per_mu", "energy_per_output")


class ScreeningSchema(ModelSchema):
    class Meta:
        model = Screening

    id = auto_field()
    project_id = auto_field()
    policy_id = auto_field()
    policy_version = auto_field()
    inputs = auto_field()
    indicators = computed(lambda s: {k: s.indicators.get(k) for k in INDICATOR_KEYS}, "object", properties={
        k: {"type": ["string", "null"], "description": "exact figure as text; null when not applicable"}
        for k in INDICATOR_KEYS})
    not_applicable = auto_field()
    scores = auto_field()
    industry_fit = auto_field()
    vetoes = fields.List(fields.String(), dump_only=True)
    veto_reasons = computed(lambda s: [veto_text(v, _) for v in s.vetoes], "array")
    energy_review_tier = auto_field(validate=validate.OneOf(EnergyTier.codes()))
    score = auto_field()
    proposed_verdict = auto_field(validate=validate.OneOf(Verdict.codes()))
    verdict = auto_field(validate=validate.OneOf(Verdict.codes()))
    comment = auto_field()
    conditions = auto_field()
    negative_list_confirmed = auto_field()
    signed_by_id = auto_field()
    signed_at = auto_field()
    superseded = computed(lambda s: s.superseded_at is not None, "boolean")
    created_at = auto_field()


def _policy_fields() -> dict:
    """Every field a policy version has (crm/screening/policies.py POLICY_FIELDS), from its columns."""
    columns = Policy.__table__.columns
    return {name: (fields.List(fields.String(), metadata=label_meta(columns[name].info["label"]))
                   if isinstance(columns[name].type, sa.JSON) else column_field(Policy, name))
            for name in POLICY_FIELDS} | {
        name: column_field(Policy, name) for name in ("id", "family_id", "version", "active", "created_at")}


class PolicySchema(Shape):
    """A screening policy version; `used` (screened with: no longer editable) is set by the caller."""

    class Meta(Shape.Meta):
        include = _policy_fields()

    used = fields.Boolean(dump_only=True)


class ErrorBodySchema(Shape):
    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True,
                          data_key="fields")


class ErrorSchema(Shape):
    """Every error: {"error": {code, message, fields}} (crm/api/base.py ApiError, crm/core/errors.py)."""

    error = fields.Nested(ErrorBodySchema)


class TokenSchema(Shape):
    token = fields.String()
    token_type = fields.String()
    expires_in = fields.Integer()


class ReferenceItemSchema(Shape):
    code = fields.String(required=True)
    label = fields.String(required=True)


class ReferenceListSchema(Shape):
    kind = fields.String()
    items = fields.List(fields.Nested(ReferenceItemSchema))


def decimal_doc(nullable: bool = True) -> dict:
    """How an exact decimal is documented: returned as a string, accepted as string or number."""
    return {"type": ["string", "number"] + (["null"] if nullable else []), "description": DECIMAL_NOTE}

