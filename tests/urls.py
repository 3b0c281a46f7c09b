from django.urls import include, path
from rest_framework.routers import DefaultRouter

from config.urls import handler400, handler403, handler404, handler500, urlpatterns
from tests.engine.api import ErrandViewSet

router = DefaultRouter()
router.register("errands", ErrandViewSet, basename="errand")

urlpatterns = [*urlpatterns, path("api/test/", include(router.urls))]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
