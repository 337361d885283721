from django.shortcuts import render


def home(request):
    """Say in plain words what Thegither is and what each part is for."""
    return render(request, "core/home.html")


def privacy(request):
    """Show the privacy notice, written for a 12-year-old."""
    return render(request, "core/privacy.html")


def accessibility(request):
    """Show the accessibility statement."""
    return render(request, "core/accessibility.html")
