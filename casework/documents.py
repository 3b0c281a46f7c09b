"""Which documents each reader sees (DESIGN §9), beside `casework.selectors`: staff of the
child's team every one; a professional the child is shared with (with consent), those shared with
the team or the family; the family those shared with them. A withdrawn document stays in the
lists, marked; only staff still download it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils.http import content_disposition_header

from accounts.models import User
from casework import selectors
from casework.models import Document, DocumentVisibility
from casework.models.document import DocumentKind

SHARED_WITH_TEAM = (DocumentVisibility.TEAM, DocumentVisibility.FAMILY)


def on_the_record(documents: QuerySet[Document]) -> QuerySet[Document]:
    """The documents a page lists under *Documents*: letters have their own list beside the plan
    (casework/plan/_letters.html), so that a letter is not shown twice."""
    return documents.exclude(kind=DocumentKind.LETTER)


def documents_visible_to(user: User) -> QuerySet[Document]:
    if selectors.is_staff_member(user):
        documents = Document.objects.filter(child__in=selectors.children_visible_to(user))
    elif selectors.is_professional(user):
        documents = Document.objects.filter(
            child__in=selectors.children_shared_with_professional(user),
            visibility__in=SHARED_WITH_TEAM,
        )
    else:
        documents = Document.objects.filter(
            child__in=selectors.children_visible_to(user), visibility=DocumentVisibility.FAMILY
        )
    return documents.select_related("uploaded_by", "withdrawn_by")


def may_download(user: User, document: Document) -> bool:
    """A withdrawn document is gone (410) for everyone but staff, who keep the record whole."""
    return document.withdrawn_at is None or selectors.is_staff_member(user)


# The extension a download is saved with, by the type read from the file when it came.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "text/plain": ".txt",
}


def download_name(document: Document) -> str:
    """The title as a file name that opens with the right program: its type's extension added
    unless the title already ends with it, and no folder in it."""
    name = document.title.replace("/", " ").replace("\\", " ").strip() or "document"
    extension = EXTENSIONS.get(document.content_type, "")
    if extension and not name.lower().endswith(extension):
        name += extension
    return name


def document_response(document: Document) -> FileResponse:
    """The stored file streamed in blocks, never read whole, as an attachment in its own type
    that the browser may not second-guess (DESIGN §3)."""
    response = FileResponse(document.file.open("rb"), content_type=document.content_type)
    response["Content-Disposition"] = content_disposition_header(True, download_name(document))
    response["X-Content-Type-Options"] = "nosniff"
    return response
