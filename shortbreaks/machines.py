"""The package and session machines, and what short breaks add to budgets and casework."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from budgets import selectors as budget_selectors
from budgets.panels import BUDGET_PANELS
from casework import models as casework_models
from casework import panels
from shortbreaks import messages, services
from shortbreaks.models import (
    ChangeStatus,
    Package,
    PackageStatus,
    ServiceChange,
    ServiceType,
    Session,
    SessionStatus,
)
from workflows.registry import Machine, registry


def active_packages_of(child: Any) -> QuerySet[Package]:
    return Package.objects.filter(child_id=child, status=PackageStatus.ACTIVE)


def active_package(case: Any) -> bool:
    if hasattr(case, "has_active_package"):
        return bool(case.has_active_package)
    return active_packages_of(case.child_id).exists()


def register() -> None:
    registry.register(
        Machine(
            model=Package,
            field_name="status",
            states=PackageStatus,
            case_of=lambda package: None,
            team_of=lambda package: package.team_id,
            verbose_name="package",
            child_lookups=("child",),
            team_lookup="team",
            step_url="shortbreaks:package-transition",
        )
    )
    registry.register(
        Machine(
            model=Session,
            field_name="status",
            states=SessionStatus,
            team_of=lambda session: session.package.team_id,
            verbose_name="session",
            child_lookups=("package__child",),
            team_lookup="package__team",
            step_url="shortbreaks:session-transition",
        )
    )
    registry.register(
        Machine(
            model=ServiceChange,
            field_name="status",
            states=ChangeStatus,
            verbose_name="change to the local offer",
        )
    )
    # The ledger postings of each session outcome, and the family's message on a cancellation,
    # in the step's own transaction.
    registry.hook(Session.deliver, effects=(services.pay_for_session,))
    registry.hook(
        Session.cancel, effects=(services.release_session,), notify=(messages.cancelled,)
    )
    registry.hook(Session.record_no_show, effects=(services.settle_no_show,))
    registry.hook(Session.correct_to_delivered, effects=(services.pay_for_corrected_session,))
    registry.hook(Package.end, effects=(services.package_end_cancel_sessions,))
    registry.hook(
        ServiceChange.approve,
        effects=(services.service_change_apply,),
        notify=(messages.change_decided,),
    )
    registry.hook(ServiceChange.reject, notify=(messages.change_decided,))
    budget_selectors.CATEGORY_LABELS.update(dict(ServiceType.choices))
    casework_models.SUPPORT_ARRANGED_CHECKS.append(active_package)
    casework_models.SUPPORT_ARRANGED_ANNOTATIONS["has_active_package"] = lambda: Exists(
        active_packages_of(OuterRef("child_id"))
    )
    panels.CASE_PANELS.append("shortbreaks/case_panel.html")
    panels.FAMILY_PANELS.append("shortbreaks/family_panel.html")
    BUDGET_PANELS.append("shortbreaks/budget_panel.html")
    panels.TEAM_LINKS.append(("Local offer changes waiting for approval", "shortbreaks:changes"))
    panels.TEAM_LINKS.append(("Services not checked for a year", "shortbreaks:stale-services"))
