"""The screening section of the project page (registered in crm/screening/feature.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.extensions import db
from crm.screening.current import current_screening
from crm.screening.models import Screening


def project_section(actor, project) -> dict:
    return {
        "current_screening": current_screening(project),
        "screenings": list(db.session.scalars(
            select(Screening).options(selectinload(Screening.signed_by))
            .where(Screening.project_id == project.id).order_by(Screening.id.desc()))),
    }
