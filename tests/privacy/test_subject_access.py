"""A learner's subject-access answer (GDPR Art. 15): every record of theirs in the demonstration data and nothing of
another child's; prepared by a head for their own learners, signed off by the board, given as PDF or JSON; the
command; corrections traced and listed."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.scope import WHOLE_CITY
from eduboard.privacy.models import AccessRequest, RequestStatus
from eduboard.privacy.selectors import answer_records, subject_access_answer
from eduboard.registry.models import Enrolment, Institution, Learner, LearnerCorrection, QueueEntry
from eduboard.surveys.models import AccessCode

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]
pdfminer = pytest.importorskip("pdfminer.high_level")


def learner_rows(learner: Learner) -> set[tuple[str, int]]:
    """Every row of every model that points at the learner (read from the models, not the catalogue), and the
    learner's own row."""
    rows = {("registry.Learner", learner.pk)}
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is Learner:
                for pk in model._default_manager.filter(**{field.name: learner.pk}).values_list("pk", flat=True):
                    rows.add((model._meta.label, pk))
    return rows


def busiest_learner() -> Learner:
    """A demonstration learner with rows in the most areas: enrolments, then absences, results, loans ..."""
    best, best_score = None, -1
    candidates = Learner.objects.annotate(n=Count("enrolments")).filter(n__gt=0).order_by("-n", "pk")[:400]
    for learner in candidates:
        score = len({label for label, _pk in learner_rows(learner)})
        if score > best_score:
            best, best_score = learner, score
    assert best is not None
    return best


def test_a_childs_answer_holds_every_record_of_theirs_and_nothing_of_another_child(demo: None) -> None:
    learner = busiest_learner()
    expected = learner_rows(learner)
    assert len({label for label, _pk in expected}) >= 4, "the demonstration learner has rows in several areas"
    answer = subject_access_answer(learner=learner, language="lv", visible_to=WHOLE_CITY)
    assert answer_records(answer) == expected
    text = json.dumps(answer, ensure_ascii=False)
    assert learner.personal_code in text
    others = Learner.objects.exclude(pk=learner.pk)
    leaked = [code for code in others.values_list("personal_code", flat=True) if code in text]
    assert leaked == []
    names = {f"{first} {last}" for first, last in others.values_list("first_name", "last_name")}
    names.discard(f"{learner.first_name} {learner.last_name}")
    assert [name for name in names if name in text] == []


def test_the_answer_lists_who_read_the_record_and_survey_codes_only_as_counts(demo: None) -> None:
    learner = Learner.objects.filter(enrolments__isnull=False).order_by("pk").first()
    assert learner is not None
    reader = User.objects.create_user("lasitajs", role=Role.BOARD_ANALYST, first_name="Ilze", last_name="Lasītāja")
    client = Client()
    client.force_login(reader)
    assert client.get(reverse("registry:learner_detail", args=[learner.pk])).status_code == 200
    answer = subject_access_answer(learner=learner, language="en", visible_to=WHOLE_CITY)
    assert any(entry["who"] == "Ilze Lasītāja" and entry["action"] == "read" for entry in answer["audit"])
    for issued in answer["survey_codes"]:
        assert set(issued) == {"survey", "title", "institution", "list", "codes_issued"}
    assert "surveys.Response" not in {section["model"] for section in answer["sections"]}


def test_the_command_writes_json_and_a_pdf_and_records_the_request(demo: None, tmp_path: Path) -> None:
    learner = busiest_learner()
    before = learner_rows(learner)  # the request the command records is made after its answer
    out = tmp_path / "answer.json"
    call_command("subject_access", "--personal-code", learner.personal_code, "--out", str(out), stdout=StringIO())
    answer = json.loads(out.read_text(encoding="utf-8"))
    assert answer_records(answer) == before
    request = AccessRequest.objects.filter(learner=learner).latest("pk")
    assert request.status == RequestStatus.SIGNED_OFF
    learner_type = ContentType.objects.get_for_model(Learner)
    assert LogEntry.objects.filter(
        content_type=learner_type, object_pk=str(learner.pk), action=LogEntry.Action.ACCESS
    ).exists()
    assert (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AccessRequest), object_pk=str(request.pk)
        ).count()
        >= 2
    )  # prepared (created), given (read)
    pdf = tmp_path / "answer.pdf"
    call_command(
        "subject_access",
        "--personal-code",
        learner.personal_code,
        "--out",
        str(pdf),
        "--format",
        "pdf",
        "--language",
        "ru",
        stdout=StringIO(),
    )
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdfminer.extract_text(io.BytesIO(pdf.read_bytes()))
    assert learner.personal_code in text
    assert "Персональные данные" in text or "персональные данные" in text


