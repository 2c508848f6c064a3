from django.urls import path

from opendps.accounts import views

app_name = "accounts"

urlpatterns = [
    path("sign-in", views.SignInView.as_view(), name="sign-in"),
    path("sign-out", views.SignOutView.as_view(), name="sign-out"),
    path("register", views.register, name="register"),
    path("register/sent", views.register_sent, name="register-sent"),
    path("organisation", views.organisation_page, name="organisation"),
    path("organisation/team", views.team_page, name="team"),
    path(
        "organisation/team/<int:membership_id>/remove",
        views.team_member_remove,
        name="team-member-remove",
    ),
    path("organisation/staff-activity", views.staff_activity, name="staff-activity"),
    path("invitations/<str:secret>", views.invitation_accept, name="invitation-accept"),
    path("tokens", views.tokens_page, name="tokens"),
    path("tokens/<int:token_id>/revoke", views.token_revoke, name="token-revoke"),
    path("password", views.password_change, name="password-change"),
    path("password-reset", views.password_reset, name="password-reset"),
    path("password-reset/sent", views.password_reset_sent, name="password-reset-sent"),
    path(
        "password-reset/<uidb64>/<token>",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("password-reset/done", views.password_reset_complete, name="password-reset-complete"),
]
