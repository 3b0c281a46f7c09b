"""The download of a decision letter's PDF, for whoever may read the family's shared record
(`casework.letter_reads`). Only letters: other documents have their own views."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views import View

from accounts.roles import Role
from casework import services
from casework.letter_reads import letters_visible_to
from casework.views import RoleRequiredMixin
from workflows.acting import acting_user


class LetterDownloadView(RoleRequiredMixin, View):
    """The letter as an attachment, never inline (DESIGN §3); staff and professionals' downloads
    are in the access log. A letter the user may not see is not found."""

    roles = (Role.PRACTITIONER, Role.FAMILY, Role.PROFESSIONAL)

    def get(self, request: HttpRequest, pk: int) -> FileResponse:
        user = acting_user(request)
        letter = get_object_or_404(letters_visible_to(user), pk=pk)
        document = letter.document
        services.access_record(by=user, child_id=document.child_id, record=letter, via="page")
        # as_attachment writes Content-Disposition through content_disposition_header
        response = FileResponse(
            document.file.open("rb"),
            content_type=document.content_type,
            as_attachment=True,
            filename=document.title,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


urlpatterns = [
    path("letters/<int:pk>/download/", LetterDownloadView.as_view(), name="letter-download"),
]
