from django.urls import path

from thegither.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change_view, name="password-change"),
    path("password/changed/", views.password_change_done_view, name="password-change-done"),
    path("password-reset/", views.password_reset_view, name="password-reset"),
    path("password-reset/sent/", views.password_reset_done_view, name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.password_reset_confirm_view,
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        views.password_reset_complete_view,
        name="password-reset-complete",
    ),
    path("password-reset/code/", views.reset_code, name="reset-code"),
    path("join/<str:token>/", views.join, name="join"),
    path(
        "organisations/<slug:slug>/invitations/new/",
        views.invitation_new,
        name="invitation-create",
    ),
    path("organisations/<slug:slug>/people/", views.people, name="people"),
    path(
        "organisations/<slug:slug>/people/<int:pk>/guardian/",
        views.guardian_authorise,
        name="guardian-authorise",
    ),
    path("organisations/<slug:slug>/people/<int:pk>/role/", views.member_role, name="member-role"),
    path(
        "organisations/<slug:slug>/people/<int:pk>/reset-code/",
        views.reset_code_new,
        name="reset-code-create",
    ),
    path("organisations/<slug:slug>/theme.css", views.theme_css, name="theme-css"),
]
