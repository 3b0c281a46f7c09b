"""Short-break pages: the public services statement, packages and bookings, the provider's day."""

from __future__ import annotations

import datetime as dt
from itertools import groupby
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.generic import TemplateView

from accounts.roles import Role
from budgets.selectors import budgets_visible_to
from casework.selectors import cases_visible_to
from casework.services import access_record
from casework.views import RoleRequiredMixin, StaffOnly
from shortbreaks import selectors, services
from shortbreaks.directory import (
    COSTS,
    CSV_HEADER,
    PER_PAGE,
    csv_rows,
    directory_filters,
)
from shortbreaks.forms import BookingForm, CareNotesForm, PackageRequestForm
from shortbreaks.models import (
    Access,
    CareNotes,
    Need,
    Package,
    ServiceType,
    Session,
    SessionStatus,
    Weekday,
)
from workflows import clock
from workflows.acting import acting_user
from workflows.checks import transition_label, unmet_conditions
from workflows.errors import InvalidParams, WorkflowError
from workflows.exports import csv_download
from workflows.registry import registry
from workflows.views import ServiceFormView, TransitionFormView


def package_url(package: Package) -> str:
    return reverse("shortbreaks:package", args=[package.pk])


class ServicesStatementView(TemplateView):
    """The short breaks services statement as a directory: search and filters, public, no
    sign-in. What the page cannot use from the query string is named, never a 400."""

    template_name = "shortbreaks/statement.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        filters = directory_filters(self.request.GET)
        found = selectors.public_services(**filters.selection())
        page = Paginator(found, PER_PAGE).get_page(self.request.GET.get("page"))
        labels = dict(ServiceType.choices)
        groups = [
            (labels[type_], list(items))
            for type_, items in groupby(page.object_list, key=lambda service: service.type)
        ]
        query = filters.urlencode()
        here = f"{query}&page={page.number}" if query else f"page={page.number}"
        return super().get_context_data(
            filters=filters,
            page_obj=page,
            count=page.paginator.count,
            groups=groups,
            page_query=query,
            here=here,
            types=ServiceType.choices,
            needs=Need.choices,
            access_levels=Access.choices,
            costs=list(COSTS.items()),
            days=Weekday.choices,
            family_information=settings.PATHWAY_FAMILY_INFORMATION,
            **kwargs,
        )


class ServicePageView(TemplateView):
    """One service of the directory, public: everything a family needs to use it."""

    template_name = "shortbreaks/service.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        service = get_object_or_404(
            selectors.public_service_pages(), uuid=kwargs.pop("service_id")
        )
        query = directory_filters(self.request.GET).pairs()
        page = self.request.GET.get("page", "")
        if page.isascii() and page.isdecimal():
            query.append(("page", page))
        user = self.request.user
        return super().get_context_data(
            service=service,
            back_query=urlencode(query),
            out_of_date=selectors.needs_checking(service),
            can_edit=selectors.is_offer_editor(user),
            can_propose=selectors.services_of_provider_login(user).filter(pk=service.pk).exists(),
            family_information=settings.PATHWAY_FAMILY_INFORMATION,
            **kwargs,
        )


def services_statement_csv(request: HttpRequest) -> HttpResponse:
    services_ = selectors.public_services(**directory_filters(request.GET).selection())
    return csv_download([CSV_HEADER, *csv_rows(services_)], "short-breaks-services-statement.csv")


class PackageRequestView(StaffOnly, ServiceFormView):
    form_class = PackageRequestForm
    title = "Ask for a short-break package"
    submit_label = "Ask for the package"

    def case(self) -> Any:
        return get_object_or_404(
            cases_visible_to(acting_user(self.request)).select_related("child"),
            pk=self.kwargs["pk"],
        )

    def get_form(self, form_class: Any = None) -> forms.Form:
        form = super().get_form(form_class)
        budgets = budgets_visible_to(acting_user(self.request)).filter(
            child_id=self.case().child_id, status="active"
        )
        cast(forms.ModelChoiceField, form.fields["budget"]).queryset = budgets
        return form

    def back_url(self) -> str:
        return reverse("casework:case", args=[self.kwargs["pk"]])

    def perform(self, form: forms.Form) -> HttpResponse:
        package = services.package_request(
            by=acting_user(self.request), child=self.case().child, **form.cleaned_data
        )
        messages.success(self.request, "The package has been asked for: a manager will decide.")
        return redirect(package_url(package))


