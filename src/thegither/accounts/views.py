from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def dashboard(request):
    """Show a person what they can do next."""
    return render(request, "accounts/dashboard.html")
