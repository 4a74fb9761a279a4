"""The screening section of the project page (registered in crm/screening/feature.py)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from crm.extensions import db
from crm.screening.current import current_of
from crm.screening.models import Screening
from crm.screening.scoring import INDICATOR_LABELS, INDICATORS


def project_section(actor, project) -> dict:
    screenings = list(db.session.scalars(
        select(Screening).options(joinedload(Screening.signed_by))
        .where(Screening.project_id == project.id).order_by(Screening.id.desc())))
    return {"current_screening": current_of(screenings), "screenings": screenings}


def threshold_rows(screening) -> list[dict]:
    """The thresholds table: indicator, value, threshold, met / not met / veto / not applicable, points."""
    policy = screening.policy
    limits = {"tax_per_mu": ("≥", policy.min_tax_per_mu, policy.weight_tax),
              "investment_intensity": ("≥", policy.min_investment_intensity, policy.weight_intensity),
              "output_per_mu": ("≥", policy.min_output_per_mu, policy.weight_output),
              "energy_per_output": ("≤", policy.max_energy_per_output, policy.weight_energy),
              "industry_fit": ("", None, policy.weight_industry)} if policy else {}
    rows = []
    for name in INDICATORS:
        sign, limit, weight = limits.get(name, ("", None, None))
        vetoed = f"below:{name}" in screening.vetoes or (name == "industry_fit" and screening.industry_fit == "veto")
        score = screening.scores.get(name)
        rows.append({"name": name, "label": INDICATOR_LABELS[name], "value": screening.indicators.get(name),
                     "sign": sign, "limit": limit, "weight": weight, "score": score,
                     "na": screening.not_applicable.get(name), "veto": vetoed,
                     "met": bool(screening.met.get(name))})
    return rows