def test_a_head_prepares_for_their_own_learners_only_and_the_board_signs_off(
    demo: None, signed_in: Callable[[User], Client]
) -> None:
    enrolment = Enrolment.objects.filter(left_on__isnull=True).select_related("group__institution", "learner").first()
    assert enrolment is not None
    school = enrolment.group.institution
    other = (
        Enrolment.objects.exclude(group__institution=school)
        .exclude(learner__enrolments__group__institution=school)
        .select_related("learner")
        .first()
    )
    assert other is not None
    head = User.objects.create_user("vaditajs", role=Role.INSTITUTION_HEAD)
    head.institutions.set([school])
    client = signed_in(head)
    form = {"requester": "Anna Vecāka", "received_on": "2025-10-01", "language": "en"}
    refused = client.post(reverse("privacy:request_new"), {**form, "personal_code": other.learner.personal_code})
    assert refused.status_code == 200 and not AccessRequest.objects.exists()
    former = (
        Enrolment.objects.filter(group__institution=school, left_on__isnull=False)
        .exclude(
            learner__in=Enrolment.objects.filter(group__institution=school, left_on__isnull=True).values("learner")
        )
        .select_related("learner")
        .first()
    )
    if former is not None:  # a child who left the school is the board's to answer for
        gone = client.post(reverse("privacy:request_new"), {**form, "personal_code": former.learner.personal_code})
        assert gone.status_code == 200 and not AccessRequest.objects.exists()
    made = client.post(reverse("privacy:request_new"), {**form, "personal_code": enrolment.learner.personal_code})
    request = AccessRequest.objects.get()
    assert made.url == request.get_absolute_url()
    assert request.institution == school and request.status == RequestStatus.PREPARED
    assert client.get(reverse("privacy:request_answer", args=[request.pk, "pdf"])).status_code == 302  # not yet
    client.post(reverse("privacy:request_sign_off", args=[request.pk]), {"version": request.version})
    request.refresh_from_db()
    assert request.status == RequestStatus.PREPARED  # a head does not sign off
    board = User.objects.create_user("parvalde", role=Role.BOARD_ADMIN)
    board_client = signed_in(board)
    board_client.post(reverse("privacy:request_sign_off", args=[request.pk]), {"version": request.version})
    request.refresh_from_db()
    assert request.status == RequestStatus.SIGNED_OFF and request.signed_off_by == board
    given = client.get(reverse("privacy:request_answer", args=[request.pk, "json"]))
    assert given.status_code == 200
    assert json.loads(given.content)["learner"]["personal_code"] == enrolment.learner.personal_code
    analyst = User.objects.create_user("analitikis", role=Role.BOARD_ANALYST)  # sees codes masked: not the answers
    assert signed_in(analyst).get(request.get_absolute_url()).status_code == 403
    assert signed_in(board).get(reverse("privacy:request_answer", args=[request.pk, "xml"])).status_code == 404
    other_head = User.objects.create_user("cits", role=Role.INSTITUTION_HEAD)
    other_head.institutions.set([Institution.objects.exclude(pk=school.pk).first()])
    assert signed_in(other_head).get(request.get_absolute_url()).status_code == 404


