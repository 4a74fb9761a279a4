"""Documents attached to a project: content checks, checksum storage, permissions, archive, API."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from flask import render_template
from flask_login import login_user
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from crm.attachments import page, services
from crm.attachments.models import Attachment
from crm.audit.models import AuditEntry
from crm.core.errors import ValidationFailed
from crm.extensions import db
from tests.conftest import csrf_token
from tests.factories import ProjectFactory

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"This program cannot be run in DOS mode."
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 20
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 14
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40


def ooxml(main_dir: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(f"{main_dir}document.xml", "<document/>")
    return buf.getvalue()


def plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("payload.bin", b"\x00\x01")
    return buf.getvalue()


@pytest.fixture
def storage(app, tmp_path, monkeypatch):
    """Attachments go under a throwaway instance folder (monkeypatch restores the real one)."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path / "attachments"


@pytest.fixture
def project(world):
    return ProjectFactory(unit=world.unit_a, owner=world.staff_a)


def stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def attachment_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def only_attachment() -> Attachment:
    db.session.expire_all()
    return db.session.scalars(select(Attachment)).one()


def upload(client, project_id, content: bytes, filename: str, category="contract", note=None, token_page="/"):
    token = csrf_token(client.get(token_page).text)
    data = {"file": (io.BytesIO(content), filename), "category": category, "csrf_token": token}
    if note is not None:
        data["note"] = note
    return client.post(f"/projects/{project_id}/attachments", data=data, content_type="multipart/form-data")


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.get("_flashes", []))


def post_archive(client, attachment_id):
    token = csrf_token(client.get("/").text)
    return client.post(f"/attachments/{attachment_id}/archive", data={"csrf_token": token})


def file_storage(content: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=filename)


# --- web upload and download ------------------------------------------------------------------


def test_upload_pdf_stores_by_checksum_and_downloads_with_chinese_name(client, auth, world, project, storage):
    auth.login("staff_a")
    response = upload(client, project.id, PDF, "合同.pdf", note="正式签约版本")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == f"/projects/{project.id}"
    assert location.fragment == "attachments"
    assert ("success", "附件已上传。") in flashes(client)

    attachment = only_attachment()
    sha = hashlib.sha256(PDF).hexdigest()
    assert attachment.sha256 == sha
    assert attachment.filename == "合同.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.size_bytes == len(PDF)
    assert attachment.category == "contract"
    assert attachment.note == "正式签约版本"
    assert attachment.uploaded_by_id == world.staff_a.id
    assert attachment.storage_key == f"{sha[:2]}/{sha}"
    assert (storage / sha[:2] / sha).read_bytes() == PDF

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "attachments")).one()
    assert entry.action == "insert" and entry.actor_id == world.staff_a.id and entry.source == "web"
    assert entry.changes["sha256"] == [None, sha]

    download = client.get(f"/attachments/{attachment.id}/download")
    assert download.status_code == 200
    assert download.data == PDF
    assert download.mimetype == "application/pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert "filename*=UTF-8''" in disposition
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "合同.pdf"
    download.close()


def test_same_content_twice_is_two_records_and_one_file(client, auth, world, project, storage):
    auth.login("staff_a")
    assert upload(client, project.id, PDF, "合同.pdf").status_code == 302
    assert upload(client, project.id, PDF, "合同副本.pdf", category="other").status_code == 302
    assert attachment_count() == 2
    assert len(stored_files(storage)) == 1


