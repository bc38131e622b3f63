"""The audit trail records who changed what, with before and after, and board administrators read it."""

import io
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution

pytestmark = pytest.mark.django_db


def test_changing_personal_data_records_actor_and_before_and_after(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    admin = make_user(Role.BOARD_ADMIN, username="boardadmin", is_staff=True)
    teacher = make_user(Role.INSTITUTION_STAFF, email="old@example.lv")
    client = signed_in(admin)
    # A change through a real request, so the middleware names the actor.
    response = client.post(
        f"/backoffice/accounts/user/{teacher.pk}/change/",
        {
            "username": teacher.username,
            "first_name": teacher.first_name,
            "last_name": teacher.last_name,
            "email": "new@example.lv",
            "role": teacher.role,
            "is_active": "on",
            "date_joined_0": "2024-08-19",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LogEntry.objects.get_for_object(teacher).filter(action=LogEntry.Action.UPDATE).latest()
    assert entry.actor == admin
    assert entry.changes_dict["email"] == ["old@example.lv", "new@example.lv"]
    assert "password" not in entry.changes_dict


def test_audit_page_filters_by_model_user_and_date(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    admin = make_user(Role.BOARD_ADMIN)
    client = signed_in(admin)
    Institution.objects.create(name="Audit school", type="basic", registration_number="9100000001")
    make_user(Role.INSTITUTION_STAFF, username="audited-teacher")
    institution_type = ContentType.objects.get_for_model(Institution)

    def table(**filters: object) -> str:
        # The table alone (as htmx asks for it), so the filter form's options do not count.
        return client.get("/accounts/audit/", filters, HTTP_HX_REQUEST="true").content.decode()

    page = table(content_type=institution_type.pk)
    assert "Audit school" in page
    assert "audited-teacher" not in page
    assert "audited-teacher" in table()

    today = timezone.localdate(LogEntry.objects.latest().timestamp).isoformat()  # the date a user in Riga sees
    assert "Audit school" in table(date_from=today, date_to=today)
    assert "Audit school" not in table(date_to="2000-01-01")
    assert "Audit school" not in table(actor=admin.pk)


def test_audit_page_exports_what_it_shows(make_user: Callable[..., User], signed_in: Callable[[User], Client]) -> None:
    client = signed_in(make_user(Role.BOARD_ADMIN))
    Institution.objects.create(name="Exported school", type="basic", registration_number="9100000002")
    csv_text = client.get("/accounts/audit/", {"export": "csv"}).content.decode("utf-8-sig")
    assert "Exported school" in csv_text.splitlines()[1] or "Exported school" in csv_text
    xlsx = client.get("/accounts/audit/", {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert any("Exported school" in str(cell.value) for row in sheet.iter_rows() for cell in row)


def test_htmx_filtering_answers_with_the_table_alone(
    make_user: Callable[..., User], signed_in: Callable[[User], Client]
) -> None:
    client = signed_in(make_user(Role.BOARD_ADMIN))
    response = client.get("/accounts/audit/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
