from django.urls import path

from opendps.markets import views

app_name = "markets"

urlpatterns = [
    path("markets", views.market_list, name="list"),
    path("markets/new", views.market_create, name="create"),
    path("markets/<int:market_id>", views.market_detail, name="detail"),
    path("markets/<int:market_id>/edit", views.market_edit, name="edit"),
    path("markets/<int:market_id>/categories/new", views.category_add, name="category-add"),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questionnaire",
        views.questionnaire,
        name="questionnaire",
    ),
    path("markets/<int:market_id>/publish", views.market_publish, name="publish"),
    path("markets/<int:market_id>/validity", views.market_validity, name="validity"),
    path("markets/<int:market_id>/cease", views.market_cease, name="cease"),
    path("markets/<int:market_id>/members", views.market_members, name="members"),
    path("manage/markets", views.authority_markets, name="authority-markets"),
]