def test_renamed_executable_is_refused_and_nothing_stored(client, auth, world, project, storage):
    auth.login("staff_a")
    response = upload(client, project.id, EXE, "合同.pdf")
    assert response.status_code == 302
    assert ("danger", "不允许上传可执行程序。") in flashes(client)
    assert attachment_count() == 0
    assert stored_files(storage) == []


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"", "空文件.pdf", "文件为空，请选择有内容的文件。"),
    (PNG, "照片.pdf", "文件内容与扩展名 .pdf 不符，已拒绝上传。"),
    (PDF, "合同.png", "文件内容与扩展名 .png 不符，已拒绝上传。"),
    (EXE, "setup.exe", "不允许上传可执行程序。"),
    (PDF, "合同.html", None),
    (PDF, "合同", "文件名缺少扩展名，无法判断文件类型。"),
])
def test_bad_uploads_are_refused_in_chinese(client, auth, world, project, storage, content, filename, message):
    auth.login("staff_a")
    assert upload(client, project.id, content, filename).status_code == 302
    errors = [text for category, text in flashes(client) if category == "danger"]
    assert errors, "a refusal must be explained"
    if message:
        assert message in errors
    else:
        assert errors[0].startswith("不支持的文件类型")
    assert attachment_count() == 0
    assert stored_files(storage) == []


