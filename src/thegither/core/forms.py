"""What every app's views do with forms: take the posted data, and show a service's refusal."""


def posted(request):
    """Return the form data if this is a POST (even an empty one), else None."""
    return request.POST if request.method == "POST" else None


def add_refusal(form, error) -> None:
    """Show a service's refusal on the form: on its fields where they exist, else at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
