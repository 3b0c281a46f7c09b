from csp.decorators import csp_update
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts.api import LogoutAllView, LogoutView, MeView, ObtainTokenView
from budgets import api as budgets_api
from casework.api import router as casework_api
from casework.api import urlpatterns as casework_api_paths
from commissioning import api as commissioning_api
from shortbreaks.api import router as shortbreaks_api
from workflows.api import notifications_router
from workflows.views import LoadTestFloorView, NotificationsView, healthz

api_v1 = [
    path("auth/token/", ObtainTokenView.as_view(), name="auth-token"),
    path("auth/logout/", LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", LogoutAllView.as_view(), name="auth-logout-all"),
    path("auth/me/", MeView.as_view(), name="auth-me"),
    *casework_api.urls,
    *casework_api_paths,
    *budgets_api.urls,
    *shortbreaks_api.urls,
    *commissioning_api.urls,
    *notifications_router.urls,
]

urlpatterns = [
    # First: an API request is resolved without trying the pages' hundred-odd patterns first
    # (no page's path begins with api/, so none is shadowed).
    path("api/v1/", include(api_v1)),
    path("", include("accounts.urls")),
    path("", include("casework.urls")),
    path("", include("budgets.urls")),
    path("", include("shortbreaks.urls")),
    path("", include("commissioning.urls")),
    path("healthz", healthz, name="healthz"),
    path("notifications/", NotificationsView.as_view(), name="notifications"),
    path("admin/", admin.site.urls),
    path("api/openreferral/v3/", include("shortbreaks.openreferral.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file, so the CSP keeps inline
    # scripts out; its page has one inline <style>, allowed here only.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
]

if settings.PATHWAY_LOADTEST_FLOOR:
    urlpatterns.append(path("loadtest-floor/", LoadTestFloorView.as_view(), name="loadtest-floor"))

handler400 = "workflows.views.bad_request"
handler403 = "workflows.views.permission_denied"
handler404 = "workflows.views.page_not_found"
handler500 = "workflows.views.server_error"
