from django.conf import settings
from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict[str, object]:
    return {
        "service_name": settings.PATHWAY_SERVICE_NAME,
        "council_name": settings.PATHWAY_COUNCIL_NAME,
    }
