"""Mounted at `/api/openreferral/v3/`. Clients of the standard ask for `/services` as often as
`/services/`, so each path answers with or without its trailing slash (no redirect)."""

from django.urls import path, re_path

from shortbreaks.openreferral import api

ID = r"(?P<{}>[^/]+)"

urlpatterns = [
    path("", api.RootView.as_view(), name="openreferral-root"),
    path("openapi.json", api.OpenApiView.as_view(), name="openreferral-openapi"),
    re_path(r"^services/?$", api.ServiceListView.as_view(), name="openreferral-services"),
    re_path(
        rf"^services/{ID.format('service_id')}/?$",
        api.ServiceDetailView.as_view(),
        name="openreferral-service",
    ),
    re_path(
        r"^service_at_locations/?$",
        api.ServiceAtLocationListView.as_view(),
        name="openreferral-service-at-locations",
    ),
    re_path(
        rf"^service_at_locations/{ID.format('service_at_location_id')}/?$",
        api.ServiceAtLocationDetailView.as_view(),
        name="openreferral-service-at-location",
    ),
    re_path(r"^taxonomies/?$", api.TaxonomyListView.as_view(), name="openreferral-taxonomies"),
    re_path(
        rf"^taxonomies/{ID.format('taxonomy_id')}/?$",
        api.TaxonomyDetailView.as_view(),
        name="openreferral-taxonomy",
    ),
    re_path(
        r"^taxonomy_terms/?$",
        api.TaxonomyTermListView.as_view(),
        name="openreferral-taxonomy-terms",
    ),
    re_path(
        rf"^taxonomy_terms/{ID.format('taxonomy_term_id')}/?$",
        api.TaxonomyTermDetailView.as_view(),
        name="openreferral-taxonomy-term",
    ),
]
