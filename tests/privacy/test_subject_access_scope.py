"""Issue 60, point 1: a head answers a subject-access request from what the head's role may read, their school's rows
only: a child with a second enrolment in another school, or who came from another school, shows nothing of that
school (support plan, absences, term results, enrolment) on the page, in the PDF or in the JSON. The board's answer
holds the whole record within the board. And the English and Russian answers carry no Latvian label."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.core.scope import WHOLE_CITY
from eduboard.prevention.models import Absence, SupportPlan, TermResult
from eduboard.privacy.documents import answer_html
from eduboard.privacy.models import AccessRequest, RequestStatus
from eduboard.privacy.selectors import answer_records, subject_access_answer
from eduboard.privacy.services import access_request_prepare
from eduboard.registry.models import Enrolment, Institution, Learner
from tests.dataquality.test_checks import enrol, group, learner

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

#: What only school A's rows say: none of it may reach an answer prepared at school B.
SCHOOL_A_WORDS = ("Psihologa atbalsts", "Ķīmija", "Zinātņu")
LATVIAN_LETTERS = re.compile("[āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ]")


class Children:
    """School A and school B of one board; a child who moved from A to B, and one who learns in A and goes to B's
    interest group too; each with A's support plan (a psychologist's), absences and term results, and B's rows."""

    def __init__(self, school_a: Institution, school_b: Institution) -> None:
        self.school_a, self.school_b = school_a, school_b
        year = school_year_get_or_create(code="2024/2025")
        self.mover = learner("Marta", "Kalniņa", date(2014, 6, 1))
        enrol(
            self.mover, group(school_a, level="basic", grade=4, name="4.a"), on=date(2023, 9, 1), left=date(2024, 6, 1)
        )
        enrol(self.mover, group(school_b, level="basic", grade=5, name="5.b"), on=date(2024, 9, 2))
        self.twice = learner("Pēteris", "Ozols", date(2014, 7, 1))
        enrol(self.twice, group(school_a, level="basic", grade=5, name="5.a"), on=date(2024, 9, 2))
        enrol(self.twice, group(school_b, level="interest", grade=None, name="Robotika"), on=date(2024, 9, 2))
        self.rows_of_a: dict[Learner, set[tuple[str, int]]] = {}
        self.rows_of_b: dict[Learner, set[tuple[str, int]]] = {}
        for child in (self.mover, self.twice):
            of_a = [
                SupportPlan.objects.create(
                    learner=child, institution=school_a, measures="Psihologa atbalsts", started_on=date(2024, 2, 1)
                ),
                Absence.objects.create(
                    learner=child, institution=school_a, date=date(2024, 3, 4), lessons=3, excused=False
                ),
                TermResult.objects.create(
                    learner=child, institution=school_a, school_year=year, term="1", subject="Ķīmija", grade="3"
                ),
            ]
            of_b = [
                Absence.objects.create(
                    learner=child, institution=school_b, date=date(2024, 10, 7), lessons=2, excused=True
                ),
            ]
            enrolments = Enrolment.objects.filter(learner=child)
            self.rows_of_a[child] = {(row._meta.label, row.pk) for row in of_a} | {
                ("registry.Enrolment", pk)
                for pk in enrolments.filter(group__institution=school_a).values_list("pk", flat=True)
            }
            self.rows_of_b[child] = {(row._meta.label, row.pk) for row in of_b} | {
                ("registry.Enrolment", pk)
                for pk in enrolments.filter(group__institution=school_b).values_list("pk", flat=True)
            }


@pytest.fixture
def children(school_a: Institution, school_b: Institution) -> Children:
    return Children(school_a, school_b)


def pdf_text(data: bytes) -> str:
    pdfminer = pytest.importorskip("pdfminer.high_level")
    return str(pdfminer.extract_text(io.BytesIO(data)))


def everything_a_head_opens(client: Client, request: AccessRequest) -> Iterator[str]:
    """The request page, its PDF's text and its JSON, as the head opens them."""
    yield client.get(request.get_absolute_url()).content.decode()
    pdf = client.get(reverse("privacy:request_answer", args=[request.pk, "pdf"]))
    assert pdf.status_code == 200
    yield pdf_text(pdf.content)
    answer = client.get(reverse("privacy:request_answer", args=[request.pk, "json"]))
    assert answer.status_code == 200
    yield answer.content.decode()


