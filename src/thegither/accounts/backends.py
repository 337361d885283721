"""Log in with a username or an email address."""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Q

from thegither.accounts.models import User

# The longest email address a person can have (RFC 5321); usernames are shorter.
MAX_LOGIN_NAME_LENGTH = 254


class EmailOrUsernameBackend(ModelBackend):
    """Let people log in with their username, or with their email if they gave one."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        login = username.strip()
        if len(login) > MAX_LOGIN_NAME_LENGTH:
            # Nobody's username or email is this long; never send it to the database.
            User().set_password(password)
            return None
        query = Q(username__iexact=login)
        if "@" in login:
            query |= Q(email__iexact=login)
        user = User.objects.filter(query).order_by("id").first()
        if user is None:
            # Spend the same time as a real check so timing does not reveal who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
