"""Issue 14 (first part): the project brief and the review-meeting pack as real PDFs, checked for their text."""

from __future__ import annotations

import io
import subprocess
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from crm.audit.models import AuditEntry
from crm.core.dates import local_today
from crm.core.pdf import LocalOnlyFetcher, render_pdf
from crm.extensions import db
from crm.pipeline import services as pipeline
from crm.reference.services import seed_default_lists
from crm.reports.models import PrintRecord
from tests.factories import ProjectFactory, gate_data, signed_screening

D0 = local_today() - timedelta(days=40)


@pytest.fixture
def setup(world):
    seed_default_lists()
    db.session.commit()
    return world


def _text(pdf: bytes) -> str:
    """The PDF's text as poppler's pdftotext reads it (what a reader's search finds)."""
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _signed_project(world, name="年产10万套新能源汽车电机项目"):
    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a, name=name, investor_uscc="91310000MA1FL8L971")
    signed_screening(project, world.leader, verdict="conditional", conditions="三年内亩均税收达到 20 万元")
    pipeline.apply_transition(world.staff_a, project, gate_data("approved", D0))
    pipeline.apply_transition(world.staff_a, project, gate_data("signed", D0 + timedelta(days=10), n=project.id))
    db.session.commit()
    return project


def test_a_project_brief_is_a_real_pdf_with_its_facts_in_chinese(setup, auth, client):
    project = _signed_project(setup)
    auth.login("staff_a")
    response = client.get(f"/projects/{project.id}/brief.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _text(response.data)
    for expected in ("年产10万套新能源汽车电机项目", "91310000MA1FL8L971", "先进制造产业招商组", "李晓燕",
                     "5.00 亿元", "阶段进程", "签约", "HT-", "三年内亩均税收达到 20 万元", "设备补助",
                     "示范市投资促进局", "内部资料 注意保存", "数据截至"):
        assert expected in text, expected
    assert "第1页共" in "".join(text.split())  # "第 x 页 共 y 页" in every footer
    assert 1 <= len(PdfReader(io.BytesIO(response.data)).pages) <= 2


def test_the_cjk_font_is_embedded_and_subset(setup, auth, client):
    project = _signed_project(setup)
    auth.login("staff_a")
    pdf = client.get(f"/projects/{project.id}/brief.pdf").data
    fonts = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    cjk = [f for f in fonts if "NotoSansCJK" in f.replace(" ", "").replace("-", "")]
    assert not [f for f in fonts if "Serif" in f], "every text, margins included, uses the sans font named in the CSS"
    assert cjk, fonts
    assert all("+" in f for f in cjk), "a subset font's name carries a six-letter tag and a plus"


def test_another_units_project_brief_is_not_found_and_printing_is_recorded(setup, auth, client):
    project = _signed_project(setup)
    auth.login("staff_b")
    assert client.get(f"/projects/{project.id}/brief.pdf").status_code == 404
    assert db.session.scalar(select(func.count()).select_from(PrintRecord)) == 0
    auth.logout()
    auth.login("leader")
    assert client.get(f"/projects/{project.id}/brief.pdf").status_code == 200
    record = db.session.scalar(select(PrintRecord))
    assert record.document == "brief" and record.project_ids == [project.id] and record.printed_by_id == setup.leader.id
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.record_type == "print_records")) == 1


def test_a_meeting_pack_has_a_cover_contents_agenda_and_each_brief(setup, auth, client):
    first = _signed_project(setup, "甲项目：年产5万吨正极材料")
    second = _signed_project(setup, "乙项目：智能装备产业园")
    auth.login("leader")
    url = (f"/reports/meeting-pack.pdf?project_id={first.id}&project_id={second.id}"
           f"&meeting_name=2026年第12次项目评审会&meeting_date={local_today().isoformat()}")
    response = client.get(url)
    assert response.status_code == 200
    text = _text(response.data)
    for expected in ("2026年第12次项目评审会", "目录", "议程", "甲项目：年产5万吨正极材料", "乙项目：智能装备产业园", "有条件通过"):
        assert expected in text, expected
    pages = len(PdfReader(io.BytesIO(response.data)).pages)
    assert pages >= 4 and f"第{pages}页共{pages}页" in "".join(text.split())


@pytest.mark.parametrize("query,message", [
    ("meeting_name=评审会&meeting_date=2026-11-20", "请至少选择一个项目"),
    ("project_id=1&meeting_date=2026-11-20", "会议名称"),
    ("project_id=1&meeting_name=评审会&meeting_date=2026-13-40", "会议日期"),
])
def test_a_bad_meeting_pack_request_is_explained_not_a_crash(setup, auth, client, query, message):
    auth.login("leader")
    response = client.get(f"/reports/meeting-pack.pdf?{query}")
    assert response.status_code == 422
    assert message in response.text


def test_too_many_projects_in_one_pack_are_refused(setup, auth, client, app):
    app.config["MEETING_PACK_LIMIT"] = 2
    auth.login("leader")
    response = client.get("/reports/meeting-pack.pdf?project_id=1&project_id=2&project_id=3&meeting_name=x"
                          "&meeting_date=2026-11-20")
    assert response.status_code == 422 and "一次最多 2 个项目" in response.text


def test_names_with_html_long_words_and_rare_characters_print_safely(setup, auth, client):
    # A name fits 200 characters: markup, an unbreakable 150-letter word, a character outside the font.
    project = _signed_project(setup, "<script>alert(1)</script>" + "W" * 150 + "𠀀项目")
    auth.login("staff_a")
    response = client.get(f"/projects/{project.id}/brief.pdf")
    assert response.status_code == 200
    flat = "".join(_text(response.data).split())  # the long word wraps inside the page, not off it
    assert "<script>alert(1)</script>" + "W" * 150 in flat  # printed whole, as text, not run


def test_the_url_fetcher_refuses_outside_urls(app):
    fetcher = LocalOnlyFetcher(app.static_folder)
    html = ('<img src="http://example.invalid/logo.png"><link rel="stylesheet" href="https://cdn.example/x.css">'
            '<p>内部资料</p>')
    with app.test_request_context():
        pdf = render_pdf(html, fetcher)
    assert pdf.startswith(b"%PDF")
    assert sorted(fetcher.refused) == ["http://example.invalid/logo.png", "https://cdn.example/x.css"]


def test_the_brief_renders_to_an_image(setup, auth, client, tmp_path):
    project = _signed_project(setup)
    auth.login("staff_a")
    pdf = tmp_path / "brief.pdf"
    pdf.write_bytes(client.get(f"/projects/{project.id}/brief.pdf").data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))