def test_oversize_file_is_refused(app, client, auth, world, project, storage, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", len(PDF))
    auth.login("staff_a")
    upload(client, project.id, PDF + b"x", "大文件.pdf")
    errors = [text for category, text in flashes(client) if category == "danger"]
    assert errors and errors[0].startswith("文件过大")
    assert attachment_count() == 0 and stored_files(storage) == []

    upload(client, project.id, PDF, "刚好.pdf")  # exactly at the limit is fine
    assert attachment_count() == 1


def test_missing_file_and_bad_category_are_refused(client, auth, world, project, storage):
    auth.login("staff_a")
    token = csrf_token(client.get("/").text)
    client.post(f"/projects/{project.id}/attachments", data={"category": "contract", "csrf_token": token},
                content_type="multipart/form-data")
    assert ("danger", "请选择要上传的文件。") in flashes(client)
    upload(client, project.id, PDF, "合同.pdf", category="secret")
    assert any(category == "danger" for category, _text in flashes(client))
    assert attachment_count() == 0


def test_path_traversal_in_filename_is_neutralised(client, auth, world, project, storage, tmp_path):
    auth.login("staff_a")
    upload(client, project.id, PDF, "../../etc/passwd.pdf")
    attachment = only_attachment()
    assert attachment.filename == "passwd.pdf"
    assert not (tmp_path / "etc").exists()
    assert [p.relative_to(storage).as_posix() for p in stored_files(storage)] == [attachment.storage_key]


@pytest.mark.parametrize(("raw", "expected"), [
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("..\\..\\windows\\system32\\合同.pdf", "合同.pdf"),
    ("C:\\Users\\张伟\\桌面\\会议纪要（第3次）.docx", "会议纪要（第3次）.docx"),
    ("bad\x00na\x1fme\n.pdf", "badname.pdf"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    ("  ..hidden.pdf ", "hidden.pdf"),
    ('a<b>:c"d|e?f*.txt', "a_b__c_d_e_f_.txt"),
    ("..", ""),
])
def test_sanitise_filename(raw, expected):
    assert services.sanitise_filename(raw) == expected


def test_long_filename_is_cut_to_255_keeping_the_extension():
    name = services.sanitise_filename("招" * 300 + ".pdf")
    assert len(name) == 255 and name.endswith("招.pdf")


@pytest.mark.parametrize(("content", "filename", "content_type"), [
    (PDF, "a.pdf", "application/pdf"),
    (PNG, "a.PNG", "image/png"),
    (JPEG, "a.jpg", "image/jpeg"),
    (JPEG, "a.jpeg", "image/jpeg"),
    (GIF, "a.gif", "image/gif"),
    (WEBP, "a.webp", "image/webp"),
    (ooxml("word/"), "a.docx", services.DOCX),
    (ooxml("xl/"), "a.xlsx", services.XLSX),
    (ooxml("ppt/"), "a.pptx", services.PPTX),
    (OLE, "a.doc", "application/msword"),
    (OLE, "a.xls", "application/vnd.ms-excel"),
    ("会议纪要：双方同意推进。\n".encode(), "a.txt", "text/plain; charset=utf-8"),
])
def test_accepted_types_are_detected_by_content(content, filename, content_type):
    assert services.check_content(content, filename) == content_type


@pytest.mark.parametrize(("content", "filename"), [
    (EXE, "a.pdf"), (EXE, "a.txt"), (EXE, "a.docx"), (b"\x7fELF\x02\x01\x01", "a.jpg"),
    (plain_zip(), "a.docx"), (ooxml("word/"), "a.xlsx"), (b"PK\x03\x04garbage", "a.pptx"),
    (OLE, "a.pdf"), (PDF, "a.doc"), ("会议纪要".encode("gbk"), "a.txt"), (b"text\x00with nul", "a.txt"),
    (b"RIFF\x00\x00\x00\x00WAVEfmt ", "a.webp"), (PDF, "a.exe"), (PDF, "a.svg"),
])
def test_mismatched_or_unsupported_content_is_refused(content, filename):
    with pytest.raises(ValidationFailed) as refused:
        services.check_content(content, filename)
    assert refused.value.fields["file"] == [refused.value.message]


# --- permissions ------------------------------------------------------------------------------


def test_other_unit_gets_404_on_download_upload_and_archive(app, client, auth, world, project, storage):
    attachment = services.store_attachment(world.staff_a, project, file_storage(PDF, "合同.pdf"), "contract", None)
    db.session.commit()
    auth.login("staff_b")
    assert client.get(f"/attachments/{attachment.id}/download").status_code == 404
    response = upload(client, project.id, PNG, "照片.png", category="photo")
    assert response.status_code == 404
    assert "项目不存在" in response.text
    assert post_archive(client, attachment.id).status_code == 404
    assert client.get("/attachments/999999/download").status_code == 404
    assert attachment_count() == 1 and len(stored_files(storage)) == 1


def test_anonymous_is_sent_to_login(client, world, project, storage):
    attachment = services.store_attachment(world.staff_a, project, file_storage(PDF, "合同.pdf"), "contract", None)
    db.session.commit()
    response = client.get(f"/attachments/{attachment.id}/download")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
    response = upload(client, project.id, PDF, "合同.pdf", token_page="/login")
    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"
    assert attachment_count() == 1


def test_upload_without_csrf_token_is_refused(client, auth, world, project, storage):
    auth.login("staff_a")
    response = client.post(f"/projects/{project.id}/attachments",
                           data={"file": (io.BytesIO(PDF), "合同.pdf"), "category": "contract"},
                           content_type="multipart/form-data")
    assert response.status_code == 400
    assert attachment_count() == 0


def test_viewer_can_download_but_not_upload_or_archive(client, auth, world, project, storage):
    attachment = services.store_attachment(world.staff_a, project, file_storage(PDF, "合同.pdf"), "contract", None)
    db.session.commit()
    auth.login("viewer")
    download = client.get(f"/attachments/{attachment.id}/download")
    assert download.status_code == 200 and download.data == PDF
    download.close()
    response = upload(client, project.id, PNG, "照片.png", category="photo")
    assert response.status_code == 403
    assert "没有权限" in response.text
    assert post_archive(client, attachment.id).status_code == 403
    assert attachment_count() == 1 and len(stored_files(storage)) == 1
    assert only_attachment().archived_at is None


def test_leader_and_unit_head_may_upload(client, auth, world, project, storage):
    for username in ("head_a", "leader"):
        auth.login(username)
        assert upload(client, project.id, PDF, f"{username}.pdf").status_code == 302
        auth.logout()
    assert attachment_count() == 2


def test_no_upload_to_an_archived_project(client, auth, world, storage):
    from crm.core.models import utcnow

    project = ProjectFactory(unit=world.unit_a, owner=world.staff_a, archived_at=utcnow())
    auth.login("staff_a")
    assert upload(client, project.id, PDF, "合同.pdf").status_code == 302
    assert ("danger", "项目已归档，不能再修改。") in flashes(client)
    assert attachment_count() == 0


# --- archive ----------------------------------------------------------------------------------


def test_archive_keeps_row_and_file_and_hides_it_from_the_list(client, auth, world, project, storage):
    kept = services.store_attachment(world.staff_a, project, file_storage(PDF, "合同.pdf"), "contract", None)
    other = services.store_attachment(world.staff_a, project, file_storage(PNG, "现场.png"), "photo", None)
    db.session.commit()
    kept_id, other_id = kept.id, other.id

    auth.login("staff_a")
    response = post_archive(client, kept_id)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == f"/projects/{project.id}"
    assert ("success", "附件已归档，文件仍保留备查。") in flashes(client)

    db.session.expire_all()
    archived = db.session.get(Attachment, kept_id)
    assert archived is not None and archived.archived_at is not None
    assert (storage / archived.storage_key).read_bytes() == PDF
    assert [a.id for a in services.attachments_for(project)] == [other_id]
    assert {a.id for a in services.attachments_for(project, include_archived=True)} == {kept_id, other_id}
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "attachments",
                                                        AuditEntry.record_id == kept_id)
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.action == "archive"

    download = client.get(f"/attachments/{kept_id}/download")  # archived, still on file
    assert download.status_code == 200 and download.data == PDF
    download.close()

    post_archive(client, kept_id)  # twice: explained, nothing changes
    assert ("danger", "该附件已归档。") in flashes(client)


# --- the project page's section ---------------------------------------------------------------


def test_section_lists_attachments_with_checksum_and_upload_form(app, world, project, storage):
    attachment = services.store_attachment(world.staff_a, project, file_storage(PDF, "合同.pdf"), "contract",
                                           "正式签约版本")
    archived = services.store_attachment(world.staff_a, project, file_storage(PNG, "旧照片.png"), "photo", None)
    services.archive_attachment(world.staff_a, archived)
    db.session.commit()

    with app.test_request_context("/"):
        login_user(world.staff_a)
        context = page.section_context(world.staff_a, project)
        assert [a.id for a in context["attachments"]] == [attachment.id]
        html = render_template("attachments/_section.html", project=project, **context)
    assert 'id="attachments"' in html
    assert "合同.pdf" in html and "正式签约版本" in html and "合同" in html
    assert f"/attachments/{attachment.id}/download" in html
    assert f'title="{attachment.sha256}"' in html and attachment.sha256[:12] in html
    assert "李晓燕" in html
    assert "KB" in html
    assert 'enctype="multipart/form-data"' in html
    assert 'name="csrf_token"' in html
    assert f"/attachments/{attachment.id}/archive" in html
    assert "已归档附件（1）" in html

    with app.test_request_context("/"):
        login_user(world.viewer)
        html = render_template("attachments/_section.html", project=project,
                               **page.section_context(world.viewer, project))
    assert "合同.pdf" in html
    assert 'enctype="multipart/form-data"' not in html
    assert f"/attachments/{attachment.id}/archive" not in html


def test_human_size():
    assert services.human_size(2048) == "2.0 KB"
    assert services.human_size(10) == "0.1 KB"
    assert services.human_size(5 * 1024 * 1024) == "5.0 MB"


# --- API --------------------------------------------------------------------------------------


def api_upload(api, project_id, content, filename, category="contract", note=None):
    data = {"file": (io.BytesIO(content), filename), "category": category}
    if note is not None:
        data["note"] = note
    return api.post(f"/api/v1/projects/{project_id}/attachments", data=data, content_type="multipart/form-data")


def test_api_upload_list_and_download(api, world, project, storage):
    api.login("staff_a")
    response = api_upload(api, project.id, PDF, "投资协议.pdf", note="API 上传")
    assert response.status_code == 201, response.json
    body = response.json
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["filename"] == "投资协议.pdf" and body["content_type"] == "application/pdf"
    assert body["size_bytes"] == len(PDF) and body["project_id"] == project.id
    assert body["uploaded_by_id"] == world.staff_a.id and body["archived"] is False
    assert body["download_url"] == f"/api/v1/attachments/{body['id']}/download"
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.record_type == "attachments")).one()
    assert entry.source == "api"

    listing = api.get(f"/api/v1/projects/{project.id}/attachments")
    assert listing.status_code == 200
    assert listing.json["total"] == 1 and listing.json["page"] == 1
    assert listing.json["items"][0]["id"] == body["id"]

    download = api.get(body["download_url"])
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()


