"""Forms for accounts. They parse what people type; services do the checking that matters."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from thegither.accounts.backends import PAUSE_ATTRIBUTE
from thegither.accounts.models import AgeBand, Role
from thegither.accounts.permissions import can_invite
from thegither.accounts.selectors import MAX_LOGIN_LENGTH

# Long enough for any pass phrase; short enough that hashing it costs nothing much.
MAX_PASSWORD_LENGTH = 4096


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


class InvitationForm(forms.Form):
    role = forms.ChoiceField(
        label=_("What will this person do?"), widget=forms.RadioSelect, choices=()
    )
    note = forms.CharField(
        label=_("Note for you (optional)"),
        max_length=60,
        required=False,
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
        error_messages={"required": _("Enter the code your youth worker gave you.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        help_text=_("You'll use this to log in. Letters, numbers and . + - _ only."),
        error_messages={"required": _("Choose a username.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    display_name = forms.CharField(
        label=_("Name people see"),
        max_length=60,
        help_text=_("Your first name or a nickname is fine."),
        error_messages={"required": _("Enter the name you want people to see.")},
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    age_band = forms.ChoiceField(
        label=_("How old are you?"),
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how old you are.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        help_text=_("At least 8 characters. Not just numbers, and not too easy to guess."),
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
        error_messages={"invalid": _("Write the email address like name@example.org.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean(self):
        cleaned = super().clean()
        check_passwords_match(self, "password", "password_again")
        return cleaned


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class ResetCodeForm(forms.Form):
    """Choose a new password with a code from a youth worker."""

    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
    code = forms.CharField(
        label=_("Code from your youth worker"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "characters"}
        ),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        help_text=_("At least 8 characters. Not just numbers, and not too easy to guess."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=MAX_PASSWORD_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

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
