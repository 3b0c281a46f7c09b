"""Casework pages (DESIGN §11): thin views over casework selectors and services."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import ListView, TemplateView

from accounts.roles import Role
from casework import panels, selectors, services, side_steps, wording
from casework.allocation_reads import allocatable_staff
from casework.chronology import case_timeline
from casework.documents import documents_visible_to, on_the_record
from casework.forms import (
    AssessmentForm,
    PlanRequestForm,
    PlanSectionsForm,
    ReferralForm,
    ReviewForm,
    ReviewOutcomeForm,
)
from casework.models import SECTIONS, Case, CaseStatus, Child, EHCPlan, Review
from casework.models.case import with_support_arranged
from casework.services.owners import CLOSED_NOT_ALLOCATED
from casework.views.periods import RepresentationForm, family_period_context, period_sentence
from workflows import clock
from workflows.acting import acting_user
from workflows.models import Deadline, DeadlineStatus
from workflows.registry import registry
from workflows.views import ServiceFormView, TransitionFormView


class RoleRequiredMixin(LoginRequiredMixin):
    roles: tuple[str, ...] = (Role.PRACTITIONER,)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not any(
            acting_user(request).has_role(role) for role in self.roles
        ):
            raise PermissionDenied("This page is for another role.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc, no-any-return]


class StaffOnly(RoleRequiredMixin):
    roles = (Role.PRACTITIONER,)  # team managers hold the practitioner role too


def _for_families(kind: str) -> str:
    """The family's words for a kind; a kind no longer declared shows as its stored words."""
    declared = registry.deadline_kinds.get(kind)
    return (declared.for_families if declared else "") or registry.label_of(kind)


def _statutory(deadline: Deadline) -> bool:
    declared = registry.deadline_kinds.get(deadline.kind)
    return declared is not None and declared.statutory


def family_team_context(child: Child, case: Case | None) -> dict[str, Any]:
    """The team around the child as the family sees it: who is in it now, and the key worker,
    whose contact details the family always has (DESIGN §3)."""
    today = clock.today()
    members = [
        member
        for member in selectors.team_of(child)
        if member.ends_on is None or member.ends_on > today
    ]
    return {
        "team": members,
        "key_worker": selectors.key_worker_of(members, on=today),
        "contact": case.lead_professional if case else None,
        "council_team": case.team if case else child.team,
    }


def case_url(case: Case) -> str:
    return reverse("casework:case", args=[case.pk])


def plan_return_url(plan: EHCPlan) -> str:
    return case_url(plan.case) if plan.case else reverse("casework:caseload")


class CaseloadView(StaffOnly, ListView):  # type: ignore[type-arg]
    template_name = "casework/caseload.html"
    paginate_by = 25

    def get_queryset(self) -> models.QuerySet[Case]:
        status = self.request.GET.get("status") or None
        if status not in CaseStatus.values:
            status = None
        return selectors.caseload(acting_user(self.request), status=status)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(
            statuses=CaseStatus.choices, status=self.request.GET.get("status", ""), **kwargs
        )
        services.access_record_many(
            by=acting_user(self.request),
            reads=[(case.child_id, "case", case.pk) for case in context["object_list"]],
            via="page",
        )
        return context


