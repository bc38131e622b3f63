"""The public answering pages: no sign-in, in Latvian, Russian or English (the language is in the URL), made for a
phone. A one-time code or an institution's link starts an answer; the device keeps a signed cookie with the
answer's random key, so a half-finished answer is resumed on the same device. A half-finished answer begun with a
code is also resumed by typing the code again, on any device, until it is sent (surveys.services). Nothing here
records who answered: no user, no address, no time is stored with a response."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from eduboard.core.board_wall import public_page
from eduboard.core.public import client_address, over_limit, render_in, url_language
from eduboard.surveys import rules, selectors, services
from eduboard.surveys.choices import ANSWER_LABELS, SCALES, QuestionKind
from eduboard.surveys.models import Response, Survey, SurveyLink

COOKIE_SALT = "eduboard.surveys.answer"
COOKIE_AGE = 60 * 60 * 24 * 90  # a half-finished answer waits on the device for 90 days
CODE_TRIES = 30  # wrong codes an address may type in 10 minutes


def _cookie_name(survey: Survey) -> str:
    return f"eduboard-survey-{survey.pk}"


def _device_response(request: HttpRequest, survey: Survey) -> Response | None:
    """The response this device began for `survey`, from its signed cookie."""
    key = request.get_signed_cookie(_cookie_name(survey), default=None, salt=COOKIE_SALT)
    if not key:
        return None
    return Response.objects.filter(survey=survey, key=key).first()


def _remember(response: HttpResponse, answer: Response, request: HttpRequest) -> HttpResponse:
    response.set_signed_cookie(
        _cookie_name(answer.survey),
        answer.key,
        salt=COOKIE_SALT,
        max_age=COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response


_language = url_language


def _page(request: HttpRequest, lang: str, template: str, context: dict[str, Any], status: int = 200) -> HttpResponse:
    """Render in the URL's language, with links to the same page in the others; never indexed."""
    response = render_in(request, lang, template, context, prefix="/answer/", status=status)
    response["X-Robots-Tag"] = "noindex"
    return response


#: The answering pages find a survey's rows by the code or link they are given: the database wall is open to them.
ANSWERING = public_page("a survey answered by its one-time code or link")


@login_not_required
@ANSWERING
def answer_root_view(request: HttpRequest) -> HttpResponse:
    return redirect("answer_start", lang="lv")


def _too_many_tries(request: HttpRequest) -> bool:
    return over_limit("survey-code", client_address(request), limit=CODE_TRIES, seconds=600)


@login_not_required
@ANSWERING
@never_cache
def answer_start_view(request: HttpRequest, lang: str) -> HttpResponse:
    """Type a one-time code to begin, or to go on with the unsent answer begun with it (on any device)."""
    lang = _language(lang)
    error = ""
    status = 200
    if request.method == "POST":
        with translation.override(lang):
            if _too_many_tries(request):
                error, status = _("Too many codes were tried from this device; wait ten minutes."), 429
            else:
                try:
                    answer = services.response_start_with_code(code=request.POST.get("code", ""))
                except ValidationError as problem:
                    error, status = " ".join(problem.messages), 400
                else:
                    target = reverse("answer_form", kwargs={"lang": lang, "code": answer.survey.code})
                    return _remember(redirect(target), answer, request)
    return _page(request, lang, "surveys/answer_start.html", {"error": error}, status)


@login_not_required
@ANSWERING
@never_cache
def answer_link_view(request: HttpRequest, lang: str, token: str) -> HttpResponse:
    """An institution's open link: a page that says whose survey it is, and a button to begin."""
    lang = _language(lang)
    link = get_object_or_404(SurveyLink.objects.select_related("survey", "institution"), token=token[:40])
    target = reverse("answer_form", kwargs={"lang": lang, "code": link.survey.code})
    if _device_response(request, link.survey) is not None:
        return redirect(target)
    error = ""
    if not link.active or not rules.is_open(link.survey):
        with translation.override(lang):
            error = _("This survey is not taking answers now.")
    elif request.method == "POST":
        try:
            answer = services.response_start_with_link(link=link)
        except ValidationError as problem:
            with translation.override(lang):
                error = " ".join(str(m) for m in problem.messages)
        else:
            return _remember(redirect(target), answer, request)
    title = link.survey.title(lang)
    return _page(request, lang, "surveys/answer_link.html", {"link": link, "title": title, "error": error})


def _questions(answer: Response, lang: str, given: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Each question with its text in `lang`, its answers (code, label, chosen) and the value given."""
    shown = []
    for question in selectors.questions_for(answer):
        values = given.get(question.code, [])
        codes = SCALES.get(question.kind) or [str(choice) for choice in question.choices]
        options = [{"code": code, "label": ANSWER_LABELS.get(code, code), "chosen": code in values} for code in codes]
        shown.append(
            {
                "code": question.code,
                "text": question.text(lang),
                "kind": question.kind,
                "options": options,
                "value": values[0] if values else "",
                "multiple": question.kind == QuestionKind.MULTIPLE,
                "free": question.kind in (QuestionKind.NUMBER, QuestionKind.TEXT),
            }
        )
    return shown


@login_not_required
@ANSWERING
@never_cache
def answer_form_view(request: HttpRequest, lang: str, code: str) -> HttpResponse:
    """The questions of this device's answer: save and come back later, or send (then it is final)."""
    lang = _language(lang)
    survey = get_object_or_404(Survey, code=code[:40])
    answer = _device_response(request, survey)
    if answer is None:
        with translation.override(lang):
            error = _("This device has no answer to this survey begun; type your code, or open your link again.")
        return _page(request, lang, "surveys/answer_start.html", {"error": error}, 404)
    context: dict[str, Any] = {"survey": survey, "title": survey.title(lang), "answer": answer}
    if answer.finished:
        status = 409 if request.method == "POST" else 200
        return _page(request, lang, "surveys/answer_done.html", context, status)
    errors: dict[str, str] = {}
    saved = False
    status = 200
    if request.method == "POST":
        given = {question.code: request.POST.getlist(question.code) for question in selectors.questions_for(answer)}
        finish = request.POST.get("action") == "finish"
        with translation.override(lang):
            try:
                errors = services.response_answers_save(response=answer, values=given, finish=finish).errors
            except ValidationError:
                return _page(request, lang, "surveys/answer_done.html", context, 409)
        if answer.finished:
            return redirect(request.path)
        saved, status = not errors, 400 if errors else 200
    given = selectors.current_answers(answer)
    if errors:  # show what was typed, also where it was refused
        given |= {code: request.POST.getlist(code) for code in errors}
    with translation.override(lang):
        context |= {"questions": _questions(answer, lang, given), "errors": errors, "saved": saved}
        context["by_code"] = saved and selectors.resumable_by_code(answer)
        for question in context["questions"]:
            question["error"] = errors.get(question["code"], "")
    return _page(request, lang, "surveys/answer_form.html", context, status)
