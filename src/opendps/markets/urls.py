from django.urls import path

from opendps.markets import questionnaire_views, views

app_name = "markets"

urlpatterns = [
    path("markets", views.market_list, name="list"),
    path("markets/new", views.market_create, name="create"),
    path("markets/<int:market_id>", views.market_detail, name="detail"),
    path("markets/<int:market_id>/edit", views.market_edit, name="edit"),
    path("markets/<int:market_id>/categories/new", views.category_add, name="category-add"),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questionnaire",
        questionnaire_views.questionnaire,
        name="questionnaire",
    ),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questionnaire/builder",
        questionnaire_views.builder,
        name="questionnaire-builder",
    ),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questionnaire/preview",
        questionnaire_views.preview,
        name="questionnaire-preview",
    ),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questions/new",
        questionnaire_views.question_add,
        name="question-add",
    ),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questions/<str:question_id>",
        questionnaire_views.question_edit,
        name="question-edit",
    ),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questions/<str:question_id>/remove",
        questionnaire_views.question_remove,
        name="question-remove",
    ),
    path(
        "markets/<int:market_id>/categories/<int:category_id>/questions/<str:question_id>/move",
        questionnaire_views.question_move,
        name="question-move",
    ),
    path("markets/<int:market_id>/publish", views.market_publish, name="publish"),
    path("markets/<int:market_id>/validity", views.market_validity, name="validity"),
    path("markets/<int:market_id>/cease", views.market_cease, name="cease"),
    path("markets/<int:market_id>/members", views.market_members, name="members"),
    path("manage/markets", views.authority_markets, name="authority-markets"),
]