class TeamDashboardView(RoleRequiredMixin, TemplateView):
    template_name = "casework/team.html"
    roles = (Role.TEAM_MANAGER,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        at_risk = list(selectors.deadlines_at_risk(acting_user(self.request)))
        services.access_record_many(
            by=acting_user(self.request),
            reads=[(deadline.child_pk, "deadline", deadline.pk) for deadline in at_risk],
            via="page",
        )
        return super().get_context_data(
            at_risk=at_risk,
            # A missed local target (the under-5 review) is counted apart from statutory misses.
            missed=[d for d in at_risk if d.status == DeadlineStatus.MISSED and _statutory(d)],
            missed_targets=[
                d for d in at_risk if d.status == DeadlineStatus.MISSED and not _statutory(d)
            ],
            labels={kind: item.label for kind, item in registry.deadline_kinds.items()},
            links=[(label, reverse(name)) for label, name in panels.TEAM_LINKS],
            workers=allocatable_staff(acting_user(self.request)),
            **kwargs,
        )


class CasePageView(StaffOnly, TemplateView):
    template_name = "casework/case.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        case = get_object_or_404(
            # Whether support is arranged read with the case: the steps the page lists ask it.
            with_support_arranged(
                selectors.cases_visible_to(user).select_related(
                    "child", "lead_professional", "team", "referral"
                )
            ),
            pk=self.kwargs["pk"],
        )
        documents = list(on_the_record(documents_visible_to(user).filter(child=case.child_id)))
        services.access_record_many(
            by=user,
            reads=[
                (case.child_id, "case", case.pk),
                *((case.child_id, "document", document.pk) for document in documents),
            ],
            via="page",
        )
        plan = (
            selectors.plans_visible_to(user)
            .filter(child=case.child)
            .select_related("case_officer")
            .order_by("-pk")
            .first()
        )
        return super().get_context_data(
            case=case,
            child=case.child,
            documents=documents,
            referral=getattr(case, "referral", None),
            family_members=case.child.family_members.all(),
            assessments=case.assessments.all(),
            plan=plan,
            sections=[(letter, title, getattr(plan, name)) for name, letter, title in SECTIONS]
            if plan
            else [],
            plan_reviews=plan.reviews.all() if plan else [],
            case_reviews=case.reviews.all(),
            deadlines=selectors.case_deadlines(case).running().select_related("owner"),
            timeline=case_timeline(case),
            labels={kind: item.label for kind, item in registry.deadline_kinds.items()},
            can_request_plan=plan is None or not plan.is_open,
            panels=panels.CASE_PANELS,
            is_manager=user.has_role(Role.TEAM_MANAGER),
            closed_not_allocated=CLOSED_NOT_ALLOCATED,
            more_steps=side_steps.consent_steps(case, user),
            **kwargs,
        )


class AccessLogView(RoleRequiredMixin, ListView):  # type: ignore[type-arg]
    """Who looked at this child's records, and when: a team manager's check on access."""

    template_name = "casework/access_log.html"
    roles = (Role.TEAM_MANAGER,)
    paginate_by = 50

    def case(self) -> Case:
        return get_object_or_404(
            selectors.cases_visible_to(acting_user(self.request)).select_related("child"),
            pk=self.kwargs["pk"],
        )

    def get_queryset(self) -> models.QuerySet[Any]:
        return selectors.record_reads(acting_user(self.request), self.case().child_id)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(case=self.case(), **kwargs)


class CaseTransitionView(StaffOnly, TransitionFormView):
    def get_record(self) -> Case:
        return get_object_or_404(
            selectors.cases_visible_to(acting_user(self.request)), pk=self.kwargs["pk"]
        )

    def get_success_url(self, record: models.Model) -> str:
        return case_url(cast(Case, record))


class PlanTransitionView(StaffOnly, TransitionFormView):
    def get_record(self) -> EHCPlan:
        return get_object_or_404(
            selectors.plans_visible_to(acting_user(self.request)).select_related("case"),
            pk=self.kwargs["pk"],
        )

    def get_success_url(self, record: models.Model) -> str:
        return plan_return_url(cast(EHCPlan, record))


