from django.urls import path

from thegither.accounts.views import (
    account,
    joining,
    log_in,
    organisation,
    passwords,
    people,
    two_step,
)

app_name = "accounts"
urlpatterns = [
    path("", log_in.dashboard, name="dashboard"),
    path("login/", log_in.login_view, name="login"),
    path("logout/", log_in.logout_view, name="logout"),
    path("password/", passwords.password_change_view, name="password-change"),
    path("password/changed/", passwords.password_change_done_view, name="password-change-done"),
    path("password-reset/", passwords.password_reset_view, name="password-reset"),
    path("password-reset/sent/", passwords.password_reset_done_view, name="password-reset-done"),
    path(
        "password-reset/<uidb64>/<token>/",
        passwords.password_reset_confirm_view,
        name="password-reset-confirm",
    ),
    path(
        "password-reset/done/",
        passwords.password_reset_complete_view,
        name="password-reset-complete",
    ),
    path("password-reset/code/", passwords.reset_code, name="reset-code"),
    path("join/<str:token>/", joining.join, name="join"),
    path(
        "organisations/<slug:slug>/invitations/new/",
        joining.invitation_new,
        name="invitation-create",
    ),
    path("organisations/<slug:slug>/people/", people.people, name="people"),
    path(
        "organisations/<slug:slug>/people/<int:pk>/guardian/",
        people.guardian_authorise,
        name="guardian-authorise",
    ),
    path("organisations/<slug:slug>/people/<int:pk>/role/", people.member_role, name="member-role"),
    path(
        "organisations/<slug:slug>/people/<int:pk>/reset-code/",
        people.reset_code_new,
        name="reset-code-create",
    ),
    path(
        "organisations/<slug:slug>/people/<int:pk>/unlock/",
        people.person_unlock,
        name="person-unlock",
    ),
    path("organisations/<slug:slug>/theme.css", organisation.theme_css, name="theme-css"),
    # Your account, sessions and two-step log-in.
    path("account/", account.account, name="account"),
    path("account/email/", account.email, name="email-change"),
    path("account/log-out-everywhere/", account.log_out_everywhere, name="log-out-everywhere"),
    path("session/", account.session, name="session"),
    path("login/code/", two_step.login_code, name="login-code"),
    path("two-step/", two_step.two_step, name="two-step"),
    path("two-step/set-up/", two_step.two_step_set_up, name="two-step-set-up"),
    path("two-step/turn-off/", two_step.two_step_turn_off, name="two-step-turn-off"),
    path(
        "two-step/recovery-codes/",
        two_step.two_step_recovery_codes,
        name="two-step-recovery-codes",
    ),
    path(
        "organisations/<slug:slug>/two-step/",
        two_step.organisation_two_step,
        name="organisation-two-step",
    ),
    path(
        "organisations/<slug:slug>/two-step/<int:pk>/reset/",
        two_step.two_step_reset_view,
        name="two-step-reset",
    ),
    path(
        "organisations/<slug:slug>/invitations/ready/",
        joining.invitation_ready,
        name="invitation-ready",
    ),
    # Looking after an organisation (views/organisation.py)
    path(
        "organisations/<slug:slug>/logo/<str:name>",
        organisation.organisation_logo,
        name="organisation-logo",
    ),
    path(
        "organisations/<slug:slug>/settings/",
        organisation.organisation_settings,
        name="organisation-settings",
    ),
    path(
        "organisations/<slug:slug>/settings/logo/",
        organisation.organisation_logo_new,
        name="organisation-logo-change",
    ),
    path(
        "organisations/<slug:slug>/settings/logo/remove/",
        organisation.organisation_logo_delete,
        name="organisation-logo-remove",
    ),
    path("organisations/<slug:slug>/areas/", organisation.areas, name="areas"),
    path(
        "organisations/<slug:slug>/areas/<int:pk>/rename/",
        organisation.area_rename_view,
        name="area-rename",
    ),
    path(
        "organisations/<slug:slug>/areas/<int:pk>/remove/",
        organisation.area_remove_view,
        name="area-remove",
    ),
    path(
        "organisations/<slug:slug>/invitations/<int:pk>/cancel/",
        organisation.invitation_cancel_view,
        name="invitation-cancel",
    ),
    path(
        "organisations/<slug:slug>/people/<int:pk>/switch-off/",
        organisation.account_deactivate_view,
        name="account-deactivate",
    ),
    path(
        "organisations/<slug:slug>/people/<int:pk>/switch-on/",
        organisation.account_reactivate_view,
        name="account-reactivate",
    ),
    path(
        "organisations/<slug:slug>/people/<int:pk>/remove/",
        organisation.member_remove,
        name="member-remove",
    ),
]