def test_a_correction_keeps_old_and_new_who_and_why_and_the_answer_lists_it(
    demo: None, signed_in: Callable[[User], Client]
) -> None:
    learner = Learner.objects.filter(enrolments__left_on__isnull=True).order_by("pk").first()
    assert learner is not None
    board = User.objects.create_user("labotajs", role=Role.BOARD_ADMIN, first_name="Juris", last_name="Labotājs")
    client = signed_in(board)
    url = reverse("registry:learner_correct", args=[learner.pk])
    fields = {
        "personal_code": learner.personal_code,
        "first_name": learner.first_name,
        "last_name": "Labotā",
        "birth_date": learner.birth_date.isoformat(),
        "declared_municipality": learner.declared_municipality_id or "",
        "version": learner.version,
    }
    without_reason = client.post(url, fields)
    assert without_reason.status_code == 200
    learner.refresh_from_db()
    assert learner.last_name != "Labotā" and not LearnerCorrection.objects.filter(learner=learner).exists()
    old = learner.last_name
    client.post(url, {**fields, "reason": "vecāka iesniegums ar dzimšanas apliecību"})
    correction = LearnerCorrection.objects.get(learner=learner)
    assert (correction.field, correction.old_value, correction.new_value) == ("last_name", old, "Labotā")
    assert correction.by == board and correction.reason == "vecāka iesniegums ar dzimšanas apliecību"
    answer = subject_access_answer(learner=learner, language="en", visible_to=WHOLE_CITY)
    corrections = next(section for section in answer["sections"] if section["category"] == "corrections")
    assert [row["fields"]["old value"] for row in corrections["rows"]] == [old]
    assert date.fromisoformat(answer["prepared_on"])


def test_an_answer_reads_as_often_however_many_classes_the_child_was_in_and_as_a_read_per_class_would(
    demo: None,
) -> None:
    board = User.objects.create_user("parvalde-q", role=Role.BOARD_ADMIN)
    by_classes = Learner.objects.annotate(n=Count("enrolments__group", distinct=True)).filter(n__gt=0)
    many = by_classes.order_by("-n", "pk").first()
    one = by_classes.filter(n=1).order_by("pk").first()
    assert many is not None and one is not None and many.n >= 3
    reads = {}
    for learner in (one, many):
        subject_access_answer(learner=learner, language="en", visible_to=board)  # Django's caches filled
        with CaptureQueriesContext(connection) as queries:
            subject_access_answer(learner=learner, language="en", visible_to=board)
        tables = [query["sql"] for query in queries.captured_queries]
        assert sum('FROM "surveys_accesscode"' in sql for sql in tables) <= 1
        assert sum('FROM "auditlog_logentry"' in sql for sql in tables) <= 1
        # A queue application's grounds are read with a query of their own when the child has one.
        reads[learner.pk] = len(tables) - QueueEntry.objects.filter(child=learner).exists()
    # The answer reads as often for a child in one class as for one in many (a group's school year is joined).
    assert reads[many.pk] == reads[one.pk]
    # What is read at once is what a read per class list and per record gives.
    for enrolment in Enrolment.objects.filter(learner=many)[:2]:
        enrolment.leaving_note = "pārbaude"
        enrolment.save()  # an audit entry on two of the records the answer lists
    answer = subject_access_answer(learner=many, language="en", visible_to=board)
    plain_codes: dict[tuple[str, str, str], int] = {}
    classes = set(Enrolment.objects.filter(learner=many).values_list("group__institution_id", "group__name"))
    for institution_id, group_name in classes:
        for code in AccessCode.objects.filter(institution_id=institution_id, label=group_name):
            key = (code.survey.code, code.institution.name, code.label)
            plain_codes[key] = plain_codes.get(key, 0) + 1
    codes = {(row["survey"], row["institution"], row["list"]): row["codes_issued"] for row in answer["survey_codes"]}
    assert codes == plain_codes
    plain_audit = 0
    for label, pk in answer_records(answer):
        content_type = ContentType.objects.get_for_model(apps.get_model(label))
        plain_audit += LogEntry.objects.filter(content_type=content_type, object_pk=str(pk)).count()
    assert len(answer["audit"]) == plain_audit >= 2
