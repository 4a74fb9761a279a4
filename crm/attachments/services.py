"""Documents attached to a project, a trip or a payout: checked by content, stored by checksum, archived, never deleted.

The bytes live under `<instance>/attachments/<sha[:2]>/<sha>` (content-addressed: the same
document uploaded twice is stored once). The type is decided by the file's content (its magic
bytes), never by what the browser claims, and the content must match the file's extension.
"""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
import unicodedata
import zipfile
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from crm.attachments import owners
from crm.attachments.models import Attachment
from crm.attachments.owners import PROJECT
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.core.models import utcnow
from crm.core.parsing import record_by_id
from crm.core.permissions import Action
from crm.domain import AttachmentCategory
from crm.extensions import db

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_FILENAME = 255
MAX_NOTE = 500

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# Extension -> the content type stored for it once the content has been checked.
CONTENT_TYPES = {
    "pdf": PDF,
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "docx": DOCX,
    "xlsx": XLSX,
    "pptx": PPTX,
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "txt": "text/plain; charset=utf-8",
}
# The folder every OOXML package of that kind carries its main part in.
IMAGE_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")
OOXML_MAIN_DIR = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe")
# Characters Windows refuses in file names; replaced so the name survives a download anywhere.
RESERVED_CHARS = set('<>:"|?*')


def _refuse(message: str, field: str = "file") -> ValidationFailed:
    return ValidationFailed(message, {field: [message]})


def storage_root() -> Path:
    """ATTACHMENT_ROOT when set (a folder shared by several app servers), else instance/attachments."""
    configured = current_app.config.get("ATTACHMENT_ROOT")
    return Path(configured) if configured else Path(current_app.instance_path) / "attachments"


