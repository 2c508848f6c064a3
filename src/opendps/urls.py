from django.contrib import admin
from django.urls import include, path

from opendps.api import api

urlpatterns = [
    # First: Django tries the patterns in order, and the API's paths are the busiest (an API
    # request walked ~140 page patterns before its own, issue 17). Nothing else is under it.
    path("api/v1/", api.urls),
    path("", include("opendps.web.urls")),
    path("account/", include("opendps.accounts.urls")),
    path("", include("opendps.markets.urls")),
    path("", include("opendps.membership.urls")),
    path("", include("opendps.competitions.urls")),
    path("", include("opendps.contracts.urls")),
    path("", include("opendps.challenges.urls")),
    path("", include("opendps.insights.urls")),
    path("", include("opendps.publication.urls")),
    path("", include("opendps.alerts.urls")),
    path("", include("opendps.brokerage.urls")),
    path("", include("opendps.availability.urls")),
    path("admin/", admin.site.urls),
]

# Error pages in the GOV.UK layout (JSON under /api/): opendps.web.views.errors
handler400 = "opendps.web.views.bad_request"
handler403 = "opendps.web.views.permission_denied"
handler404 = "opendps.web.views.page_not_found"
handler500 = "opendps.web.views.server_error"
