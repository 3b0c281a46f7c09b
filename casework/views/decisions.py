"""The team manager's decisions queue: what waits for them in their teams, before it is due."""

from __future__ import annotations

from typing import Any

from django.views.generic import TemplateView

from accounts.roles import Role
from casework import services
from casework.views import RoleRequiredMixin
from workflows.acting import acting_user
from workflows.selectors import decisions_for


class DecisionsView(RoleRequiredMixin, TemplateView):
    template_name = "casework/decisions.html"
    roles = (Role.TEAM_MANAGER,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        decisions = decisions_for(user)
        services.access_record_many(
            by=user,
            reads=[
                (item.child.pk, str(item.record._meta.model_name), item.record.pk)
                for item in decisions
                if item.child is not None
            ],
            via="page",
        )
        return super().get_context_data(decisions=decisions, **kwargs)
