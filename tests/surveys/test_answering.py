"""The public answering pages and the survey pages: a one-time code answers once and is never linked to a sent
answer; a half-finished answer resumes on the same device (and by its code on any, tests/surveys/test_code_draft.py);
a finished one cannot change; parents answer through their
institution's link; results and exports withhold every cut under 5 answers; the board copies last year's survey."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from openpyxl import load_workbook

from eduboard.accounts.models import User
from eduboard.accounts.roles import Role
from eduboard.core.schoolyears import school_year_get_or_create
from eduboard.registry.models import Group, Institution, Programme
from eduboard.surveys import services
from eduboard.surveys.models import AccessCode, Answer, Question, Response, Survey, SurveyLink
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]


@pytest.fixture
def survey(db: None) -> Survey:
    today = date.today()
    survey = Survey.objects.create(
        code="lb-2025", title_lv="Labbūtības aptauja", title_ru="Опрос о благополучии", title_en="Wellbeing survey",
        opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="like_school", kind="frequency", position=1,
        text_lv="Es labprāt eju uz skolu.", text_ru="Я охотно хожу в школу.",
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="clubs", kind="multiple", position=2,
        text_lv="Kādos pulciņos?", choices=["sports", "music", "art"],
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="hours", kind="number", position=3, text_lv="Cik stundu?"
    )
    Question.objects.create(
        survey=survey, audience="parents", code="child_safe", kind="yes_partly_no", position=4,
        text_lv="Bērns jūtas droši.",
    )  # fmt: skip
    return survey


@pytest.fixture
def school(db: None) -> Institution:
    return InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")


@pytest.fixture
def head(school: Institution) -> User:
    return UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[school])


def a_class(school: Institution, grade: int = 7) -> Group:
    year = school_year_get_or_create(code=f"{date.today().year}/{date.today().year + 1}")
    programme = Programme.objects.create(code="21011111", name="Pamatizglītība", level="basic")
    return Group.objects.create(institution=school, programme=programme, school_year=year, name="7.a", grade=grade)


def test_a_code_answers_once_and_the_sent_answer_keeps_no_trace_of_it(
    survey: Survey, school: Institution, head: User
) -> None:
    code = services.access_codes_issue(
        survey=survey, institution=school, audience="pupils_5_12", count=3, viewer=head, group=a_class(school)
    )[0]
    assert (code.grade_band, code.label) == ("7-9", "7.a")
    phone = Client()
    started = phone.post("/answer/ru/", {"code": code.code.lower()})
    assert started.status_code == 302 and started["Location"] == "/answer/ru/s/lb-2025/"
    page = phone.get("/answer/ru/s/lb-2025/")
    assert "Я охотно хожу в школу." in page.content.decode()  # the question in Russian
    response = Response.objects.get()
    assert (response.institution, response.audience, response.grade_band, response.finished) == (
        school, "pupils_5_12", "7-9", False,
    )  # fmt: skip
    # the response points to no code (its key is not the code); only the code points to it, while it is unsent
    assert not any(f.related_model is AccessCode for f in Response._meta.get_fields() if f.concrete)
    assert code.code not in response.key
    assert AccessCode.objects.get(pk=code.pk).draft == response
    assert phone.post("/answer/ru/s/lb-2025/", {"like_school": "often", "action": "finish"}).status_code == 302
    # sent: no code leads to it any more, and the same code again, from another device, is refused
    assert not AccessCode.objects.filter(draft__isnull=False).exists()
    other = Client().post("/answer/lv/", {"code": code.code})
    assert other.status_code == 400 and Response.objects.count() == 1


def test_a_half_finished_answer_resumes_on_the_same_device_without_the_code_and_a_sent_one_never_changes(
    survey: Survey, school: Institution, head: User
) -> None:
    codes = services.access_codes_issue(survey=survey, institution=school, audience="pupils_5_12", count=1, viewer=head)
    code = codes[0]
    phone = Client()
    phone.post("/answer/lv/", {"code": code.code})
    saved = phone.post("/answer/lv/s/lb-2025/", {"like_school": "often", "clubs": ["music", "art"], "action": "save"})
    assert saved.status_code == 200
    assert dict(Answer.objects.values_list("question__code", "value")) == {"like_school": "often", "clubs": "music;art"}
    resumed = phone.get("/answer/lv/s/lb-2025/").content.decode()
    assert 'value="often" checked' in resumed and 'value="art" checked' in resumed
    assert Client().get("/answer/lv/s/lb-2025/").status_code == 404  # another device, no code typed: nothing begun
    # a bad number is refused beside its question; what was given before stays
    refused = phone.post("/answer/lv/s/lb-2025/", {"like_school": "often", "hours": "=1+1", "action": "finish"})
    assert refused.status_code == 400 and not Response.objects.get().finished
    assert Answer.objects.filter(question__code="clubs").exists() is False  # unticked on this send: removed
    sent = phone.post("/answer/lv/s/lb-2025/", {"like_school": "always", "hours": "2,5", "action": "finish"})
    assert sent.status_code == 302
    assert Response.objects.get().finished
    assert dict(Answer.objects.values_list("question__code", "value")) == {"like_school": "always", "hours": "2.5"}
    again = phone.post("/answer/lv/s/lb-2025/", {"like_school": "never", "action": "finish"})
    assert again.status_code == 409
    assert Answer.objects.get(question__code="like_school").value == "always"


def test_an_answer_outside_the_choices_or_with_a_control_character_is_refused(
    survey: Survey, school: Institution, head: User
) -> None:
    codes = services.access_codes_issue(survey=survey, institution=school, audience="pupils_5_12", count=1, viewer=head)
    code = codes[0]
    phone = Client()
    phone.post("/answer/lv/", {"code": code.code})
    bad = phone.post("/answer/lv/s/lb-2025/", {"like_school": "sometimes\x00", "clubs": ["chess"], "action": "save"})
    assert bad.status_code == 400 and not Answer.objects.exists()


def test_parents_answer_through_their_institutions_link_once_per_device(
    survey: Survey, school: Institution, head: User
) -> None:
    link = services.survey_link_get_or_create(survey=survey, institution=school, audience="parents", viewer=head)
    parent = Client()
    intro = parent.get(f"/answer/en/link/{link.token}/")
    assert intro.status_code == 200 and "Zinātņu vidusskola" in intro.content.decode()
    assert Response.objects.count() == 0  # a GET begins nothing
    assert parent.post(f"/answer/en/link/{link.token}/").status_code == 302
    assert parent.post("/answer/en/s/lb-2025/", {"child_safe": "yes", "action": "finish"}).status_code == 302
    assert parent.get(f"/answer/en/link/{link.token}/").status_code == 302  # this device has answered
    assert Response.objects.filter(audience="parents", institution=school, finished=True).count() == 1
    assert Client().get("/answer/en/link/not-a-token/").status_code == 404


def test_a_closed_survey_takes_no_answers_and_a_foreign_head_issues_no_codes(
    survey: Survey, school: Institution, head: User
) -> None:
    codes = services.access_codes_issue(survey=survey, institution=school, audience="pupils_5_12", count=1, viewer=head)
    code = codes[0]
    other = InstitutionFactory(name="Cita skola", registration_number="9000000012", type="basic")
    with pytest.raises(PermissionDenied):
        services.access_codes_issue(survey=survey, institution=other, audience="pupils_5_12", count=1, viewer=head)
    Survey.objects.filter(pk=survey.pk).update(closes_on=date.today() - timedelta(days=1))
    assert Client().post("/answer/lv/", {"code": code.code}).status_code == 400
    assert not AccessCode.objects.get().used


def test_codes_page_scopes_the_institutions_and_the_sheet_lists_unused_codes(
    survey: Survey, school: Institution, head: User, signed_in: Callable[[User], Client]
) -> None:
    other = InstitutionFactory(name="Cita skola", registration_number="9000000012", type="basic")
    client = signed_in(head)
    refused = client.post("/surveys/lb-2025/codes/", {"institution": other.pk, "audience": "pupils_5_12", "count": 5})
    assert refused.status_code == 200 and not AccessCode.objects.exists()
    issued = client.post("/surveys/lb-2025/codes/", {"institution": school.pk, "audience": "pupils_5_12", "count": 5})
    assert issued.status_code == 302 and AccessCode.objects.count() == 5
    sheet = client.get(f"/surveys/lb-2025/codes/sheet/?institution={school.pk}&list=&export=csv")
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert sorted(row[0] for row in rows[1:]) == sorted(AccessCode.objects.values_list("code", flat=True))
    assert client.get(f"/surveys/lb-2025/codes/sheet/?institution={other.pk}&list=").status_code == 404
    page = client.get("/surveys/lb-2025/codes/")
    assert SurveyLink.objects.filter(institution=school).count() == 1 and "Cita skola" not in page.content.decode()


def answered(survey: Survey, school: Institution, audience: str, code: str, values: list[str]) -> None:
    question = Question.objects.get(survey=survey, audience=audience, code=code)
    for n, value in enumerate(values):
        response = Response.objects.create(
            survey=survey, key=f"{survey.code}-{code}-{n}", institution=school, audience=audience
        )
        Answer.objects.create(response=response, question=question, value=value)


def test_results_page_and_exports_withhold_cuts_under_five_and_compare_with_the_previous_survey(
    survey: Survey, school: Institution, signed_in: Callable[[User], Client]
) -> None:
    board = UserFactory(username="analyst", role=Role.BOARD_ANALYST)
    answered(survey, school, "pupils_5_12", "like_school", ["always"] * 3 + ["often"] * 2)  # 5: shown
    answered(survey, school, "parents", "child_safe", ["yes"] * 4)  # 4: withheld
    last = Survey.objects.create(code="lb-2024", title_lv="Labbūtības aptauja 2024")
    Question.objects.create(survey=last, audience="pupils_5_12", code="like_school", kind="frequency", text_lv="x")
    answered(last, school, "pupils_5_12", "like_school", ["always"] * 5)
    survey.previous = last
    survey.save()
    client = signed_in(board)
    page = client.get("/surveys/lb-2025/")
    assert page.status_code == 200
    shown = {(row["code"], row["audience"]): row for row in page.context["rows"]}
    like = {a["code"]: (a["percent"], a["previous"]) for a in shown[("like_school", "pupils_5_12")]["answers"]}
    assert like["always"] == (60, 100) and like["often"] == (40, 0)
    assert shown[("child_safe", "parents")]["suppressed"]
    workbook = load_workbook(io.BytesIO(client.get("/surveys/lb-2025/?export=xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))
    parents = [row for row in rows if row[0] == "child_safe"]
    assert len(parents) == 1 and parents[0][5] in ("", None)  # one row, no share
    assert not any(row[0] == "child_safe" and row[4] == "yes" for row in rows)
    text = client.get("/surveys/lb-2025/?export=csv").content.decode("utf-8-sig")
    assert "child_safe" in text and ",yes," not in text
    by_institution = client.get(f"/surveys/lb-2025/?institution={school.pk}")
    assert by_institution.status_code == 200


def test_the_board_copies_last_years_survey_and_a_head_cannot(
    survey: Survey, head: User, signed_in: Callable[[User], Client]
) -> None:
    assert signed_in(head).post("/surveys/lb-2025/copy/", {"code": "lb-2026"}).status_code == 403
    admin = UserFactory(username="admin", role=Role.BOARD_ADMIN)
    client = signed_in(admin)
    copied = client.post("/surveys/lb-2025/copy/", {"code": "lb-2026"})
    assert copied.status_code == 302
    copy = Survey.objects.get(code="lb-2026")
    assert copy.previous == survey and copy.opens_on == survey.opens_on.replace(year=survey.opens_on.year + 1)
    assert sorted(copy.questions.values_list("audience", "code")) == sorted(
        survey.questions.values_list("audience", "code")
    )
    assert client.post("/surveys/lb-2025/copy/", {"code": "lb-2026"}).status_code == 302  # refused with a message
    assert Survey.objects.filter(code="lb-2026").count() == 1
