"""Documents on trips (photos, meeting notes) and on payouts (approval forms, vouchers), DOMAIN §8:
one owner per document held by the database, the owner's permissions, the report sent with its
photos, the history in words, the API per status code and the web sections."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from crm.attachments import services
from crm.attachments.models import Attachment
from crm.audit.models import AuditEntry
from crm.core.dates import local_today
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.extensions import db
from crm.payouts import services as payouts
from crm.trips import documents
from crm.trips import services as trips
from tests.conftest import csrf_token
from tests.test_attachments import EXE, JPEG, PDF, PNG, storage, stored_files  # noqa: F401  (storage: a fixture)
from tests.test_payouts import investor, make_project, policy  # noqa: F401  (policy: a fixture)

TODAY = local_today()


def upload_file(content: bytes, filename: str) -> FileStorage:
    return FileStorage(stream=io.BytesIO(content), filename=filename)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(Attachment))


def filing(world, start, end) -> dict:
    return {"traveller_ids": [world.staff_a.id], "unit_id": world.unit_a.id, "start_date": start.isoformat(),
            "end_date": end.isoformat(), "destination_province": "广东省", "destination_city": "深圳市",
            "purpose": "赴深圳对接新能源汽车零部件企业", "budget_wan": "1.5",
            "targets": [{"company_name": "深圳市示范科技有限公司", "contact": "王总", "topic": "华东生产基地选址"}]}


@pytest.fixture
def trip(world):
    """A draft of staff_a's (unit A) for next month."""
    trip = trips.create_trip(world.staff_a, filing(world, TODAY + timedelta(days=30), TODAY + timedelta(days=32)))
    db.session.commit()
    return trip


@pytest.fixture
def returned(world):
    """An approved trip of staff_a's that ended yesterday: its report is due."""
    start, end = TODAY - timedelta(days=4), TODAY - timedelta(days=1)
    trip = trips.create_trip(world.staff_a, filing(world, start, end), today=start - timedelta(days=3))
    trips.submit_trip(world.staff_a, trip, trip.version, today=start - timedelta(days=3))
    trips.approve_trip(world.head_a, trip, trip.version, "同意")
    db.session.commit()
    return trip


@pytest.fixture
def payout(world, policy):  # noqa: F811
    project = make_project(world, "started")
    payout = payouts.request_payout(world.staff_a, project, investor(project, "started", "40"))
    db.session.commit()
    return payout


def report_body(trip) -> dict:
    return {"targets": [{"target_id": trip.targets[0].id, "visited": True, "outcome": "达成落地意向"}],
            "expenses_wan": "1.2", "notes": "拜访顺利"}


def refused(error, call, storage_root, contains=""):  # noqa: F811
    """Refused with `error`, saying `contains`; no row, no audit entry, no file."""
    before = count(), db.session.scalar(select(func.count()).select_from(AuditEntry))
    with pytest.raises(error) as err:
        call()
    db.session.rollback()
    assert (count(), db.session.scalar(select(func.count()).select_from(AuditEntry))) == before
    assert stored_files(storage_root) == []
    assert contains in err.value.message, err.value.message


# --- the model --------------------------------------------------------------------------------------


def test_the_database_holds_exactly_one_owner(world, trip, payout):
    base = {"category": "photo", "filename": "a.png", "content_type": "image/png", "size_bytes": 1,
            "sha256": "a" * 64, "storage_key": "aa/x", "uploaded_by_id": world.staff_a.id}
    for owners in ({}, {"trip_id": trip.id, "payout_id": payout.id},
                   {"project_id": payout.project_id, "trip_id": trip.id}):
        db.session.add(Attachment(**base, **owners))
        with pytest.raises(IntegrityError):
            db.session.flush()
        db.session.rollback()
    db.session.add(Attachment(**base, trip_id=trip.id))
    db.session.flush()
    assert count() == 1


# --- trips --------------------------------------------------------------------------------------------


def test_a_traveller_attaches_a_photo_to_the_trip_and_its_history_says_so(client, auth, world, trip, storage):  # noqa: F811
    attachment = services.attach(world.staff_a, "trips", trip.id, upload_file(PNG, "会谈现场.png"), "photo", "与王总合影")
    db.session.commit()
    assert (attachment.trip_id, attachment.project_id, attachment.payout_id) == (trip.id, None, None)
    assert attachment.content_type == "image/png" and stored_files(storage)
    assert services.attachments_of("trips", trip.id) == [attachment]

    auth.login("head_a")  # the unit head sees the trip, so its documents
    page = client.get(f"/trips/{trip.id}")
    assert page.status_code == 200
    assert "会谈现场.png" in page.text and "上传附件：会谈现场.png（现场照片）" in page.text
    download = client.get(f"/attachments/{attachment.id}/download")
    assert download.status_code == 200 and download.data == PNG
    download.close()


