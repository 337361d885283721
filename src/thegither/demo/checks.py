"""A deploy check: a real site must not have any account with the published demo password."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.db import DatabaseError

DEMO_LOGINS_CHECK = "thegither.E001"


@register(Tags.security, deploy=True)
def check_no_demo_password(app_configs=None, databases=None, **kwargs):
    """Fail `check --deploy` while any account that could matter uses the demo password.

    Checking a password costs a full hash, so the check looks at the demo's own
    usernames and at everyone with power (site administrators, staff and admins
    of an organisation), not at every young person.
    """
    from thegither.demo.services import accounts_with_demo_password

    if not settings.PRODUCTION:
        return []
    try:
        found = accounts_with_demo_password()
    except DatabaseError:
        # Not migrated yet: no accounts, so nothing to find. `migrate` runs the checks again.
        return []
    if not found:
        return []
    return [
        Error(
            f"{len(found)} account(s) use the published demo password: {', '.join(found)}.",
            hint=(
                "A real site must not keep the demo's log-ins. Remove these accounts "
                "(thegither shell, or the admin) or give them new passwords, then check again."
            ),
            id=DEMO_LOGINS_CHECK,
        )
    ]
