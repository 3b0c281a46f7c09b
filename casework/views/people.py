"""Finding a child: the person search every staff page leads to from its header."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from casework import selectors, services
from casework.views import StaffOnly
from workflows.acting import acting_user

# A search that finds more than this is too broad to read; the page says to narrow it.
MOST_SHOWN = 50


class PersonSearchView(StaffOnly, TemplateView):
    template_name = "casework/people/search.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        text = self.request.GET.get("q", "").strip()[:200]
        found = list(selectors.children_found_by(user, text)[: MOST_SHOWN + 1]) if text else []
        services.access_record_many(
            by=user, reads=[(child.pk, "child", child.pk) for child in found], via="page"
        )
        return super().get_context_data(
            q=text, children=found[:MOST_SHOWN], more=len(found) > MOST_SHOWN, **kwargs
        )
