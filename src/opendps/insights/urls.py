from django.urls import path

from opendps.insights import views

app_name = "insights"

urlpatterns = [
    path("insights", views.index, name="index"),
    path("insights/supplier", views.supplier, name="supplier"),
    path(
        "insights/supplier/export/<slug:table>.<str:fmt>",
        views.supplier_export,
        name="supplier-export",
    ),
    path("insights/markets/<int:market_id>", views.market, name="market"),
    path(
        "insights/markets/<int:market_id>/export/<slug:table>.<str:fmt>",
        views.market_export,
        name="market-export",
    ),
    path(
        "insights/categories/<int:category_id>/past-performance",
        views.past_performance,
        name="past-performance",
    ),
    path(
        "insights/categories/<int:category_id>/past-performance/export/<slug:table>.<str:fmt>",
        views.past_performance_export,
        name="past-performance-export",
    ),
]
