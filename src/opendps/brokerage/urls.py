from django.urls import path

from opendps.brokerage import views

app_name = "brokerage"

urlpatterns = [
    path("capacity", views.capacity, name="capacity"),
    path("placements/<int:placement_id>", views.placement, name="placement"),
    path("placements/<int:placement_id>/accept", views.placement_accept, name="placement-accept"),
    path(
        "placements/<int:placement_id>/decline", views.placement_decline, name="placement-decline"
    ),
    path("calls/<int:call_id>/tender/from-offer", views.tender_from_offer, name="from-offer"),
]
