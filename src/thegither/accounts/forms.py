"""Forms for accounts. They parse what people type; services do the checking that matters."""

from django import forms
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
    UsernameField,
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from thegither.accounts.backends import PAUSE_ATTRIBUTE
from thegither.accounts.models import AgeBand, Area, Organisation, Role
from thegither.accounts.permissions import can_invite
from thegither.accounts.selectors import MAX_LOGIN_LENGTH, user_for_login_name
from thegither.core.uploads import IMAGE_TYPES

# Long enough for any pass phrase; short enough that hashing it costs nothing much.
MAX_PASSWORD_LENGTH = 4096

NEW_PASSWORD_HINT = _("At least 8 characters. Not just numbers, and not too easy to guess.")


class LoginForm(AuthenticationForm):
    """Log in with a username or an email address."""

    username = UsernameField(
        max_length=MAX_LOGIN_LENGTH,
        error_messages={"max_length": _("That's too long for a username or email.")},
        widget=forms.TextInput(attrs={"autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        error_messages={"max_length": _("That's too long for a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "That username or email and password don't match. Check them and try again."
        ),
        "inactive": _("This account has been switched off. Ask your youth worker."),
        "paused": _("You've tried too many times, so logging in is paused for a little while."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = _(
            "Write your username or email address."
        )
        self.fields["password"].error_messages["required"] = _("Write your password.")
        self.pause = None
        username = self.fields["username"]
        # Django sets these to the username's length; an email address can be longer.
        username.max_length = MAX_LOGIN_LENGTH
        username.label = _("Username or email")
        username.widget.attrs.update(
            {
                "maxlength": MAX_LOGIN_LENGTH,
                "autocomplete": "username",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        )

    def get_invalid_login_error(self):
        """Say logging in is paused when the backend paused it; else that the details are wrong."""
        self.pause = getattr(self.request, PAUSE_ATTRIBUTE, None)
        if self.pause is not None:
            return ValidationError(self.error_messages["paused"], code="paused")
        return super().get_invalid_login_error()

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            # The backends refuse a switched-off account like a wrong password; with the
            # right password, say what is really wrong (it reveals nothing to a guesser).
            if error.code == "invalid_login" and self._switched_off():
                raise ValidationError(self.error_messages["inactive"], code="inactive") from error
            raise

    def _switched_off(self) -> bool:
        person = user_for_login_name(self.cleaned_data.get("username", ""))
        password = self.cleaned_data.get("password") or ""
        return person is not None and not person.is_active and person.check_password(password)


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("What will this person do?"),
        widget=forms.RadioSelect,
        choices=(),
        error_messages={
            "required": _("Choose what this person will do."),
            "invalid_choice": _("Choose what this person will do from the list."),
        },
    )
    note = forms.CharField(
        label=_("Note for you (optional)"),
        max_length=60,
        required=False,
        error_messages={"max_length": _("Keep the note to 60 letters or fewer.")},
        help_text=_("Only staff see this, e.g. 'Tuesday group'. Don't write a child's full name."),
    )

    def __init__(self, *args, user, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [
            (value, label)
            for value, label in Role.choices
            if can_invite(user, organisation, value).allowed
        ]
        self.fields["role"].initial = Role.PANEL_MEMBER


def new_password_fields() -> tuple[forms.CharField, forms.CharField]:
    """Return the "new password" and "new password again" fields every password form uses."""
    return (
        forms.CharField(
            label=_("New password"),
            strip=False,
            max_length=MAX_PASSWORD_LENGTH,
            help_text=NEW_PASSWORD_HINT,
            error_messages={
                "required": _("Choose a new password."),
                "max_length": _("That's too long for a password."),
            },
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
        forms.CharField(
            label=_("New password again"),
            strip=False,
            max_length=MAX_PASSWORD_LENGTH,
            error_messages={
                "required": _("Type your new password again, so we know it's right."),
                "max_length": _("That's too long for a password."),
            },
            widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        ),
    )


def check_passwords_match(form: forms.Form, first: str, second: str) -> None:
    """Add an error to ``second`` when the two password fields differ."""
    typed, again = form.cleaned_data.get(first), form.cleaned_data.get(second)
    if typed and again and typed != again:
        form.add_error(second, _("The two passwords are different. Try again."))


class JoinForm(forms.Form):
    """Make an account from an invitation: no date of birth, email optional."""

    code = forms.CharField(
        label=_("Code from your youth worker"),
        max_length=12,
        help_text=_("6 letters and numbers, like K7M Q2P."),
        error_messages={
            "required": _("Enter the code your youth worker gave you."),
            "max_length": _("The code is 6 letters and numbers, like K7M Q2P."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        help_text=_("You'll use this to log in. Letters, numbers and . + - _ only."),
        error_messages={
            "required": _("Choose a username."),
            "max_length": _("Keep your username to 40 letters or fewer."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        label=_("Name people see"),
        max_length=60,
        help_text=_("Your first name or a nickname is fine."),
        error_messages={
            "required": _("Enter the name you want people to see."),
            "max_length": _("Keep your name to 60 letters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    age_band = forms.ChoiceField(
        label=_("How old are you?"),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how old you are."),
            "invalid_choice": _("Choose how old you are from the list."),
        },
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        help_text=NEW_PASSWORD_HINT,
        error_messages={"required": _("Choose a password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        error_messages={"required": _("Type your password again, so we know it's right.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    email = forms.EmailField(
        label=_("Email address (optional)"),
        max_length=254,
        required=False,
        help_text=_("Only if you want to get a link when you forget your password."),
        error_messages={
            "invalid": _("Write the email address like name@example.org."),
            "max_length": _("An email address has 254 letters or fewer. Check what you typed."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean(self):
        cleaned = super().clean()
        check_passwords_match(self, "password", "password_again")
        return cleaned


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        error_messages={
            "required": _("Choose a role from the list."),
            "invalid_choice": _("Choose a role from the list."),
        },
    )


class ResetCodeForm(forms.Form):
    """Choose a new password with a code from a youth worker."""

    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        error_messages={
            "required": _("Write your username."),
            "max_length": _("A username has 40 letters or fewer. Check what you typed."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label=_("Code from your youth worker"),
        max_length=12,
        error_messages={
            "required": _("Enter the code your youth worker gave you."),
            "max_length": _("The code is 6 letters and numbers, like K7M Q2P."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    new_password1, new_password2 = new_password_fields()

    def clean(self):
        cleaned = super().clean()
        check_passwords_match(self, "new_password1", "new_password2")
        return cleaned


class TwoStepCodeForm(forms.Form):
    """Type a code from an authenticator app (or, where allowed, a recovery code)."""

    code = forms.CharField(
        label=_("Code from your app"),
        max_length=24,
        help_text=_("6 numbers. Lost your phone? Type one of your recovery codes instead."),
        error_messages={"required": _("Type the code from your app.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "input input--short",
            }
        ),
    )


class TwoStepSetUpForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your app"),
        max_length=12,
        help_text=_("6 numbers. The app makes a new one every 30 seconds."),
        error_messages={"required": _("Type the 6 numbers the app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "input input--short",
            }
        ),
    )


class OrganisationTwoStepForm(forms.Form):
    required = forms.TypedChoiceField(
        label=_("Must staff and admins use two-step log-in?"),
        choices=[
            ("yes", _("Yes: everyone must set it up the next time they log in")),
            ("no", _("No: staff choose for themselves")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New email address (optional)"),
        max_length=254,
        required=False,
        help_text=_(
            "Leave it empty to remove your email address. Then you'll need a code from "
            "your youth worker if you forget your password."
        ),
        error_messages={
            "invalid": _("Write the email address like name@example.org."),
            "max_length": _("That email address is too long."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=128,
        help_text=_("To show it's you."),
        error_messages={"required": _("Type your password.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


# Django's password forms, with our own labels, hints and messages.


class PlainSetPasswordForm(SetPasswordForm):
    """Choose a new password (from an emailed link)."""

    error_messages = {"password_mismatch": _("The two passwords are different. Try again.")}
    new_password1, new_password2 = new_password_fields()

    def clean(self):
        # Django puts a too-easy password's message on the second box; it is about the first.
        self.validate_passwords("new_password1", "new_password2")
        self.validate_password_for_user(self.user, "new_password1")
        return forms.Form.clean(self)


class PlainPasswordChangeForm(PlainSetPasswordForm, PasswordChangeForm):
    """Change your password: the one you use now, then the new one twice."""

    error_messages = {
        **PlainSetPasswordForm.error_messages,
        "password_incorrect": _("That isn't the password you use now. Try again."),
    }
    old_password = forms.CharField(
        label=_("The password you use now"),
        strip=False,
        error_messages={"required": _("Write the password you use now.")},
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    field_order = ["old_password", "new_password1", "new_password2"]


class PlainPasswordResetForm(PasswordResetForm):
    """Ask for a link to choose a new password."""

    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        error_messages={
            "required": _("Write the email address on your account."),
            "invalid": _("Write the email address like name@example.org."),
            "max_length": _("An email address has 254 letters or fewer. Check what you typed."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


# Looking after an organisation


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        error_messages={
            "required": _("Write the organisation's name."),
            "max_length": _("Keep the name to 120 letters or fewer."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    accent_colour = forms.CharField(
        label=_("Colour"),
        max_length=7,
        help_text=_(
            "Written like #1d5c63. It's used behind white writing, so it must be dark enough "
            "to read."
        ),
        error_messages={
            "required": _("Write the colour like #1d5c63."),
            "max_length": _("Write the colour like #1d5c63: a # and six letters or numbers."),
        },
        widget=forms.TextInput(
            attrs={"autocapitalize": "none", "spellcheck": "false", "autocomplete": "off"}
        ),
    )

    @classmethod
    def for_organisation(cls, organisation: Organisation, data=None) -> "OrganisationForm":
        return cls(
            data, initial={"name": organisation.name, "accent_colour": organisation.accent_colour}
        )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo picture"),
        max_length=200,
        help_text=_("A PNG, JPEG, WebP or GIF picture, up to 1 MB. Not SVG."),
        error_messages={
            "required": _("Choose a picture file for the logo."),
            "empty": _("This file is empty. Choose a logo."),
            "invalid": _("Choose a picture file for the logo."),
            "max_length": _("The file's name is too long. Rename it and try again."),
        },
        widget=forms.FileInput(attrs={"accept": ",".join(IMAGE_TYPES)}),
    )


class AreaForm(forms.Form):
    name = forms.CharField(
        label=_("Area name"),
        max_length=80,
        help_text=_("Like North West, or Dunmore."),
        error_messages={
            "required": _("Write a name for the area."),
            "max_length": _("Keep the area's name to 80 letters or fewer."),
        },
    )

    @classmethod
    def for_area(cls, area: Area, data=None) -> "AreaForm":
        return cls(data, initial={"name": area.name})
