from django.urls import path

from opendps.publication import views

app_name = "publication"

urlpatterns = [
    path("ocds/releases", views.release_list, name="releases"),
    path("ocds/records/<str:ocid>", views.record_detail, name="record"),
    path("ocds/publication-policy", views.publication_policy, name="policy"),
    path("ocds/export", views.bulk_export, name="export"),
    path("notices", views.notices_due, name="notices-due"),
    path("notices/record", views.notice_record, name="notice-record"),
]