def test_trip_refusals_store_nothing(world, trip, returned, storage):  # noqa: F811
    png = lambda: upload_file(PNG, "照片.png")  # noqa: E731
    refused(NotFound, lambda: services.attach(world.staff_b, "trips", trip.id, png(), "photo", None), storage,
            "不存在")  # another unit's trip: not even its existence
    refused(PermissionDenied, lambda: services.attach(world.viewer, "trips", trip.id, png(), "photo", None), storage,
            "没有权限")
    refused(ValidationFailed, lambda: services.attach(world.staff_a, "trips", trip.id, upload_file(b"", "空.png"),
                                                      "photo", None), storage, "文件为空")
    refused(ValidationFailed, lambda: services.attach(world.staff_a, "trips", trip.id, upload_file(EXE, "照片.png"),
                                                      "photo", None), storage, "可执行程序")
    refused(ValidationFailed, lambda: services.attach(world.staff_a, "trips", trip.id, upload_file(PNG, "照片.exe"),
                                                      "photo", None), storage, "不支持的文件类型")
    refused(ValidationFailed, lambda: services.attach(world.staff_a, "trips", trip.id, png(), "nonsense", None),
            storage, "附件类别")
    documents.report_with_files(world.staff_a, returned, report_body(returned), returned.version, [])
    db.session.commit()
    refused(Conflict, lambda: services.attach(world.staff_a, "trips", returned.id, png(), "photo", None), storage,
            "外出报告已提交")


def test_too_large_is_refused(app, world, trip, storage):  # noqa: F811
    app.config["ATTACHMENT_MAX_BYTES"] = 16
    try:
        refused(ValidationFailed, lambda: services.attach(world.staff_a, "trips", trip.id, upload_file(PNG, "大.png"),
                                                          "photo", None), storage, "文件过大")
    finally:
        app.config.pop("ATTACHMENT_MAX_BYTES")


def test_the_report_carries_its_photos_and_a_bad_file_refuses_both(world, returned, storage):  # noqa: F811
    with pytest.raises(ValidationFailed):
        documents.report_with_files(world.staff_a, returned, report_body(returned), returned.version,
                                    [upload_file(JPEG, "现场.jpg"), upload_file(EXE, "纪要.pdf")])
    db.session.rollback()
    db.session.refresh(returned)
    assert returned.state == "approved" and count() == 0

    documents.report_with_files(world.staff_a, returned, report_body(returned), returned.version,
                                [upload_file(JPEG, "现场.jpg"), upload_file(PDF, "会谈纪要.pdf"),
                                 FileStorage(stream=io.BytesIO(b""), filename="")])  # an empty picker is no file
    db.session.commit()
    assert returned.state == "reported"
    kinds = {a.filename: a.category for a in services.attachments_of("trips", returned.id)}
    assert kinds == {"现场.jpg": "photo", "会谈纪要.pdf": "minutes"}


# --- payouts ------------------------------------------------------------------------------------------


def test_payout_documents_from_request_to_voucher(world, payout, storage):  # noqa: F811
    form = services.attach(world.staff_a, "payouts", payout.id, upload_file(PDF, "兑现审批表.pdf"), "approval", None)
    payouts.approve_payout(world.leader, payout, "同意", payout.version)
    payouts.pay_payout(world.admin, payout, TODAY.isoformat(), "记账凭证-1", payout.version)
    db.session.commit()
    voucher = services.attach(world.admin, "payouts", payout.id, upload_file(PDF, "付款凭证.pdf"), "voucher", None)
    db.session.commit()  # a paid record is final, its voucher still comes after
    assert {a.id for a in services.attachments_of("payouts", payout.id)} == {form.id, voucher.id}
    assert voucher.payout_id == payout.id and voucher.project_id is None

    refused(NotFound, lambda: services.attach(world.staff_b, "payouts", payout.id, upload_file(PDF, "x.pdf"),
                                              "voucher", None), storage / "none", "不存在")
    refused(PermissionDenied, lambda: services.attach(world.viewer, "payouts", payout.id, upload_file(PDF, "x.pdf"),
                                                      "voucher", None), storage / "none", "没有权限")
    with pytest.raises(NotFound):
        services.open_for_download(world.staff_b, voucher.id)
    assert services.open_for_download(world.viewer, voucher.id)[0] == voucher

    services.archive_attachment(world.staff_a, form)
    db.session.commit()
    assert form.archived_at is not None and services.attachments_of("payouts", payout.id) == [voucher]
    with pytest.raises(Conflict):
        services.archive_attachment(world.staff_a, form)
    db.session.rollback()
    with pytest.raises(PermissionDenied):
        services.archive_attachment(world.viewer, voucher)


# --- API ----------------------------------------------------------------------------------------------


def api_upload(api, url, content=PDF, filename="纪要.pdf", category="minutes"):
    return api.post(url, data={"file": (io.BytesIO(content), filename), "category": category},
                    content_type="multipart/form-data")


