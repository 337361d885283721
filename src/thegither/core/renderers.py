"""The form renderer: every `{{ form }}` and `{{ field.as_field_group }}` looks the same.

Templates live in core/templates/core/forms/: a label, a hint and an error message
tied to the control by aria-describedby, GOV.UK style. Subclassing Django's own
`DjangoTemplates` renderer keeps Django's widget templates available without
adding `django.forms` to INSTALLED_APPS.
"""

from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
