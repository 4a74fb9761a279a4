"""Issue 8: a project field is declared once (its model column) and the API output, the OpenAPI document,
the ledger's Excel export and the history table all read that one declaration, so they cannot drift."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from io import BytesIO

import pytest
import sqlalchemy as sa
from marshmallow_sqlalchemy import auto_field
from openpyxl import load_workbook
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from crm.audit.services import field_label
from crm.core.schema import ModelSchema
from crm.extensions import db
from crm.projects.export import EXPORT_COLUMNS
from crm.reference.services import seed_default_lists
from tests.factories import ProjectFactory

EXTRAS = {"incentive_terms", "possible_duplicates"}  # only a project's own response carries these


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def _ledger_rows(client) -> list[tuple]:
    return list(load_workbook(BytesIO(client.get("/projects/export.xlsx").data)).active.iter_rows(values_only=True))


def test_api_openapi_excel_and_history_list_the_same_project_fields(setup, api, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, floor_area_m2=Decimal("1200.50"),
                             annual_electricity_wan_kwh=Decimal("35.25"), exchange_rate=None)
    api.login("staff_a")
    documented = api.get("/api/v1/openapi.json").json["components"]["schemas"]["Project"]["properties"]

    listed = api.get("/api/v1/projects").json["items"][0]
    assert set(listed) == set(documented) - EXTRAS
    assert set(api.get(f"/api/v1/projects/{project.id}").json) == set(documented) - {"incentive_terms"}

    # Every documented field with a label is a ledger column, headed by that label.
    auth.login("staff_a")
    headers, row = _ledger_rows(client)[:2]
    # Columns other features add (the pipeline's signing date and contracted investment) come last.
    own = len(headers) - sum(len(extra.headers) for extra in EXPORT_COLUMNS)
    assert headers[own:] == ("签约日期", "合同投资额（万元）")
    headers, row = headers[:own], row[:own]
    titled = {prop["title"]: key for key, prop in documented.items() if "title" in prop}
    assert sorted(headers) == sorted(titled) and len(headers) == len(titled)
    assert "年用电量（万千瓦时）" in headers and "租用厂房面积（平方米）" in headers  # the export had drifted
    # Only bookkeeping is left out of the ledger.
    assert set(documented) - set(titled.values()) == {"archived", "version"} | EXTRAS

    cells = {titled[header]: value for header, value in zip(headers, row, strict=True)}
    assert Decimal(listed["annual_electricity_wan_kwh"]) == cells["annual_electricity_wan_kwh"] == Decimal("35.25")
    assert listed["floor_area_m2"] == "1200.50" and cells["floor_area_m2"] == Decimal("1200.50")
    assert cells["unit_id"] == setup.unit_a.name and cells["owner_id"] == setup.staff_a.name
    assert cells["source"] == "以商招商" and cells["stage"] == "在谈" and cells["exchange_rate"] is None

    # The history table labels a change with the same column label.
    for key in ("annual_electricity_wan_kwh", "floor_area_m2", "total_investment_wan", "source"):
        assert field_label("projects", key) == documented[key]["title"]


def test_a_dropped_project_shows_its_reason_label_in_the_ledger_and_its_code_in_the_api(setup, api, auth, client):
    project = ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, status="dropped",
                             drop_reason_code="strategy_change")
    api.login("staff_a")
    assert api.get(f"/api/v1/projects/{project.id}").json["drop_reason"] == "strategy_change"
    auth.login("staff_a")
    headers, row = _ledger_rows(client)[:2]
    assert row[headers.index("终止原因")] == "企业战略调整"


def test_api_values_keep_their_shape(setup, api):
    """Decimals as text with their stored scale, dates as YYYY-MM-DD, moments in UTC with an offset."""
    ProjectFactory(unit=setup.unit_a, owner=setup.staff_a, total_investment_wan=Decimal("150000"),
                   exchange_rate=Decimal("7.1"))
    api.login("staff_a")
    item = api.get("/api/v1/projects").json["items"][0]
    assert item["total_investment_wan"] == "150000.00" and item["exchange_rate"] == "7.1000"
    assert item["created_at"].endswith("+00:00") and item["archived"] is False and item["jobs"] == 300


class _Base(DeclarativeBase):
    pass


class Colour(StrEnum):
    RED = "red"
    BLUE = "blue"

    @property
    def title(self) -> str:
        return {"red": "红", "blue": "蓝"}[self.value]


class _Swatch(_Base):
    """Coded columns either way a model declares them: a String with info choices, or an Enum."""

    __tablename__ = "swatches"
    id: Mapped[int] = mapped_column(primary_key=True)
    colour: Mapped[Colour] = mapped_column(
        sa.Enum(Colour, native_enum=False, create_constraint=True, values_callable=lambda e: [m.value for m in e]),
        info={"label": "颜色"})
    shade: Mapped[str] = mapped_column(sa.String(10), info={"label": "深浅", "choices": {"dark": "深"}})


def test_coded_columns_become_strings_with_their_codes_and_labels():
    class SwatchSchema(ModelSchema):
        class Meta:
            model = _Swatch

        id = auto_field()
        colour = auto_field()
        shade = auto_field()

    fields = SwatchSchema().fields
    assert fields["colour"].metadata["choices"] == {"red": "红", "blue": "蓝"}
    assert fields["shade"].metadata["choices"] == {"dark": "深"}
    assert fields["colour"].validators[0].choices == ["red", "blue"]
    assert SwatchSchema().dump(_Swatch(id=1, colour=Colour.BLUE, shade="dark")) == {
        "id": 1, "colour": "blue", "shade": "dark"}


def test_every_labelled_project_column_is_in_the_api_schema():
    """A new project column with a label cannot be forgotten: adding it to ProjectSchema (one line) puts it
    in the API, the OpenAPI document and the ledger export at once."""
    from crm.api.schemas import ProjectSchema
    from crm.projects.models import Project

    labelled = {c.key for c in Project.__table__.columns if c.info.get("label")}
    in_schema = {field.attribute or name for name, field in ProjectSchema().fields.items()}
    assert labelled <= in_schema, labelled - in_schema
