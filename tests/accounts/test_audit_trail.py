"""The audit trail records who changed what, with before and after, and board administrators read it."""

import io
from collections.abc import Callable
from datetime import date

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


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


# --- writes past auditlog's signals (bulk writes in services) record themselves: core.audit.audit_bulk_write


def test_a_class_loan_writes_one_entry_with_the_loans_and_one_with_the_devices_status(
    make_user: Callable[..., User],
) -> None:
    from eduboard.assets import services as assets
    from eduboard.assets.choices import ensure_standard_kinds
    from eduboard.assets.models import Asset, AssetKind, Loan
    from eduboard.core.scope import WHOLE_CITY
    from eduboard.finance.sources import ensure_standard_sources
    from tests.registry.world import build_world

    ensure_standard_kinds()
    ensure_standard_sources()
    world = build_world(pupils=3)
    kind = AssetKind.objects.get(code="chromebook")
    for number in ("CB-1", "CB-2"):
        assets.asset_save(
            asset=Asset(inventory_number=number, kind=kind, institution=world.school, acquired_on=date(2024, 1, 1)),
            viewer=WHOLE_CITY,
        )
    admin = make_user(Role.BOARD_ADMIN)
    result = assets.loans_bulk_create(
        group=world.class_1a, kind=kind, lent_on=date(2024, 9, 2), due_on=None, viewer=admin
    )
    assert len(result.lent) == 2

    loans = LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Loan))
    assert loans.count() == 1  # one entry for the class, not one per child
    entry = loans.get()
    assert (entry.action, entry.actor) == (LogEntry.Action.CREATE, admin)
    assert entry.additional_data["rows"] == 2
    assert sorted(entry.additional_data["ids"]) == sorted(str(loan.pk) for loan in result.lent)
    assert entry.changes_dict["rows"] == ["", "2"]

    statuses = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Asset), additional_data__write="bulk"
    ).get()
    assert statuses.changes_dict["status"] == ["in_stock", "lent"] and statuses.additional_data["rows"] == 2

    again = assets.loans_bulk_create(
        group=world.class_1a, kind=kind, lent_on=date(2024, 9, 3), due_on=None, viewer=admin
    )
    assert again.lent == [] and loans.count() == 1  # nothing written, nothing recorded


def test_a_heads_evaluation_records_the_levels_that_changed_on_the_evaluation(
    make_user: Callable[..., User],
) -> None:
    from eduboard.people.models import Employment, PositionKind
    from eduboard.people.positions import ensure_standard_positions
    from eduboard.quality import selectors as quality_selectors
    from eduboard.quality import services as quality
    from eduboard.quality.choices import FRAMEWORK_HEADS
    from eduboard.quality.frameworks import ensure_frameworks
    from eduboard.quality.models import HeadEvaluation
    from tests.quality.conftest import teacher

    ensure_standard_positions()
    ensure_frameworks()
    school = Institution.objects.create(name="Audit school", type="secondary", registration_number="9100000003")
    head = teacher("Vadītājs", "Nr1", school, date(1970, 1, 5))
    Employment.objects.filter(staff_member=head).update(position=PositionKind.objects.get(code="head"))
    admin = make_user(Role.BOARD_ADMIN)
    framework = quality_selectors.framework_in_use(code=FRAMEWORK_HEADS)
    evaluation = quality.head_evaluation_save(
        evaluation=HeadEvaluation(
            head=head, institution=school, framework=framework, evaluated_on=date(2024, 5, 31), overall_level="good"
        ),
        levels={"4.1": "good", "4.2": "good"},
        viewer=admin,
    )
    history = LogEntry.objects.get_for_object(evaluation)
    assert history.filter(action=LogEntry.Action.CREATE).exists()  # the evaluation itself is audited
    first = history.get(additional_data__write="bulk")
    assert first.actor == admin
    assert first.changes_dict["4.1"] == ["None", "good"] and first.additional_data["rows"] == 2

    quality.head_evaluation_save(
        evaluation=evaluation,
        levels={"4.1": "excellent", "4.2": "good"},
        viewer=admin,
        expected_version=evaluation.version,
    )
    latest = history.filter(additional_data__write="bulk").latest()
    assert latest.pk != first.pk
    assert latest.changes_dict["4.1"] == ["good", "excellent"] and "4.2" not in latest.changes_dict
    assert latest.additional_data["rows"] == 1

    quality.head_evaluation_save(
        evaluation=evaluation,
        levels={"4.1": "excellent", "4.2": "good"},
        viewer=admin,
        expected_version=evaluation.version,
    )
    assert history.filter(additional_data__write="bulk").count() == 2  # the same levels again: nothing to record


def test_a_new_self_assessment_records_its_draft_rows_and_each_rated_row(make_user: Callable[..., User]) -> None:
    from eduboard.core.models import SchoolYear
    from eduboard.quality import selectors as quality_selectors
    from eduboard.quality import services as quality
    from eduboard.quality.choices import FRAMEWORK_MK325
    from eduboard.quality.frameworks import ensure_frameworks
    from eduboard.quality.models import SelfAssessmentEntry

    ensure_frameworks()
    school = Institution.objects.create(name="Audit school", type="secondary", registration_number="9100000004")
    year = SchoolYear.objects.get_or_create(
        code="2024/2025", defaults={"start_date": date(2024, 9, 1), "end_date": date(2025, 8, 31)}
    )[0]
    head = make_user(Role.INSTITUTION_HEAD, institutions=[school])
    framework = quality_selectors.framework_in_use(code=FRAMEWORK_MK325)
    assessment = quality.self_assessment_start(institution=school, school_year=year, framework=framework, viewer=head)
    criteria = framework.criteria.count()
    drafted = LogEntry.objects.get_for_object(assessment).get(additional_data__write="bulk")
    assert (drafted.actor, drafted.action, drafted.additional_data["rows"]) == (head, LogEntry.Action.CREATE, criteria)
    assert drafted.additional_data["model"] == "quality.SelfAssessmentEntry"
    assert len(drafted.additional_data["ids"]) == criteria

    entry = assessment.entries.get(criterion__code="2.1")
    entry.level = "good"
    quality.self_assessment_entry_save(entry=entry, viewer=head, expected_version=entry.version)
    rated = LogEntry.objects.get_for_object(SelfAssessmentEntry.objects.get(pk=entry.pk)).get()
    assert rated.action == LogEntry.Action.UPDATE and rated.changes_dict["level"][1] == "good"
