"""Writes for accounts: invitations, roles, guardian authorisation, passwords, log-in,
organisations.

Every change to people, roles and passwords goes through these functions and is
written to the audit log, so the admin, pages and scripts all behave the same.
Each module holds one concern; this package exports them all, so callers write
`from thegither.accounts.services import invitation_create`.
"""

from thegither.accounts.services.codes import CODE_ALPHABET, CODE_LENGTH, code_make, code_normalise
from thegither.accounts.services.email import email_change, email_changed_email_send
from thegither.accounts.services.invitations import (
    INVITATION_LIFETIME,
    invitation_accept,
    invitation_create,
)
from thegither.accounts.services.lockout import (
    login_failure_record,
    login_locks_forget_stale,
    login_success_record,
    login_unlock,
    login_unlock_with_new_password,
)
from thegither.accounts.services.organisations import (
    AREA_NAME_MAX,
    LOGO_MAX_BYTES,
    ORGANISATION_NAME_MAX,
    account_deactivate,
    account_reactivate,
    area_add,
    area_remove,
    area_rename,
    invitation_cancel,
    membership_remove,
    organisation_details_change,
    organisation_logo_change,
    organisation_logo_remove,
)
from thegither.accounts.services.passwords import (
    PASSWORD_ACTIONS,
    RESET_CODE_LIFETIME,
    password_changed_email_send,
    password_set,
    reset_code_issue,
    reset_code_use,
)
from thegither.accounts.services.people import (
    guardian_authorisation_record,
    membership_role_change,
)
from thegither.accounts.services.sessions import sessions_end_everywhere
from thegither.accounts.services.setup import organisation_set_up
from thegither.accounts.services.two_step import (
    RECOVERY_CODE_COUNT,
    organisation_two_step_require,
    recovery_code_display,
    two_step_app_link,
    two_step_key_for_typing,
    two_step_key_make,
    two_step_recovery_codes_renew,
    two_step_reset,
    two_step_set_up,
    two_step_turn_off,
    two_step_verify,
)

__all__ = [
    "AREA_NAME_MAX",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "INVITATION_LIFETIME",
    "LOGO_MAX_BYTES",
    "ORGANISATION_NAME_MAX",
    "PASSWORD_ACTIONS",
    "RECOVERY_CODE_COUNT",
    "RESET_CODE_LIFETIME",
    "account_deactivate",
    "account_reactivate",
    "area_add",
    "area_remove",
    "area_rename",
    "code_make",
    "code_normalise",
    "email_change",
    "email_changed_email_send",
    "guardian_authorisation_record",
    "invitation_accept",
    "invitation_cancel",
    "invitation_create",
    "login_failure_record",
    "login_locks_forget_stale",
    "login_success_record",
    "login_unlock",
    "login_unlock_with_new_password",
    "membership_remove",
    "membership_role_change",
    "organisation_details_change",
    "organisation_logo_change",
    "organisation_logo_remove",
    "organisation_set_up",
    "organisation_two_step_require",
    "password_changed_email_send",
    "password_set",
    "recovery_code_display",
    "reset_code_issue",
    "reset_code_use",
    "sessions_end_everywhere",
    "two_step_app_link",
    "two_step_key_for_typing",
    "two_step_key_make",
    "two_step_recovery_codes_renew",
    "two_step_reset",
    "two_step_set_up",
    "two_step_turn_off",
    "two_step_verify",
]