def test_api_trip_attachments_per_status_code(api, client, world, trip, returned, storage):  # noqa: F811
    url = f"/api/v1/trips/{trip.id}/attachments"
    assert client.get(url).status_code == 401
    api.login("staff_a")
    created = api_upload(api, url)
    assert created.status_code == 201, created.json
    assert created.json["trip_id"] == trip.id and created.json["project_id"] is None
    listing = api.get(url)
    assert listing.status_code == 200 and listing.json["total"] == 1
    assert api_upload(api, url, b"", "空.pdf").status_code == 422
    assert api_upload(api, url, EXE, "纪要.pdf").json["error"]["fields"] == {"file": ["不允许上传可执行程序。"]}
    assert api.post(url, json={"category": "minutes"}).status_code == 400
    assert api.get("/api/v1/trips/999999/attachments").status_code == 404
    documents.report_with_files(world.staff_a, returned, report_body(returned), returned.version, [])
    db.session.commit()
    assert api_upload(api, f"/api/v1/trips/{returned.id}/attachments").status_code == 409
    api.login("staff_b")
    assert api.get(url).status_code == 404 and api_upload(api, url).status_code == 404
    api.login("viewer")
    assert api.get(url).status_code == 200 and api_upload(api, url).status_code == 403
    assert count() == 1


def test_api_payout_attachments_per_status_code(api, client, world, payout, storage):  # noqa: F811
    url = f"/api/v1/payouts/{payout.id}/attachments"
    assert client.get(url).status_code == 401
    api.login("leader")
    created = api_upload(api, url, category="approval")
    assert created.status_code == 201 and created.json["payout_id"] == payout.id
    assert api.get(url).json["items"][0]["category"] == "approval"
    assert api_upload(api, url, category="nonsense").status_code == 422
    api.login("staff_b")
    assert api.get(url).status_code == 404 and api_upload(api, url).status_code == 404
    api.login("viewer")
    assert api_upload(api, url).status_code == 403
    assert count() == 1


def test_openapi_documents_the_trip_and_payout_attachments(api, world):
    api.login("viewer")
    paths = api.get("/api/v1/openapi.json").json["paths"]
    for owner in ("trips/{trip_id}", "payouts/{payout_id}"):
        operations = paths[f"/api/v1/{owner}/attachments"]
        assert set(operations) >= {"get", "post"}
        assert "201" in operations["post"]["responses"] and "404" in operations["post"]["responses"]


# --- web ----------------------------------------------------------------------------------------------


def web_upload(client, url, content=PNG, filename="照片.png", category="photo", token_page="/"):
    token = csrf_token(client.get(token_page).text)
    return client.post(url, data={"file": (io.BytesIO(content), filename), "category": category, "csrf_token": token},
                       content_type="multipart/form-data")


def test_web_sections_on_the_trip_and_payout_pages(client, auth, world, trip, payout, storage):  # noqa: F811
    auth.login("staff_a")
    response = web_upload(client, f"/trips/{trip.id}/attachments")
    location = urlsplit(response.headers["Location"])
    assert (location.path, location.fragment) == (f"/trips/{trip.id}", "attachments")
    page = client.get(f"/trips/{trip.id}").text
    assert "照片.png" in page and f'action="/trips/{trip.id}/attachments"' in page

    assert web_upload(client, f"/payouts/{payout.id}/attachments", PDF, "审批表.pdf", "approval").status_code == 302
    page = client.get(f"/payouts/{payout.id}").text
    assert "审批表.pdf" in page and "上传附件：审批表.pdf（审批表）" in page

    web_upload(client, f"/payouts/{payout.id}/attachments", b"", "空.pdf", "approval")
    assert "文件为空" in client.get(f"/payouts/{payout.id}").text
    assert count() == 2

    auth.logout()
    auth.login("viewer")  # sees the payout and its files, cannot add any
    page = client.get(f"/payouts/{payout.id}").text
    assert "审批表.pdf" in page and f'action="/payouts/{payout.id}/attachments"' not in page
    assert web_upload(client, f"/payouts/{payout.id}/attachments", PDF, "x.pdf").status_code == 302
    assert "您没有权限为此兑现记录上传或归档附件。" in client.get(f"/payouts/{payout.id}").text
    auth.logout()
    auth.login("staff_b")
    assert web_upload(client, f"/trips/{trip.id}/attachments").status_code == 404
    assert count() == 2


def test_web_report_form_sends_a_photo_with_the_report(client, auth, world, returned, storage):  # noqa: F811
    auth.login("staff_a")
    form_page = client.get(f"/trips/{returned.id}/report")
    assert 'enctype="multipart/form-data"' in form_page.text and 'name="files"' in form_page.text
    target = returned.targets[0]
    response = client.post(f"/trips/{returned.id}/report", content_type="multipart/form-data", data={
        "csrf_token": csrf_token(form_page.text), "version": returned.version, f"visited-{target.id}": "1",
        f"outcome-{target.id}": "达成落地意向", "expenses_wan": "1.2",
        "files": [(io.BytesIO(JPEG), "现场.jpg")]})
    assert response.status_code == 302
    db.session.expire_all()
    assert returned.state == "reported"
    assert [a.filename for a in services.attachments_of("trips", returned.id)] == ["现场.jpg"]
    assert "现场.jpg" in client.get(f"/trips/{returned.id}").text
