from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    """The service's names, and the signed-in person's unread count, read only if shown."""
    user = request.user

    def unread() -> int:
        return user.notifications.filter(read_at__isnull=True).count()  # type: ignore[union-attr]

    return {
        "service_name": settings.PATHWAY_SERVICE_NAME,
        "council_name": settings.PATHWAY_COUNCIL_NAME,
        "unread_notifications": unread if user.is_authenticated else 0,
    }
