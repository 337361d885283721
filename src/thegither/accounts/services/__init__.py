"""Writes for accounts: invitations, roles, guardian authorisation, passwords.

Every change to people, roles and passwords goes through these functions and is
written to the audit log, so the admin, pages and scripts all behave the same.
Each module holds one concern; this package exports them all, so callers write
`from thegither.accounts.services import invitation_create`.
"""

from thegither.accounts.services.codes import CODE_ALPHABET, CODE_LENGTH, code_make, code_normalise
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
from thegither.accounts.services.passwords import (
    PASSWORD_ACTIONS,
    RESET_CODE_LIFETIME,
    password_set,
    reset_code_issue,
    reset_code_use,
)
from thegither.accounts.services.people import (
    guardian_authorisation_record,
    membership_role_change,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "INVITATION_LIFETIME",
    "PASSWORD_ACTIONS",
    "RESET_CODE_LIFETIME",
    "code_make",
    "code_normalise",
    "guardian_authorisation_record",
    "invitation_accept",
    "invitation_create",
    "login_failure_record",
    "login_locks_forget_stale",
    "login_success_record",
    "login_unlock",
    "login_unlock_with_new_password",
    "membership_role_change",
    "password_set",
    "reset_code_issue",
    "reset_code_use",
]
