"""Log in with a username or an email address, with a pause after too many wrong tries."""

from django.contrib.auth.backends import ModelBackend

from thegither.accounts.models import User
from thegither.accounts.selectors import login_pause_for, user_for_login_name
from thegither.accounts.services import login_failure_record, login_success_record
from thegither.core.clients import client_address

# The log-in form reads this from the request to say how long to wait.
PAUSE_ATTRIBUTE = "thegither_login_pause"


class EmailOrUsernameBackend(ModelBackend):
    """Let people log in with their username, or with their email if they gave one.

    Every log-in through Django's `authenticate` (the site's and the admin's) passes
    here, so this is where wrong tries are counted and pauses are enforced.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_for_login_name(username)
        client = client_address(request)
        pause = login_pause_for(user=user, login=username, client=client)
        if pause is None:
            if user is None:
                # Spend the same time as a real check so timing does not reveal who exists.
                User().set_password(password)
            elif user.check_password(password):
                if not self.user_can_authenticate(user):
                    return None  # switched off: the right password, so not a guess
                login_success_record(user=user)
                return user
            pause = login_failure_record(user=user, login=username, client=client)
        if pause is not None and request is not None:
            setattr(request, PAUSE_ATTRIBUTE, pause)
        return None
