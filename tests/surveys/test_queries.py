"""The survey pages make the same number of queries for three times the rows: the list of surveys, a survey's
results (more questions, institutions, responses and answers; on the page and in the export), its edit form, its
codes page (more code lists and institutions with their parents' links), a list's code sheet, and the public answering
form (more questions and answers given)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.test import Client

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.registry.models import Institution
from eduboard.surveys import services
from eduboard.surveys.models import Answer, Population, Question, Response, Survey
from tests.factories import InstitutionFactory
from tests.support.queries import GrowingPages, request_queries

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

N = 3  # rows of each kind at first; then 2N more (3N in all)
AUDIENCES = ("pupils_5_12", "parents", "teachers")
KINDS = (("frequency", [], "often"), ("yes_partly_no", [], "yes"), ("multiple", ["sports", "music", "art"], "art"))


@dataclass
class Surveys:
    survey: Survey  # the survey whose pages grow
    school: Institution  # where the code sheet's codes and the answering device are
    admin: User
    device: Client  # a phone that has begun an answer (pupils_5_12) with a one-time code
    answer: Response


def grow(surveys: Surveys, start: int, count: int) -> None:
    """`count` more of everything the pages list: surveys, questions (of each audience, also in the previous
    survey), institutions with five finished responses answering each of their audience's questions and an entered
    population, code lists, codes on the sheet's list, and answers given on the device."""
    survey, previous = surveys.survey, surveys.survey.previous
    assert previous is not None
    for n in range(start, start + count):
        Survey.objects.create(code=f"cits-{n}", title_lv=f"Cita aptauja {n}", previous=previous)
        audience = AUDIENCES[n % len(AUDIENCES)]
        kind, choices, value = KINDS[n % len(KINDS)]
        for each in (survey, previous):
            Question.objects.create(
                survey=each, audience=audience, code=f"q{n}", kind=kind, choices=choices, position=n,
                text_lv=f"Jautājums {n}",
            )  # fmt: skip
        institution = InstitutionFactory(type="secondary")
        Population.objects.create(survey=survey, institution=institution, audience=audience, population=40)
        for each in (survey, previous):
            questions = list(Question.objects.filter(survey=each, audience=audience))
            for r in range(5):
                response = Response.objects.create(
                    survey=each, key=f"{each.code}-{n}-{r}", institution=institution, audience=audience
                )
                Answer.objects.bulk_create(
                    Answer(response=response, question=question, value=value) for question in questions
                )
        services.access_codes_issue(
            survey=survey, institution=surveys.school, audience="parents", count=1, viewer=surveys.admin,
            label=f"Saraksts {n}",
        )  # fmt: skip
        services.access_codes_issue(
            survey=survey, institution=surveys.school, audience="parents", count=1, viewer=surveys.admin, label="lapa"
        )
        if audience == "pupils_5_12":
            question = Question.objects.get(survey=survey, code=f"q{n}")
            Answer.objects.create(response=surveys.answer, question=question, value=value)


@pytest.fixture
def world(db: None, make_user: Callable[..., User]) -> Surveys:
    today = date.today()
    previous = Survey.objects.create(code="lb-2024", title_lv="Labbūtības aptauja 2024")
    survey = Survey.objects.create(
        code="lb-2025", title_lv="Labbūtības aptauja", opens_on=today - timedelta(days=1),
        closes_on=today + timedelta(days=30), census_date=today, previous=previous,
    )  # fmt: skip
    for audience in ("pupils_5_12", "parents"):
        Question.objects.create(
            survey=survey, audience=audience, code="like_school", kind="frequency", position=0, text_lv="Skola"
        )
    school = InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")
    admin = make_user(role=Role.BOARD_ADMIN)
    code = services.access_codes_issue(
        survey=survey, institution=school, audience="pupils_5_12", count=1, viewer=admin
    )[0]
    device = Client()
    assert device.post("/answer/lv/", {"code": code.code}).status_code == 302
    found = Surveys(survey, school, admin, device, Response.objects.get(finished=False))
    grow(found, 0, N)
    return found


PAGES: list[tuple[str, str, str]] = [  # (who, page, a text each listed row shows at least once)
    ("admin", "/surveys/", "Cita aptauja"),
    ("admin", "/surveys/lb-2025/", "Jautājums"),
    ("admin", "/surveys/lb-2025/?export=csv", "Jautājums"),
    ("admin", "/surveys/lb-2025/edit/", "Cita aptauja"),
    ("admin", "/surveys/lb-2025/codes/", "/answer/lv/link/"),
    ("admin", "/surveys/lb-2025/codes/sheet/?institution={school}&list=lapa", "<article>"),
    ("device", "/answer/lv/s/lb-2025/", "Jautājums"),
]


class TestSurveyPages(GrowingPages):
    """Every page seen with N rows of each kind, then with 3N: the same queries each (one world for them all)."""

    N = N
    pages = PAGES

    def clients(self, world: Surveys, signed_in: Callable[[User], Client]) -> dict[str, Client]:
        return {"admin": signed_in(world.admin), "device": world.device}

    grow = staticmethod(grow)  # the module's: `count` more rows of each kind

    def url_values(self, world: Surveys) -> dict[str, object]:
        return {"school": world.school.pk}

    def measure(self, client: Client, url: str) -> tuple[int, str]:
        """Once the page was seen: the parents' links it makes are made by then."""
        client.get(url)
        return request_queries(client, url)

    def least_new_rows(self, who: str, url: str) -> int:
        """The answering form lists the new questions of its audience: a third of them."""
        return (2 * N) // (3 if who == "device" else 1)