def max_bytes() -> int:
    return int(current_app.config.get("ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    return f"{max(size / 1024, 0.1):.1f} KB"


# ---------------------------------------------------------------------------------------------
# File names and content checks


def sanitise_filename(raw: str | None) -> str:
    """The name as the user sees it: last path component only, no control or reserved
    characters, no leading dots, at most 255 characters with the extension kept."""
    name = unicodedata.normalize("NFC", raw or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = []
    for ch in name:
        category = unicodedata.category(ch)
        if category in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp"):
            continue  # control, invisible formatting (e.g. right-to-left override), surrogates
        cleaned.append("_" if ch in RESERVED_CHARS else ch)
    name = " ".join("".join(cleaned).split())  # collapse whitespace runs, trim the ends
    name = name.lstrip(". ").rstrip(". ")
    if len(name) > MAX_FILENAME:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 16:
            name = stem[: MAX_FILENAME - len(ext) - 1].rstrip(". ") + "." + ext
        else:
            name = name[:MAX_FILENAME]
    return name


def extension_of(filename: str) -> str:
    stem, dot, ext = filename.rpartition(".")
    return ext.lower() if dot and stem else ""


def _is_ooxml(data: bytes, ext: str) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = package.namelist()  # reads the directory only, never decompresses
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and any(n.startswith(OOXML_MAIN_DIR[ext]) for n in names)


def _is_utf8_text(data: bytes) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\t\n\r\f" for ch in text)


def content_matches(data: bytes, ext: str) -> bool:
    """Does the content carry the signature of the type its extension names?"""
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext == "gif":
        return data.startswith((b"GIF87a", b"GIF89a"))
    if ext == "webp":
        return len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if ext in OOXML_MAIN_DIR:
        return _is_ooxml(data, ext)
    if ext in ("doc", "xls"):
        return data.startswith(OLE_MAGIC)
    if ext == "txt":
        return _is_utf8_text(data)
    return False


def _read_upload(file_storage) -> bytes:
    if file_storage is None or not getattr(file_storage, "filename", None):
        raise _refuse(_("请选择要上传的文件。"))
    limit = max_bytes()
    data = file_storage.stream.read(limit + 1)
    if not data:
        raise _refuse(_("文件为空，请选择有内容的文件。"))
    if len(data) > limit:
        raise _refuse(_("文件过大：单个附件不能超过 %(limit)s。", limit=human_size(limit)))
    return data


def check_content(data: bytes, filename: str) -> str:
    """The content type to store, or a refusal saying why the file is not accepted."""
    if data.startswith(EXECUTABLE_MAGIC) and not (extension_of(filename) == "txt" and _is_utf8_text(data)):
        raise _refuse(_("不允许上传可执行程序。"))
    ext = extension_of(filename)
    if ext not in CONTENT_TYPES:
        raise _refuse(_("不支持的文件类型。可上传 PDF、图片（PNG、JPEG、GIF、WebP）、"
                        "Word/Excel/PowerPoint 文档或 UTF-8 编码的文本文件。"))
    if not content_matches(data, ext):
        raise _refuse(_("文件内容与扩展名 .%(ext)s 不符，已拒绝上传。", ext=ext))
    return CONTENT_TYPES[ext]


def _write_blob(data: bytes, sha: str) -> str:
    key = f"{sha[:2]}/{sha}"
    target = storage_root() / key
    if target.is_file() and hashlib.sha256(target.read_bytes()).hexdigest() == sha:
        return key  # content-addressed: already stored (a damaged copy is rewritten)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return key


# ---------------------------------------------------------------------------------------------
# Services


def category_for(filename: str | None) -> str:
    """The category of a file sent without one (the trip report's photos): pictures are photos,
    anything else is the meeting notes."""
    ext = extension_of(sanitise_filename(filename))
    return AttachmentCategory.PHOTO if ext in IMAGE_EXTENSIONS else AttachmentCategory.MINUTES


def store_attachment(actor, project, file_storage, category, note) -> Attachment:
    """Check an upload and attach it to `project`. Flushes; the caller commits."""
    return attach(actor, PROJECT.kind, project.id, file_storage, category, note)


def attach(actor, kind: str, record_id, file_storage, category, note) -> Attachment:
    """Check an upload and attach it to the record `record_id` of the owner `kind` (projects, trips,
    payouts), if `actor` may attach to it now. Flushes; the caller commits. A refusal stores nothing."""
    owner = owners.owner(kind)
    record = owner.check(actor, record_id, True)
    if AttachmentCategory.get(category) is None:
        raise _refuse(_("请选择有效的附件类别。"), "category")
    note = (note or "").strip() or None
    if note is not None and len(note) > MAX_NOTE:
        raise _refuse(_("说明最多 %(n)s 个字符。", n=MAX_NOTE), "note")

    data = _read_upload(file_storage)
    filename = sanitise_filename(file_storage.filename)
    if not extension_of(filename):
        raise _refuse(_("文件名缺少扩展名，无法判断文件类型。"))
    content_type = check_content(data, filename)
    sha = hashlib.sha256(data).hexdigest()

    attachment = Attachment(
        category=category, filename=filename, content_type=content_type,
        size_bytes=len(data), sha256=sha, storage_key=f"{sha[:2]}/{sha}", note=note,
        uploaded_by_id=actor.id, **{owner.column: record.id},
    )
    db.session.add(attachment)
    db.session.flush()
    # Written after the row is accepted; a later rollback leaves at most an unreferenced blob.
    _write_blob(data, sha)
    return attachment


def attachments_stmt(kind: str, record_id: int, include_archived: bool = False):
    """The documents of one record, newest first."""
    column = getattr(Attachment, owners.owner(kind).column)
    stmt = (select(Attachment).where(column == record_id)
            .order_by(Attachment.created_at.desc(), Attachment.id.desc()))
    if not include_archived:
        stmt = stmt.where(Attachment.archived_at.is_(None))
    return stmt


def attachments_of(kind: str, record_id: int, include_archived: bool = False) -> list[Attachment]:
    stmt = attachments_stmt(kind, record_id, include_archived).options(selectinload(Attachment.uploaded_by))
    return list(db.session.scalars(stmt))


def attachments_for(project, include_archived: bool = False) -> list[Attachment]:
    return attachments_of(PROJECT.kind, project.id, include_archived)


def attachment_for(actor, attachment_id, action: Action = Action.READ) -> Attachment:
    """The attachment, if `actor` may do `action` on its owner (404 for another unit's)."""
    attachment = record_by_id(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(_("附件不存在，或您无权查看。"))
    owner, record_id = owners.owner_of(attachment)
    owner.check(actor, record_id, action != Action.READ)
    return attachment


def page_url(attachment: Attachment) -> str:
    """The owner's page at its attachments section."""
    owner, record_id = owners.owner_of(attachment)
    return owner.page_url(record_id) + "#attachments"


def archive_attachment(actor, attachment: Attachment) -> Attachment:
    """Hide an attachment from its owner's list; the row and the file are kept."""
    owner, record_id = owners.owner_of(attachment)
    owner.check(actor, record_id, True)
    if attachment.archived_at is not None:
        raise Conflict(_("该附件已归档。"))
    attachment.archived_at = utcnow()
    db.session.flush()
    return attachment


def open_for_download(actor, attachment_id) -> tuple[Attachment, Path]:
    attachment = attachment_for(actor, attachment_id, Action.READ)
    root = storage_root().resolve()
    path = (root / attachment.storage_key).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        current_app.logger.error("Attachment %s: stored file %s is missing", attachment.id, attachment.storage_key)
        raise NotFound(_("附件文件不存在，请联系系统管理员。"))
    return attachment, path