class ReferralCreateView(StaffOnly, ServiceFormView):
    form_class = ReferralForm
    title = "Record a referral"
    submit_label = "Record the referral"

    def back_url(self) -> str:
        return reverse("casework:caseload")

    def get_form_kwargs(self) -> dict[str, Any]:
        # Once offered, the box stays on the form while it is sent back with other errors.
        offered = "confirm_not_duplicate" in self.request.POST
        return super().get_form_kwargs() | {"offer_confirm": offered}

    def perform(self, form: forms.Form) -> HttpResponse:
        referral_form = cast(ReferralForm, form)
        try:
            referral = services.referral_with_new_child(
                by=acting_user(self.request),
                child=cast(services.NewChild, referral_form.child_details()),
                family=cast(services.NewFamilyMember | None, referral_form.family_details()),
                **referral_form.referral_details(),
            )
        except services.PossibleDuplicate as duplicate:
            referral_form.offer_confirm()
            context = self.get_context_data(
                form=form,
                errors=[
                    *({"text": reason} for reason in duplicate.reasons),
                    {
                        "text": "If this is a different child, say so and record the referral.",
                        "href": "#id_confirm_not_duplicate",
                    },
                ],
            )
            return self.render_to_response(context, status=409)
        messages.success(self.request, "The referral has been recorded.")
        return redirect(case_url(referral.case))


class CaseFormView(StaffOnly, ServiceFormView):
    """A form about one case the user may see (404 otherwise)."""

    def case(self) -> Case:
        if not hasattr(self, "_case"):
            self._case = get_object_or_404(
                selectors.cases_visible_to(acting_user(self.request)).select_related("child"),
                pk=self.kwargs["pk"],
            )
        return self._case

    def back_url(self) -> str:
        return case_url(self.case())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(caption=self.case().child.full_name, **kwargs)


class AssessmentView(CaseFormView):
    form_class = AssessmentForm
    title = "Assessment"
    submit_label = "Save the assessment"

    def get_initial(self) -> dict[str, Any]:
        latest = self.case().assessments.order_by("-started_on", "-pk").first()
        if latest is None:
            return {}
        return {
            "started_on": latest.started_on,
            "completed_on": latest.completed_on,
            "outcome": latest.outcome,
            "summary_of_needs": latest.summary_of_needs,
        }

    def perform(self, form: forms.Form) -> HttpResponse:
        services.assessment_save(
            by=acting_user(self.request), case=self.case(), **form.cleaned_data
        )
        messages.success(self.request, "The assessment has been saved.")
        return redirect(self.back_url())


class PlanRequestView(CaseFormView):
    form_class = PlanRequestForm
    title = "Record a request for an EHC needs assessment"
    submit_label = "Record the request"

    def perform(self, form: forms.Form) -> HttpResponse:
        services.plan_request(
            by=acting_user(self.request), child=self.case().child, **form.cleaned_data
        )
        messages.success(self.request, "The request has been recorded.")
        return redirect(self.back_url())


class PlanFormView(StaffOnly, ServiceFormView):
    def plan(self) -> EHCPlan:
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(
                selectors.plans_visible_to(acting_user(self.request)).select_related(
                    "child", "case"
                ),
                pk=self.kwargs["pk"],
            )
        return self._plan

    def back_url(self) -> str:
        return plan_return_url(self.plan())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(caption=self.plan().child.full_name, **kwargs)


class PlanSectionsView(PlanFormView):
    form_class = PlanSectionsForm
    title = "EHC plan sections"
    submit_label = "Save the plan"

    def get_initial(self) -> dict[str, Any]:
        plan = self.plan()
        return {name: getattr(plan, name) for name in services.PLAN_EDITABLE_FIELDS}

    def perform(self, form: forms.Form) -> HttpResponse:
        services.plan_update(by=acting_user(self.request), plan=self.plan(), **form.cleaned_data)
        messages.success(self.request, "The plan has been saved.")
        return redirect(self.back_url())


class PlanReviewCreateView(PlanFormView):
    form_class = ReviewForm
    title = "Add a review of the EHC plan"
    submit_label = "Add the review"

    def perform(self, form: forms.Form) -> HttpResponse:
        services.review_create(by=acting_user(self.request), plan=self.plan(), **form.cleaned_data)
        messages.success(self.request, "The review has been added.")
        return redirect(self.back_url())


class CaseReviewCreateView(CaseFormView):
    form_class = ReviewForm
    title = "Add a review of the support plan"
    submit_label = "Add the review"

    def perform(self, form: forms.Form) -> HttpResponse:
        services.review_create(by=acting_user(self.request), case=self.case(), **form.cleaned_data)
        messages.success(self.request, "The review has been added.")
        return redirect(self.back_url())


