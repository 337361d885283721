"""Django's four password checks, saying what is wrong in plain words.

Each one checks exactly what Django's does; only the words change, so a
12-year-old knows what to do next. settings.AUTH_PASSWORD_VALIDATORS names these.
"""

from django.contrib.auth import password_validation as django_validators
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MinimumLengthValidator(django_validators.MinimumLengthValidator):
    def get_error_message(self):
        return ngettext(
            "Your password is too short. Use at least %(min_length)d character.",
            "Your password is too short. Use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self):
        return ngettext(
            "At least %(min_length)d character.",
            "At least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


class UserAttributeSimilarityValidator(django_validators.UserAttributeSimilarityValidator):
    # Our people have a username, a name people see and maybe an email address.
    DEFAULT_USER_ATTRIBUTES = ("username", "display_name", "email")

    def __init__(self, user_attributes=DEFAULT_USER_ATTRIBUTES, max_similarity=0.7):
        super().__init__(user_attributes=user_attributes, max_similarity=max_similarity)

    def get_error_message(self):
        # Django fills in %(verbose_name)s: "username", "name people see" or "email address".
        return _("Your password is too like your %(verbose_name)s. Choose something different.")

    def get_help_text(self):
        return _("Not too like your username, name or email address.")


class CommonPasswordValidator(django_validators.CommonPasswordValidator):
    def get_error_message(self):
        return _("Lots of people use this password, so it's easy to guess. Choose another one.")

    def get_help_text(self):
        return _("Not a password lots of people use.")


class NumericPasswordValidator(django_validators.NumericPasswordValidator):
    def get_error_message(self):
        return _("Your password can't be only numbers. Add some letters too.")

    def get_help_text(self):
        return _("Not just numbers.")