def test_api_list_hides_archived_unless_asked(api, world, project, storage):
    attachment = services.store_attachment(world.staff_a, project, file_storage(PDF, "合同.pdf"), "contract", None)
    services.archive_attachment(world.staff_a, attachment)
    db.session.commit()
    api.login("viewer")
    assert api.get(f"/api/v1/projects/{project.id}/attachments").json["total"] == 0
    listing = api.get(f"/api/v1/projects/{project.id}/attachments?include_archived=1").json
    assert listing["total"] == 1 and listing["items"][0]["archived"] is True


def test_api_refusals_have_the_error_shape(api, client, world, project, storage):
    api.login("staff_a")
    response = api_upload(api, project.id, EXE, "合同.pdf")
    assert response.status_code == 422
    assert response.json["error"]["code"] == "validation_failed"
    assert response.json["error"]["message"] == "不允许上传可执行程序。"
    assert response.json["error"]["fields"] == {"file": ["不允许上传可执行程序。"]}

    response = api_upload(api, project.id, PDF, "合同.pdf", category="")
    assert response.status_code == 422 and "category" in response.json["error"]["fields"]

    response = api.post(f"/api/v1/projects/{project.id}/attachments", data={"category": "contract"},
                        content_type="multipart/form-data")
    assert response.status_code == 422 and "file" in response.json["error"]["fields"]

    response = api.post(f"/api/v1/projects/{project.id}/attachments", json={"category": "contract"})
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"

    response = api_upload(api, 999999, PDF, "合同.pdf")
    assert response.status_code == 404 and response.json["error"]["code"] == "not_found"
    assert attachment_count() == 0 and stored_files(storage) == []

    anonymous = client.get(f"/api/v1/projects/{project.id}/attachments")
    assert anonymous.status_code == 401 and anonymous.json["error"]["code"] == "unauthorized"


