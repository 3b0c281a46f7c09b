"""The demo's one proposed change waiting for approval (issue #21 item 5): the Saturday Club's
provider has rewritten its description and added a contact."""

from __future__ import annotations

from accounts.models import User
from shortbreaks import services
from shortbreaks.change_values import values_of
from shortbreaks.models import ChangeStatus, Service

DESCRIPTION = (
    "Games, cooking, music and trips every Saturday, 10am to 3pm, at the Strood hub. Children "
    "can come for the whole day or the morning only."
)
CONTACT = {
    "id": None,
    "name": "Priya Shah",
    "title": "Saturday Club coordinator",
    "email": "saturday.club@example.org",
    "phone": "01634 000111",
}


def waiting_change() -> str:
    """Propose the change as the provider's demo login, once: a second run finds it there."""
    service = Service.objects.filter(name="Saturday Club").select_related("provider").first()
    if service is None:
        return "no Saturday Club to propose a change to"
    if service.changes.filter(status=ChangeStatus.PROPOSED).exists():
        return "1 change waiting for approval"
    values = values_of(service)
    values["description"] = DESCRIPTION
    values["contacts"] = [*values["contacts"], CONTACT]
    services.service_change_propose(
        by=User.objects.get(email="provider@example.org"),
        provider=service.provider,
        service=service,
        values=values,
    )
    return "1 change waiting for approval"
