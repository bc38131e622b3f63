"""What the browser crawls share: the pages the README names, the demonstration users they are opened as, and a
browser page signed in as one of them (the `demo_users` fixture is tests/browser/conftest.py's)."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import Browser, Page

from eduboard.accounts.models import User
from tests.factories import totp_device_for

# The pages the README names (a page a role may not open answers 403 and is skipped for that role).
PAGES = [
    "/",
    "/registry/institutions/",
    "/registry/learners/",
    "/registry/queue/",
    "/registry/statistics/",
    "/people/staff/",
    "/people/vacancies/",
    "/people/training/",
    "/finance/",
    "/finance/allocations/",
    "/finance/expenditures/",
    "/finance/meals/",
    "/finance/settlements/",
    "/quality/",
    "/quality/observations/",
    "/quality/observations/new/",
    "/quality/forms/",
    "/quality/exams/",
    "/quality/exams/results/",
    "/quality/exams/support/",
    "/assets/",
    "/assets/devices/",
    "/assets/loans/",
    "/assets/loans/class/",
    "/assets/loans/returns/",
    "/assets/licences/",
    "/assets/rooms/",
    "/assets/stock-takes/",
    "/reports/",
    "/imports/",
    "/accounts/audit/",
    "/accounts/api-token/",
]
ROLES = ["admin", "analyst", "head", "staff", "centre", "observer"]


def signed_in_page(browser: Browser, base: str, user: User, width: int) -> Page:
    """A page of a new browser context signed in as `user` (past the second factor) at `width` px."""
    client = Client()
    client.force_login(user)
    if user.needs_second_factor:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device_for(user).persistent_id
        session.save()
    context = browser.new_context(viewport={"width": width, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}])
    return context.new_page()
