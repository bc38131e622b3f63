"""A half-finished answer begun with a one-time code is resumed by typing the same code again, on any device, until
it is sent; then the code says it was used, and nothing links the sent answer to the code."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from eduboard.accounts.roles import Role
from eduboard.core import public
from eduboard.registry.models import Institution
from eduboard.surveys import answer_views, services
from eduboard.surveys.models import AccessCode, Answer, Question, Response, Survey
from tests.factories import InstitutionFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.both_databases]

FORM = "/answer/en/s/lb-2025/"


@pytest.fixture
def school(db: None) -> Institution:
    return InstitutionFactory(name="Zinātņu vidusskola", registration_number="9000000011", type="secondary")


@pytest.fixture
def survey(db: None) -> Survey:
    today = date.today()
    survey = Survey.objects.create(
        code="lb-2025", title_lv="Labbūtības aptauja", title_en="Wellbeing survey",
        opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="like_school", kind="frequency", position=1,
        text_lv="Es labprāt eju uz skolu.", text_en="I like going to school.",
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="pupils_5_12", code="clubs", kind="multiple", position=2,
        text_lv="Kādos pulciņos?", choices=["sports", "music", "art"],
    )  # fmt: skip
    Question.objects.create(
        survey=survey, audience="parents", code="child_safe", kind="yes_partly_no", position=3, text_lv="Droši."
    )
    return survey


def issue(survey: Survey, school: Institution, count: int = 1) -> list[str]:
    head = UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[school])
    codes = services.access_codes_issue(
        viewer=head, survey=survey, institution=school, audience="pupils_5_12", count=count
    )
    return [code.code for code in codes]


def type_code(device: Client, code: str) -> tuple[int, str]:
    answer = device.post("/answer/en/", {"code": code})
    return answer.status_code, answer.content.decode()


def test_a_saved_answer_opens_with_its_saved_answers_when_the_code_is_typed_on_another_device(
    survey: Survey, school: Institution
) -> None:
    code = issue(survey, school)[0]
    phone, laptop = Client(), Client()
    assert type_code(phone, code)[0] == 302
    saved = phone.post(FORM, {"like_school": "often", "clubs": ["music", "art"], "action": "save"})
    assert saved.status_code == 200
    assert "type your code again on another device" in saved.content.decode()

    assert laptop.get(FORM).status_code == 404  # no code typed on the laptop yet: nothing begun there
    status, _page = type_code(laptop, code.lower())  # typed as people type it
    assert status == 302
    page = laptop.get(FORM).content.decode()
    assert 'value="often" checked' in page and 'value="music" checked' in page and 'value="art" checked' in page
    assert Response.objects.count() == 1  # the same answer, not a second one

    assert laptop.post(FORM, {"like_school": "always", "clubs": ["art"], "action": "finish"}).status_code == 302
    sent = Response.objects.get()
    assert sent.finished
    assert dict(Answer.objects.values_list("question__code", "value")) == {"like_school": "always", "clubs": "art"}
    assert "Thank you" in phone.get(FORM).content.decode()  # the phone sees it sent, and cannot change it
    assert phone.post(FORM, {"like_school": "never", "action": "finish"}).status_code == 409


def test_a_sent_answers_code_says_it_was_used_and_an_unknown_code_says_so(survey: Survey, school: Institution) -> None:
    code = issue(survey, school)[0]
    phone = Client()
    type_code(phone, code)
    phone.post(FORM, {"like_school": "often", "action": "finish"})
    for device in (phone, Client()):
        status, page = type_code(device, code)
        assert status == 400 and "This code has been used already" in page
    status, page = type_code(Client(), "ZZZZ-ZZZZ-ZZ")
    assert status == 400 and "There is no such code" in page
    assert Response.objects.count() == 1


def test_the_code_leads_to_its_answer_only_while_it_is_unsent(survey: Survey, school: Institution) -> None:
    first, second = issue(survey, school, count=2)
    phone, tablet = Client(), Client()
    type_code(phone, first)
    type_code(tablet, second)
    phone.post(FORM, {"like_school": "often", "action": "save"})
    drafts = dict(AccessCode.objects.filter(draft__isnull=False).values_list("code", "draft__key"))
    assert set(drafts) == {first, second} and len(set(drafts.values())) == 2  # each code its own answer
    phone.post(FORM, {"like_school": "often", "action": "finish"})
    # the sent answer: no code points to it any more; the other code still leads to its own unsent answer
    spent = AccessCode.objects.get(code=first)
    assert spent.used and spent.draft_id is None
    assert AccessCode.objects.get(code=second).draft == Response.objects.get(finished=False)


def test_an_answer_refused_on_sending_keeps_its_code_link(survey: Survey, school: Institution) -> None:
    code = issue(survey, school)[0]
    phone = Client()
    type_code(phone, code)
    refused = phone.post(FORM, {"like_school": "now and then", "action": "finish"})
    assert refused.status_code == 400
    assert AccessCode.objects.get(code=code).draft == Response.objects.get(finished=False)
    assert type_code(Client(), code)[0] == 302  # still resumable


def test_a_parents_link_answer_is_not_offered_a_code(survey: Survey, school: Institution) -> None:
    head = UserFactory(username="head", role=Role.INSTITUTION_HEAD, institutions=[school])
    link = services.survey_link_get_or_create(viewer=head, survey=survey, institution=school, audience="parents")
    parent = Client()
    parent.post(f"/answer/en/link/{link.token}/")
    saved = parent.post(FORM, {"child_safe": "yes", "action": "save"}).content.decode()
    assert "Saved." in saved and "type your code again" not in saved


def test_typing_a_code_of_a_closed_survey_opens_nothing(survey: Survey, school: Institution) -> None:
    code = issue(survey, school)[0]
    type_code(Client(), code)
    Survey.objects.filter(pk=survey.pk).update(closes_on=date.today() - timedelta(days=1))
    status, page = type_code(Client(), code)
    assert status == 400 and "not taking answers" in page


def test_resuming_counts_against_the_same_limit_of_tries(
    survey: Survey, school: Institution, monkeypatch: pytest.MonkeyPatch
) -> None:
    # All tries in one window of the limit: the clock stands at the start of one (a real clock may turn a window's
    # end between two tries, and the count starts again).
    monkeypatch.setattr(public, "time", SimpleNamespace(time=lambda: 600.0 * 3_000_000))
    code = issue(survey, school)[0]
    device = Client()
    assert [type_code(device, code)[0] for _try in range(answer_views.CODE_TRIES)] == [302] * answer_views.CODE_TRIES
    status, page = type_code(device, code)
    assert status == 429 and "Too many codes" in page


def test_an_unused_code_cannot_hold_an_answer(survey: Survey, school: Institution) -> None:
    code = AccessCode.objects.get(code=issue(survey, school)[0])
    stray = Response.objects.create(survey=survey, key="x", institution=school, audience="pupils_5_12", finished=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccessCode.objects.filter(pk=code.pk).update(draft=stray)