class PackagePageView(StaffOnly, TemplateView):
    template_name = "shortbreaks/package.html"

    def package(self) -> Package:
        return get_object_or_404(
            selectors.packages_visible_to(acting_user(self.request)).select_related(
                "child", "service__provider", "budget"
            ),
            pk=self.kwargs["pk"],
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        package = self.package()
        user = acting_user(self.request)
        access_record(by=user, child_id=package.child_id, record=package, via="page")
        sessions = list(package.sessions.order_by("date", "pk"))
        months = [
            (month, list(items))
            for month, items in groupby(sessions, key=lambda s: s.date.replace(day=1))
        ]
        return super().get_context_data(
            package=package,
            months=months,
            form=kwargs.pop("form", None)
            or BookingForm(initial={"start_on": package.start_on, "end_on": package.end_on}),
            today=clock.today(),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = BookingForm(request.POST)
        package = self.package()
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["weekday"] is not None:
                    dates = services.package_weekly_dates(
                        package=package,
                        start_on=data["start_on"],
                        end_on=data["end_on"],
                        weekday=data["weekday"],
                    )
                elif data["date"]:
                    dates = [data["date"]]
                else:
                    raise InvalidParams(
                        {"date": ["Give a date, or a day of the week to book weekly."]}
                    )
                booked = services.sessions_book(
                    by=acting_user(request),
                    package=package,
                    dates=dates,
                    units=str(data["units"]),
                )
            except InvalidParams as error:
                for field, problems in error.fields.items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
                return self.render_to_response(self.get_context_data(form=form), status=400)
            except WorkflowError as error:
                context = self.get_context_data(
                    form=form, errors=[{"text": reason} for reason in error.reasons]
                )
                return self.render_to_response(context, status=409)
            messages.success(
                request, f"{len(booked)} session{'s' if len(booked) != 1 else ''} booked."
            )
            return redirect(package_url(package))
        return self.render_to_response(self.get_context_data(form=form), status=400)


class PackageTransitionView(StaffOnly, TransitionFormView):
    def get_record(self) -> Package:
        return get_object_or_404(
            selectors.packages_visible_to(acting_user(self.request)), pk=self.kwargs["pk"]
        )

    def get_success_url(self, record: Any) -> str:
        return package_url(record)


class SessionTransitionView(RoleRequiredMixin, TransitionFormView):
    roles = (Role.PRACTITIONER, Role.PROVIDER)

    def get_record(self) -> Session:
        return get_object_or_404(
            selectors.sessions_visible_to(acting_user(self.request)), pk=self.kwargs["pk"]
        )

    def get_success_url(self, record: Any) -> str:
        if acting_user(self.request).has_role(Role.PROVIDER):
            return reverse("shortbreaks:provider-day", args=[record.date.isoformat()])
        return package_url(record.package)


class ProviderHomeView(RoleRequiredMixin, TemplateView):
    """The provider's start page: today's bookings and the rest of this week's."""

    template_name = "shortbreaks/provider.html"
    roles = (Role.PROVIDER,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = clock.today()
        week_end = today + dt.timedelta(days=6 - today.weekday())
        sessions = list(
            selectors.provider_sessions(acting_user(self.request), start=today, end=week_end)
        )
        return super().get_context_data(
            today=today,
            todays=[s for s in sessions if s.date == today],
            todays_left=any(
                s.date == today and s.status == SessionStatus.BOOKED for s in sessions
            ),
            week=[
                (day, list(items))
                for day, items in groupby(
                    (s for s in sessions if s.date > today), key=lambda s: s.date
                )
            ],
            recent=[today - dt.timedelta(days=days) for days in range(1, 8)],
            **kwargs,
        )


class CareNotesView(RoleRequiredMixin, ServiceFormView):
    """A child's care and emergency-contact notes, written by the family or the child's team."""

    form_class = CareNotesForm
    roles = (Role.PRACTITIONER, Role.FAMILY)
    submit_label = "Save the notes"

    def child(self) -> Any:
        return get_object_or_404(
            selectors.children_with_care_notes_editable_by(acting_user(self.request)),
            pk=self.kwargs["pk"],
        )

    def get_initial(self) -> dict[str, Any]:
        notes = CareNotes.objects.filter(child=self.child()).first()
        if notes is None:
            return {}
        access_record(
            by=acting_user(self.request), child_id=notes.child_id, record=notes, via="page"
        )
        return {
            "care_needs": notes.care_needs,
            "emergency_contact_name": notes.emergency_contact_name,
            "emergency_contact_phone": notes.emergency_contact_phone,
            "shared_with_providers": notes.shared_with_providers,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        child = self.child()
        self.title = f"Care and emergency contact notes for {child.given_name}"
        return super().get_context_data(
            caption=child.full_name,
            intro=(
                "Short-break providers see these notes only if you tick the box to share them, "
                "and only providers with a booking for the child. Staff of the child's team can "
                "see and change them."
            ),
            **kwargs,
        )

    def back_url(self) -> str:
        user = acting_user(self.request)
        if user.has_role(Role.FAMILY) and not user.has_role(Role.PRACTITIONER):
            return reverse("casework:my-child")
        case = cases_visible_to(user).filter(child_id=self.kwargs["pk"]).order_by("-pk").first()
        return reverse("casework:case", args=[case.pk]) if case else reverse("casework:caseload")

    def perform(self, form: forms.Form) -> HttpResponse:
        services.care_notes_save(
            by=acting_user(self.request), child=self.child(), **form.cleaned_data
        )
        messages.success(self.request, "Care and emergency contact notes saved.")
        return redirect(self.back_url())


CALENDAR_DAYS = 28


class ProviderCalendarView(RoleRequiredMixin, TemplateView):
    """The provider's bookings for the next four weeks, day by day."""

    template_name = "shortbreaks/provider_calendar.html"
    roles = (Role.PROVIDER,)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        today = clock.today()
        last = today + dt.timedelta(days=CALENDAR_DAYS - 1)
        sessions = selectors.provider_calendar(acting_user(self.request), start=today, end=last)
        labels = dict(SessionStatus.choices)
        return super().get_context_data(
            today=today,
            last=last,
            days=[
                (day, [{**item, "status_label": labels[item["status"]]} for item in items])
                for day, items in groupby(sessions, key=lambda s: s["date"])
            ],
            **kwargs,
        )


# The step that corrects each recorded outcome, offered beside it on the provider's day.
CORRECTIONS = {
    SessionStatus.DELIVERED: "correct_to_no_show",
    SessionStatus.NO_SHOW: "correct_to_delivered",
}


def _with_care_notes(user: Any, sessions: list[Session]) -> list[Session]:
    """Each session with its child's care notes (`session.care_notes`) where the family shares
    them with this provider; None otherwise."""
    shared = {
        notes.child_id: notes
        for notes in selectors.care_notes_shared_with_provider(
            user, {session.package.child_id for session in sessions}
        )
    }
    for session in sessions:
        session.care_notes = shared.get(session.package.child_id)  # type: ignore[attr-defined]
    return sessions


def _with_corrections(sessions: list[Session]) -> list[Session]:
    """Each recorded session with its correction (`session.correction`), or why it is not
    possible: only the provider's own sessions reach this page, so only the step's conditions
    can stand in the way."""
    machine = registry.machine_for(Session)
    for session in sessions:
        name = CORRECTIONS.get(session.status)
        fsm_transition = machine.transition_from(session.status, name) if name else None
        session.correction = fsm_transition and {  # type: ignore[attr-defined]
            "name": name,
            "label": transition_label(fsm_transition),
            "reasons": unmet_conditions(fsm_transition, session),
        }
    return sessions


class ProviderDayView(RoleRequiredMixin, TemplateView):
    """Record a day's sessions at once: delivered, or did not attend."""

    template_name = "shortbreaks/provider_day.html"
    roles = (Role.PROVIDER,)

    def day(self) -> dt.date:
        try:
            return dt.date.fromisoformat(self.kwargs["day"])
        except ValueError:
            raise Http404("No such day") from None

    def sessions(self) -> list[Session]:
        day = self.day()
        return list(selectors.provider_sessions(acting_user(self.request), start=day, end=day))

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.pop("day", None)  # the URL's text; the page uses the parsed date
        sessions = kwargs.pop("sessions", None)
        if sessions is None:
            sessions = self.sessions()
        return super().get_context_data(
            date=self.day(),
            sessions=_with_care_notes(acting_user(self.request), _with_corrections(sessions)),
            can_record=self.day() <= clock.today(),
            left_to_record=any(session.status == SessionStatus.BOOKED for session in sessions),
            **kwargs,
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        day_sessions = self.sessions()
        sessions = {
            session.pk: session
            for session in day_sessions
            if session.status == SessionStatus.BOOKED
        }
        if day_sessions and not sessions:
            # A second press, or another tab, after the day was recorded: say so, change nothing.
            return self.render_to_response(
                self.get_context_data(
                    sessions=day_sessions,
                    notice="All sessions for this day were already recorded: nothing was changed.",
                )
            )
        outcomes = {}
        for key, value in request.POST.items():
            if key.startswith("session-") and value in {"delivered", "no_show"}:
                session_id = key.removeprefix("session-")
                if session_id.isdecimal() and int(session_id) in sessions:
                    outcomes[sessions[int(session_id)]] = value
        if not outcomes:
            return self.render_to_response(
                self.get_context_data(
                    errors=[{"text": "Choose what happened for at least one booking."}]
                ),
                status=400,
            )
        try:
            count = services.sessions_record_day(by=acting_user(request), outcomes=outcomes)
        except WorkflowError as error:
            context = self.get_context_data(errors=[{"text": reason} for reason in error.reasons])
            return self.render_to_response(context, status=409)
        messages.success(request, f"{count} booking{'s' if count != 1 else ''} recorded.")
        return redirect(reverse("shortbreaks:provider-day", args=[self.day().isoformat()]))
