"""The form renderer and the error summary, as a screen reader meets them."""

from django import forms
from django.template.loader import render_to_string
from django.test import RequestFactory


class PetForm(forms.Form):
    name = forms.CharField(label="Your pet's name", help_text="Only you see this.")
    kind = forms.ChoiceField(
        label="What kind of pet?",
        choices=[("cat", "Cat"), ("dog", "Dog")],
        widget=forms.RadioSelect,
    )
    agree = forms.BooleanField(label="I agree")

    def clean(self):
        raise forms.ValidationError("Something is wrong with the whole form.")


def render_form(data=None) -> str:
    form = PetForm(data=data)
    form.is_valid()
    return str(form)


def test_field_has_label_and_hint_tied_to_the_control():
    html = render_form()

    assert '<label class="label" for="id_name">Your pet&#x27;s name</label>' in html
    assert '<p class="hint" id="id_name_helptext">Only you see this.</p>' in html
    assert 'aria-describedby="id_name_helptext"' in html
    assert "aria-invalid" not in html


def test_field_error_is_tied_to_the_control_and_marked_invalid():
    html = render_form(data={})

    assert 'id="id_name_error"' in html
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'aria-invalid="true"' in html
    assert "field--error" in html
    assert '<span class="visually-hidden">Error: </span>This field is required.' in html


def test_radio_choices_sit_in_a_fieldset_with_a_legend():
    html = render_form(data={})

    assert '<legend class="legend">What kind of pet?</legend>' in html
    assert '<fieldset class="fieldset" aria-describedby="id_kind_error">' in html


def test_checkbox_label_comes_after_the_box():
    html = render_form()

    box = html.index('type="checkbox"')
    label = html.index('<label for="id_agree">I agree</label>')
    assert box < label


def test_error_summary_links_each_error_to_its_field():
    form = PetForm(data={"kind": "cat"})
    form.is_valid()
    html = render_to_string(
        "core/includes/error_summary.html", {"form": form}, request=RequestFactory().get("/")
    )

    assert 'role="alert"' in html
    assert 'tabindex="-1"' in html
    assert "There is a problem" in html
    assert '<a href="#id_name">This field is required.</a>' in html
    assert '<a href="#id_agree">This field is required.</a>' in html
    assert "Something is wrong with the whole form." in html
    assert "#id_kind" not in html


def test_error_summary_is_absent_when_nothing_is_wrong():
    html = render_to_string("core/includes/error_summary.html", {"form": PetForm()})

    assert html.strip() == ""
