"""A professional's pages (DESIGN §11): *My children*, and a child's page limited to what their
agency may see. Every read is written to the access log, as staff page reads are (DESIGN §9)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import path
from django.views.generic import TemplateView

from accounts.roles import Role
from casework import selectors, services
from casework.documents import documents_visible_to, on_the_record
from casework.models import SECTIONS, PlanStatus, TeamPart
from casework.models.advice import AdviceStatus
from casework.models.team import is_review_convener
from casework.views import RoleRequiredMixin
from workflows import clock
from workflows.acting import acting_user


class ProfessionalOnly(RoleRequiredMixin):
    roles = (Role.PROFESSIONAL,)


class MyChildrenView(ProfessionalOnly, TemplateView):
    template_name = "casework/professional/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        children = list(selectors.children_of_professional_listed(user))
        # The next date that concerns them: their own advice and reviews, in one more query.
        next_due: dict[int, Any] = {}
        running = selectors.with_child(selectors.deadlines_of_professional(user).running())
        for deadline in running.order_by("due_on", "pk"):
            next_due.setdefault(deadline.child_pk, deadline)
        services.access_record_many(
            by=user, reads=[(child.pk, "child", child.pk) for child in children], via="page"
        )
        rows = [
            {
                "child": child,
                "part": TeamPart(child.their_part).label if child.their_part else "Adviser",
                "plan_status": PlanStatus(child.plan_status).label if child.plan_status else "",
                "next": next_due.get(child.pk),
            }
            for child in children
        ]
        return super().get_context_data(rows=rows, **kwargs)


class ProfessionalChildView(ProfessionalOnly, TemplateView):
    template_name = "casework/professional/child.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        child = get_object_or_404(selectors.children_of_professional(user), pk=self.kwargs["pk"])
        # Asked for advice under reg 6 without the family's consent for their agency, a
        # professional sees what the advice needs (the child, the plan, the request), not the
        # team's shared record.
        shared = selectors.children_shared_with_professional(user).filter(pk=child.pk).exists()
        team = list(selectors.current_team_of(child)) if shared else []
        parents = list(selectors.family_members_readable_by(user, child))
        plan = selectors.plans_readable_by(user).filter(child=child).order_by("-pk").first()
        reviews = list(
            selectors.reviews_readable_by(user)
            .filter(Q(plan__child=child) | Q(case__child=child))
            .order_by("due_on", "pk")
        )
        advice = list(selectors.advice_asked_of(user, child))
        documents = (
            list(on_the_record(documents_visible_to(user).filter(child=child))) if shared else []
        )
        shown = [
            (child.pk, "child", child.pk),
            *((child.pk, "familymember", member.pk) for member in parents),
            *([(child.pk, "ehcplan", plan.pk)] if plan else []),
            *((child.pk, "review", review.pk) for review in reviews),
            *((child.pk, "advicerequest", request.pk) for request in advice),
            *((child.pk, "document", document.pk) for document in documents),
        ]
        services.access_record_many(by=user, reads=shown, via="page")
        return super().get_context_data(
            child=child,
            shared=shared,
            team=team,
            key_worker=next((m for m in team if m.part == TeamPart.KEY_WORKER), None),
            parents=parents,
            plan=plan,
            sections=[
                (letter, title, getattr(plan, name))
                for name, letter, title in SECTIONS
                if plan and getattr(plan, name)
            ],
            reviews=reviews,
            advice=advice,
            documents=documents,
            advice_received=AdviceStatus.RECEIVED,
            convenes=plan is not None and is_review_convener(child.pk, user, on=clock.today()),
            **kwargs,
        )


urlpatterns = [
    path("professional/", MyChildrenView.as_view(), name="professional-home"),
    path(
        "professional/children/<int:pk>/",
        ProfessionalChildView.as_view(),
        name="professional-child",
    ),
]
