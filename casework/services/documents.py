"""Documents (DESIGN §3): the only writer of uploaded files. A file's type is read from its
bytes, never from its name or the browser's word for it; documents are never deleted."""

from __future__ import annotations

import codecs
import re
import secrets

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from casework import selectors
from casework.models import (
    Case,
    Child,
    Document,
    DocumentKind,
    DocumentVisibility,
    EHCPlan,
    Review,
)
from casework.models.advice import AdviceRequest
from workflows.audit import audit
from workflows.errors import InvalidParams, NotPermitted, TransitionNotAllowed
from workflows.text import FORBIDDEN, forbidden_character, line_break_in

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
# tell text from bytes that merely have no signature. Only the head is read, so that checking a
# 20 MB upload costs no more memory than checking a small one.
HEAD_BYTES = 8192
# A page a browser would run if it were ever shown inline: HTML, SVG or XML sent as plain text.
MARKUP = re.compile(rb"^\s*<[!?a-z]|<(script|html|body|iframe|svg)\b", re.IGNORECASE)


def content_type_of(upload: UploadedFile) -> str | None:
    """The file's type from its content, or None when it is none of the allowed ones."""
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    return "text/plain" if _is_text(head.removeprefix(codecs.BOM_UTF8)) else None


def _is_text(head: bytes) -> bool:
    if MARKUP.search(head):
        return False
    try:
        # Not final: the head may end inside a character that the next byte would complete.
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
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
    title: str = "",
    case: Case | None = None,
    plan: EHCPlan | None = None,
    advice_request: AdviceRequest | None = None,
    review: Review | None = None,
    field: str = "documents",
) -> Document:
    """Keep an uploaded file on the child's record. Callers decide who may add it
    (`document_upload` for uploads made on their own)."""
    if kind not in DocumentKind.values:
        raise InvalidParams({"kind": ["Choose what kind of document this is."]})
    if visibility not in DocumentVisibility.values:
        raise InvalidParams({"visibility": ["Choose who may see the document."]})
    _check_records(child, case=case, plan=plan, advice_request=advice_request, review=review)
    content_type = document_checked(upload, field=field)
    document = Document(
        child=child,
        case=case,
        plan=plan,
        advice_request=advice_request,
        review=review,
        title=title or _title_of(upload),
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


def _check_records(
    child: Child,
    *,
    case: Case | None,
    plan: EHCPlan | None,
    advice_request: AdviceRequest | None,
    review: Review | None,
) -> None:
    owner = review and (review.plan or review.case)
    children = {
        "case": case.child_id if case else None,
        "plan": plan.child_id if plan else None,
        "advice_request": advice_request.plan.child_id if advice_request else None,
        "review": owner.child_id if owner else None,
    }
    wrong = {
        name: ["This is not one of the child's records."]
        for name, child_id in children.items()
        if child_id is not None and child_id != child.pk
    }
    if wrong:
        raise InvalidParams(wrong)


def _title_checked(title: str) -> str:
    title = title.strip()
    problem = forbidden_character(title) or line_break_in(title)
    if problem:
        raise InvalidParams({"title": [problem]})
    if len(title) > 200:
        raise InvalidParams({"title": ["Enter a title of 200 characters or fewer."]})
    return title


FAMILY_KINDS = (DocumentKind.VIEWS, DocumentKind.EVIDENCE)


def upload_refusal(by: User, child: Child, *, kind: str, visibility: str) -> str | None:
    """Why `by` may not put this document on the child's record, or None (DESIGN §9): staff of
    the child's team anything; a professional the child is shared with, for the team or the
    family; the family their own views and evidence, shared with the family."""
    if selectors.is_staff_member(by):
        return None
    if selectors.is_professional(by):
        if visibility == DocumentVisibility.STAFF:
            return "A professional shares a document with the team or the family."
        return None
    if not by.has_role(Role.FAMILY):
        return "Staff, the team around the child and the family add documents."
    if kind not in FAMILY_KINDS:
        return "A family adds their own views or evidence."
    if visibility != DocumentVisibility.FAMILY:
        return "A family's own document is shared with the family."
    return None


@transaction.atomic
def document_upload(
    *,
    by: User,
    child: Child,
    upload: UploadedFile,
    title: str,
    kind: str,
    visibility: str,
    case: Case | None = None,
    plan: EHCPlan | None = None,
    advice_request: AdviceRequest | None = None,
    review: Review | None = None,
) -> Document:
    """A document put on the child's record by someone who may see it there: the caller has
    found the child among `children_shared_with(by)`."""
    refusal = upload_refusal(by, child, kind=kind, visibility=visibility)
    if refusal:
        raise NotPermitted(refusal)
    document = document_add(
        by=by,
        child=child,
        upload=upload,
        kind=kind,
        visibility=visibility,
        title=_title_checked(title),
        case=case,
        plan=plan,
        advice_request=advice_request,
        review=review,
        field="file",
    )
    audit(
        document,
        "document_added",
        by=by,
        case_id=case.pk if case else None,
        params={"kind": kind, "visibility": visibility},
    )
    return document


WITHDRAW_REFUSAL = "Staff of the child's team, or whoever added it, withdraw a document."


def may_withdraw(by: User, document: Document) -> bool:
    """Staff of the child's team, or whoever uploaded it."""
    if document.uploaded_by_id == by.pk:
        return True
    return (
        selectors.is_staff_member(by)
        and selectors.children_visible_to(by).filter(pk=document.child_id).exists()
    )


@transaction.atomic
def document_withdraw(*, by: User, document: Document, reason: str) -> Document:
    """Withdraw a document with a reason: it stays, and staff still read it; nobody else does."""
    if not may_withdraw(by, document):
        raise NotPermitted(WITHDRAW_REFUSAL)
    reason = reason.strip()
    problem = forbidden_character(reason)
    if not reason or problem:
        raise InvalidParams({"reason": [problem or "Say why the document is withdrawn."]})
    if len(reason) > 5_000:
        raise InvalidParams({"reason": ["Enter a reason of 5,000 characters or fewer."]})
    locked = Document.objects.select_for_update().get(pk=document.pk)
    if locked.withdrawn_at is not None:
        raise TransitionNotAllowed(
            f"The document was withdrawn on {timezone.localdate(locked.withdrawn_at):%-d %B %Y}."
        )
    locked.withdrawn_at = timezone.now()
    locked.withdrawn_by = by
    locked.withdraw_reason = reason
    locked.save(update_fields=["withdrawn_at", "withdrawn_by", "withdraw_reason"])
    audit(locked, "document_withdrawn", by=by, note=reason, case_id=locked.case_id)
    return locked
