"""Steps that many browser journeys share."""

from thegither.demo.services import DEMO_PASSWORD

DEMO_ORGANISATION = "riverside-youth-trust"


def log_in(page, follow, username: str, password: str = DEMO_PASSWORD):
    """Fill in the log-in form on the page now showing and send it; return the next page."""
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    return follow(lambda: page.get_by_role("button", name="Log in").click())