@pytest.mark.parametrize("language", ["lv", "en", "ru"])
def test_a_head_answers_from_their_schools_rows_only(
    children: Children, make_user: Callable[..., User], signed_in: Callable[[User], Client], language: str
) -> None:
    head_b = make_user(Role.INSTITUTION_HEAD, [children.school_b])
    head, board = signed_in(head_b), signed_in(make_user(Role.BOARD_ADMIN))
    for child in (children.mover, children.twice):
        form = {"requester": "Anna Vecāka", "received_on": "2025-10-01", "language": language}
        made = head.post(reverse("privacy:request_new"), {**form, "personal_code": child.personal_code})
        request = AccessRequest.objects.get(learner=child)
        assert made.url == request.get_absolute_url()
        listed = answer_records(request.answer)
        assert children.rows_of_b[child] <= listed  # the head's own school's rows are all there
        assert not listed & children.rows_of_a[child]  # and none of the other school's
        board.post(reverse("privacy:request_sign_off", args=[request.pk]), {"version": request.version})
        request.refresh_from_db()
        assert request.status == RequestStatus.SIGNED_OFF
        for text in everything_a_head_opens(head, request):
            for words in SCHOOL_A_WORDS:
                assert words not in text
        parsed = json.loads(head.get(reverse("privacy:request_answer", args=[request.pk, "json"])).content)
        assert parsed["learner"]["personal_code"] == child.personal_code


def test_the_boards_answer_holds_the_whole_record_within_the_board(
    children: Children, make_user: Callable[..., User]
) -> None:
    board = make_user(Role.BOARD_ADMIN)
    for child in (children.mover, children.twice):
        for viewer in (board, WHOLE_CITY):
            listed = answer_records(subject_access_answer(learner=child, language="en", visible_to=viewer))
            assert children.rows_of_a[child] | children.rows_of_b[child] <= listed
        request = access_request_prepare(
            viewer=board, learner=child, requester="Anna Vecāka", received_on=date(2025, 10, 1), language="lv"
        )
        assert "Psihologa atbalsts" in answer_html(request)


def test_a_head_of_the_other_school_answers_only_for_the_child_still_there(
    children: Children, make_user: Callable[..., User]
) -> None:
    head_a = make_user(Role.INSTITUTION_HEAD, [children.school_a])
    answer = subject_access_answer(learner=children.twice, language="en", visible_to=head_a)
    assert not answer_records(answer) & children.rows_of_b[children.twice]
    assert children.rows_of_a[children.twice] <= answer_records(answer)


def labels_of(answer: dict[str, Any]) -> list[str]:
    """Every word of an answer that is the system's, not the data's: titles, purposes, grounds, periods, recipients,
    field names, audit actions and records, and why a category names no learner."""
    words: list[str] = []
    for section in answer["sections"]:
        words += [section["title"], section["purpose"], section["legal_ground"], section["retention"]]
        words += section["recipients"]
        for row in section["rows"]:
            words += list(row["fields"])
    for entry in answer["audit"]:
        words += [entry["action"], entry["record"]]
    for item in answer["not_linked"]:
        words += [item["title"], item["why"]]
    return words


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_english_and_russian_answers_carry_no_latvian_label(
    children: Children, make_user: Callable[..., User], language: str
) -> None:
    board = make_user(Role.BOARD_ADMIN)
    request = access_request_prepare(
        viewer=board, learner=children.mover, requester="Anna", received_on=date(2025, 10, 1), language=language
    )
    latvian = [words for words in labels_of(request.answer) if LATVIAN_LETTERS.search(words)]
    assert latvian == [], "\n".join(latvian)
    html = answer_html(request)
    # the data are the data's own words (names, a plan's measures, groups) and the controller its legal name
    for value in (
        request.answer["controller"],
        "Marta",
        "Kalniņa",
        "Psihologa atbalsts",
        "Ķīmija",
        children.school_a.name,
        children.school_b.name,
    ):
        html = html.replace(value, "")
    html = re.sub(r"\b\d\.\w \(2024/2025\)|Robotika", "", html)
    found = [html[max(0, hit.start() - 40) : hit.end() + 40] for hit in LATVIAN_LETTERS.finditer(html)]
    assert found == [], "\n".join(found)
