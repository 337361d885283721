"""Writes for accounts: invitations, roles, guardian authorisation, passwords, organisations.

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
    password_set,
    reset_code_issue,
    reset_code_use,
)
from thegither.accounts.services.people import (
    guardian_authorisation_record,
    membership_role_change,
)

__all__ = [
    "AREA_NAME_MAX",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "INVITATION_LIFETIME",
    "LOGO_MAX_BYTES",
    "ORGANISATION_NAME_MAX",
    "PASSWORD_ACTIONS",
    "RESET_CODE_LIFETIME",
    "account_deactivate",
    "account_reactivate",
    "area_add",
    "area_remove",
    "area_rename",
    "code_make",
    "code_normalise",
    "guardian_authorisation_record",
    "invitation_accept",
    "invitation_cancel",
    "invitation_create",
    "membership_remove",
    "membership_role_change",
    "organisation_details_change",
    "organisation_logo_change",
    "organisation_logo_remove",
    "password_set",
    "reset_code_issue",
    "reset_code_use",
]