def test_api_permissions(api, world, project, storage):
    attachment = services.store_attachment(world.staff_a, project, file_storage(PDF, "合同.pdf"), "contract", None)
    db.session.commit()

    api.login("staff_b")
    for response in (api.get(f"/api/v1/projects/{project.id}/attachments"),
                     api.get(f"/api/v1/attachments/{attachment.id}/download"),
                     api_upload(api, project.id, PDF, "合同.pdf")):
        assert response.status_code == 404
        assert set(response.json["error"]) == {"code", "message", "fields"}

    api.login("viewer")
    response = api_upload(api, project.id, PDF, "合同.pdf")
    assert response.status_code == 403 and response.json["error"]["code"] == "forbidden"
    download = api.get(f"/api/v1/attachments/{attachment.id}/download")
    assert download.status_code == 200
    download.close()
    assert attachment_count() == 1


def test_api_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/projects/{project_id}/attachments"])
    assert "201" in paths["/api/v1/projects/{project_id}/attachments"]["post"]["responses"]
    assert "get" in paths["/api/v1/attachments/{attachment_id}/download"]


def test_a_shared_attachment_root_serves_the_file_from_another_server(app, client, auth, world, project,
                                                                      tmp_path, monkeypatch):
    """Scale-out (issue 9): with ATTACHMENT_ROOT on a shared folder, a file uploaded through one app
    server is downloaded through another whose own instance folder never saw it."""
    shared = tmp_path / "shared"
    monkeypatch.setitem(app.config, "ATTACHMENT_ROOT", str(shared))
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "server_one"))
    auth.login("staff_a")
    assert upload(client, project.id, PDF, "合同.pdf").status_code == 302
    sha = hashlib.sha256(PDF).hexdigest()
    assert (shared / sha[:2] / sha).read_bytes() == PDF
    assert not (tmp_path / "server_one" / "attachments").exists()

    monkeypatch.setattr(app, "instance_path", str(tmp_path / "server_two"))
    download = client.get(f"/attachments/{only_attachment().id}/download")
    assert download.status_code == 200 and download.data == PDF
    download.close()
