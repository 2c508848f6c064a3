from django.contrib import admin
from django.urls import include, path

from opendps.api import api

urlpatterns = [
    path("", include("opendps.web.urls")),
    path("account/", include("opendps.accounts.urls")),
    path("", include("opendps.markets.urls")),
    path("", include("opendps.membership.urls")),
    path("", include("opendps.competitions.urls")),
    path("", include("opendps.contracts.urls")),
    path("", include("opendps.insights.urls")),
    path("", include("opendps.publication.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