class ReviewUpdateView(StaffOnly, ServiceFormView):
    form_class = ReviewOutcomeForm
    title = "Record the review"
    submit_label = "Save the review"

    def review(self) -> Review:
        if not hasattr(self, "_review"):
            self._review = get_object_or_404(
                selectors.reviews_visible_to(acting_user(self.request)).select_related(
                    "plan__case", "case"
                ),
                pk=self.kwargs["pk"],
            )
        return self._review

    def back_url(self) -> str:
        review = self.review()
        case = review.case or (review.plan.case if review.plan else None)
        return case_url(case) if case else reverse("casework:caseload")

    def get_initial(self) -> dict[str, Any]:
        review = self.review()
        return {
            "meeting_on": review.meeting_on,
            "report_sent_on": review.report_sent_on,
            "outcome": review.outcome,
            "notes": review.notes,
        }

    def perform(self, form: forms.Form) -> HttpResponse:
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        services.review_update(by=acting_user(self.request), review=self.review(), **changed)
        messages.success(self.request, "The review has been saved.")
        return redirect(self.back_url())


class MyChildView(RoleRequiredMixin, TemplateView):
    template_name = "casework/my_child.html"
    roles = (Role.FAMILY,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        user = acting_user(self.request)
        children = []
        for child in selectors.children_visible_to(user).order_by("given_name"):
            case = selectors.cases_visible_to(user).filter(child=child).order_by("-pk").first()
            plan = selectors.plans_visible_to(user).filter(child=child).order_by("-pk").first()
            upcoming = (
                selectors.deadlines_visible_to(user, child_id=child.pk)
                .running()
                .order_by("due_on")
            )
            children.append(
                {
                    "child": child,
                    "case_text": wording.CASE_STATUS_FOR_FAMILIES[case.status].format(
                        name=child.given_name
                    )
                    if case
                    else "",
                    "plan": plan,
                    "documents": on_the_record(documents_visible_to(user).filter(child=child)),
                    "plan_text": wording.PLAN_STATUS_FOR_FAMILIES[plan.status] if plan else "",
                    "next_steps": [(_for_families(d.kind), d.due_on) for d in upcoming],
                    "deadlines": upcoming,
                    "sections": [
                        (letter, title, getattr(plan, name))
                        for name, letter, title in SECTIONS
                        if plan and getattr(plan, name)
                    ],
                    **family_period_context(plan),
                    **family_team_context(child, case),
                    "case_officer": plan.case_officer if plan else None,
                }
            )
        return super().get_context_data(
            children=children,
            panels=panels.FAMILY_PANELS,
            sen_team_contact=settings.PATHWAY_SEN_TEAM_CONTACT,
            **kwargs,
        )


class PlanCommentView(RoleRequiredMixin, ServiceFormView):
    """The family's representations on the draft or proposed amendments, one more each time."""

    roles = (Role.FAMILY,)
    form_class = RepresentationForm
    title = "Comment on the draft EHC plan"
    submit_label = "Send"

    def plan(self) -> EHCPlan:
        if not hasattr(self, "_plan"):
            self._plan = get_object_or_404(
                selectors.plans_visible_to(acting_user(self.request)), pk=self.kwargs["pk"]
            )
        return self._plan

    def get_form_kwargs(self) -> dict[str, Any]:
        # another family's plan, or none, is a 404 before any form is shown
        period = self.plan().family_period
        return {**super().get_form_kwargs(), "amendment": bool(period and period.is_amendment)}

    def back_url(self) -> str:
        return reverse("casework:my-child")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(intro=period_sentence(self.plan()), **kwargs)

    def perform(self, form: forms.Form) -> HttpResponse:
        services.representation_add(
            by=acting_user(self.request), plan=self.plan(), **form.cleaned_data
        )
        messages.success(self.request, "Thank you. We have received what you told us.")
        return redirect(self.back_url())
