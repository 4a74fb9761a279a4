"""Project web views (ledger, page, forms)."""

from flask import Blueprint

bp = Blueprint("projects", __name__, url_prefix="/projects")
