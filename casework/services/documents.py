"""Documents (DESIGN §3): the only writer of uploaded files. A file's type is read from its
bytes, never from its name or the browser's word for it; documents are never deleted."""

from __future__ import annotations

import secrets

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from accounts.models import User
from casework.models import Child, Document, DocumentKind, DocumentVisibility
from casework.models.advice import AdviceRequest
from workflows.errors import InvalidParams
from workflows.text import FORBIDDEN

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.oasis.opendocument.text": "OpenDocument text",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "text/plain": "plain text",
}
ALLOWED_WORDS = "a PDF, Word (.docx), OpenDocument text, JPEG, PNG or plain text file"
# Enough of the file to recognise every allowed type by its signature; and of a text file, to
# tell text from bytes that merely have no signature.
HEAD_BYTES = 8192


def content_type_of(upload: UploadedFile) -> str | None:
    """The file's type from its content, or None when it is none of the allowed ones."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    return "text/plain" if _is_text(upload) else None


def _is_text(upload: UploadedFile) -> bool:
    content = b"".join(upload.chunks())
    upload.seek(0)
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return FORBIDDEN.search(text) is None


def document_checked(upload: UploadedFile, *, field: str) -> str:
    """The upload's content type, or a 400 on `field` saying what is allowed."""
    limit: int = settings.PATHWAY_DOCUMENT_MAX_BYTES
    name = upload.name or "The file"
    if upload.size is None or upload.size == 0:
        raise InvalidParams({field: [f"{name} is empty."]})
    if upload.size > limit:
        raise InvalidParams({field: [f"{name} must be smaller than {limit // (1024 * 1024)} MB."]})
    content_type = content_type_of(upload)
    if content_type is None:
        raise InvalidParams({field: [f"{name} must be {ALLOWED_WORDS}."]})
    return content_type


def _title_of(upload: UploadedFile) -> str:
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    cleaned = FORBIDDEN.sub("", name).strip()
    return cleaned[:200] or "Document"


@transaction.atomic
def document_add(
    *,
    by: User,
    child: Child,
    upload: UploadedFile,
    kind: str,
    visibility: str = DocumentVisibility.TEAM,
    advice_request: AdviceRequest | None = None,
    field: str = "documents",
) -> Document:
    """Keep an uploaded file on the child's record. Callers decide who may add it."""
    if kind not in DocumentKind.values:
        raise InvalidParams({"kind": ["Choose what kind of document this is."]})
    if visibility not in DocumentVisibility.values:
        raise InvalidParams({"visibility": ["Choose who may see the document."]})
    content_type = document_checked(upload, field=field)
    document = Document(
        child=child,
        advice_request=advice_request,
        title=_title_of(upload),
        kind=kind,
        visibility=visibility,
        token=secrets.token_hex(16),
        content_type=content_type,
        size=upload.size or 0,
        uploaded_by=by,
    )
    document.file.save(document.token, upload, save=False)
    document.save()
    return document
