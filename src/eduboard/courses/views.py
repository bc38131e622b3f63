"""The centre's pages of courses for teachers: the courses (filters, CSV/XLSX), a course (versioned) with its
sessions, its participants and their registration, the attendance grid (one POST saves it all; usable on a phone),
issuing certificates and the certificates as a PDF (A4 landscape, in Latvian, with a QR code of the public
verification page); a head of a city school reads their school's participants and their certificates.
Thin: rules and reads in `innovation.courses`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from eduboard.centre.selectors import user_centre
from eduboard.core.exports import Column
from eduboard.core.forms import add_service_error
from eduboard.core.qr import qr_png_base64
from eduboard.core.views import ScopedListView, scoped_object, scoped_rows
from eduboard.courses import rules, selectors, services
from eduboard.courses.filters import CourseFilter, ParticipantFilter
from eduboard.courses.forms import CertifyForm, CourseForm, RegistrationForm, SessionForm
from eduboard.courses.models import Attendance, Course, CourseSession, Participant


def _errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _can_change(request: HttpRequest, course: Course, permission: str = "courses.change_course") -> bool:
    """Whether the user's role may do this and the course is one they may change (their centre's)."""
    return (
        request.user.has_perm(permission) and scoped_rows(request, Course, editing=True).filter(pk=course.pk).exists()
    )


# --- the list


class CourseListView(PermissionRequiredMixin, ScopedListView):
    """The centre's courses with their sessions, participants and certificates counted."""

    permission_required = "courses.view_course"
    filterset_class = CourseFilter
    template_name = "courses/list.html"
    partial_template_name = "courses/table.html"
    sort_fields = {"starts_on": "starts_on", "title": "title", "code": "code"}
    default_sort = "-starts_on"
    export_filename = "courses"
    export_columns = [
        Column(gettext_lazy("Code"), lambda c: c.code),
        Column(gettext_lazy("Title"), lambda c: c.title),
        Column(gettext_lazy("Module"), lambda c: str(c.module or "")),
        Column(gettext_lazy("Hours"), lambda c: c.hours),
        Column(gettext_lazy("From"), lambda c: c.starts_on),
        Column(gettext_lazy("To"), lambda c: c.ends_on),
        Column(gettext_lazy("Places"), lambda c: c.places),
        Column(gettext_lazy("Lecturer"), lambda c: c.lecturer),
        Column(gettext_lazy("Sessions"), lambda c: c.session_count),
        Column(gettext_lazy("Participants"), lambda c: c.participant_count),
        Column(gettext_lazy("Certificates"), lambda c: c.certificate_count),
    ]

    def get_rows(self) -> QuerySet[Any]:
        """The courses with their sessions, participants and certificates counted."""
        rows: QuerySet[Any] = selectors.course_rows(viewer=self.request.user).select_related("module")
        return rows

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_add"] = self.request.user.has_perm("courses.add_course")
        return context


# --- a course and its sessions


@permission_required("courses.view_course", raise_exception=True)
def course_edit_view(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Add or edit a course (versioned: an edit of a stale copy is refused)."""
    course = scoped_object(request, Course, pk=pk) if pk else None
    can_change = _can_change(request, course) if course else request.user.has_perm("courses.add_course")
    centre = course.centre if course else user_centre(viewer=request.user)
    if centre is None:
        raise PermissionDenied(_("Your scope holds no innovation centre."))
    form = CourseForm(request.POST or None, instance=course, viewer=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            edited: Course = form.save(commit=False)
            edited.centre = centre
            try:
                services.course_save(viewer=request.user, course=edited, expected_version=form.edited_version())
            except ValidationError as error:
                form.add_save_error(error)
            else:
                messages.success(request, _("The course was saved."))
                return redirect("courses:course_detail", pk=edited.pk)
    return render(request, "courses/form.html", {"course": course, "form": form, "can_change": can_change})


@permission_required("courses.view_course", raise_exception=True)
def course_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A course: its facts, its sessions (a session added here), and the ways to its participants and attendance."""
    course = scoped_object(request, Course.objects.select_related("module", "requirement"), pk=pk)
    can_change = _can_change(request, course)
    form = SessionForm(request.POST or None)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            session: CourseSession = form.save(commit=False)
            session.course = course
            try:
                services.course_session_save(viewer=request.user, session=session)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("The session of %s was added.") % f"{session.date:%d.%m.%Y.}")
                return redirect("courses:course_detail", pk=pk)
    sessions = list(course.sessions.all())
    context = {
        "course": course,
        "sessions": sessions,
        "session_hours": sum(s.hours for s in sessions),
        "registered": course.participants.count(),
        "form": form,
        "can_change": can_change,
        "requirement": course.requirement.name if course.requirement else services.STANDARD_REQUIREMENT,
        "hours_text": rules.hours_lv(course.hours),
    }
    return render(request, "courses/detail.html", context)


@permission_required("courses.change_course", raise_exception=True)
def session_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit a session's date, hours or topic."""
    session = scoped_object(request, CourseSession.objects.select_related("course"), editing=True, pk=pk)
    form = SessionForm(request.POST or None, instance=session)
    if request.method == "POST" and form.is_valid():
        try:
            services.course_session_save(
                viewer=request.user, session=form.save(commit=False), expected_version=form.edited_version()
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("courses:course_detail", pk=session.course_id)
    return render(request, "courses/session_form.html", {"session": session, "form": form})


# --- participants


@permission_required("courses.view_participant", raise_exception=True)
def participants_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A course's participants with their attendance share and certificate; a teacher registered here."""
    course = scoped_object(request, Course, pk=pk)
    can_change = _can_change(request, course, "courses.add_participant")
    form = RegistrationForm(request.POST or None, viewer=request.user)
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                participant = services.participant_register(
                    viewer=request.user,
                    course=course,
                    staff_member=data["staff_member"],
                    name=data["name"],
                    school=data["school"],
                    school_name=data["school_name"],
                    email=data["email"],
                )
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, _("%s was registered.") % participant.name)
                return redirect("courses:course_participants", pk=pk)
    shares = selectors.attendance_shares(course)
    rows = scoped_rows(request, Participant.objects.select_related("school")).filter(course=course)
    context = {
        "course": course,
        "rows": [(p, shares.get(p.pk)) for p in rows],
        "free": max(course.places - len(shares), 0),
        "form": form,
        "can_change": can_change,
        "certify_form": CertifyForm(),
    }
    return render(request, "courses/participants.html", context)


@permission_required("courses.change_attendance", raise_exception=True)
def attendance_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The attendance grid: a checkbox per participant and session; one POST saves the whole grid. `?session=`
    shows one session's column (a phone at the door)."""
    course = scoped_object(request, Course, editing=True, pk=pk)
    sessions = list(scoped_rows(request, CourseSession, editing=True).filter(course=course).order_by("date"))
    wanted = request.GET.get("session", "")
    shown = [s for s in sessions if str(s.pk) == wanted] or sessions
    participants = list(scoped_rows(request, Participant, editing=True).filter(course=course).order_by("name", "pk"))
    if request.method == "POST":
        session_ids = {s.pk for s in sessions}
        participant_ids = {p.pk for p in participants}
        posted_sessions = [int(v) for v in request.POST.getlist("s") if v.isdigit() and int(v) in session_ids]
        posted_people = [int(v) for v in request.POST.getlist("p") if v.isdigit() and int(v) in participant_ids]
        marks = {s: {p: f"a-{p}-{s}" in request.POST for p in posted_people} for s in posted_sessions}
        try:
            changed = services.attendance_grid_record(viewer=request.user, course=course, marks=marks)
        except ValidationError as error:
            _errors(request, error)
        else:
            messages.success(request, _("Attendance saved (%d marks changed).") % changed)
        return redirect(request.get_full_path())
    marked = scoped_rows(request, Attendance).filter(session__course=course, present=True)
    present = set(marked.values_list("participant_id", "session_id"))
    rows = [(p, [(s, (p.pk, s.pk) in present) for s in shown]) for p in participants]
    context = {"course": course, "sessions": sessions, "shown": shown, "rows": rows, "one": len(shown) == 1}
    return render(request, "courses/attendance.html", context)


@permission_required("courses.change_participant", raise_exception=True)
@require_POST
def certify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue the certificates of everyone who has reached the course's required attendance."""
    course = scoped_object(request, Course, editing=True, pk=pk)
    form = CertifyForm(request.POST)
    on = form.cleaned_data.get("on") if form.is_valid() else None
    try:
        issued = services.certificates_issue(viewer=request.user, course=course, on=on)
    except ValidationError as error:
        _errors(request, error)
    else:
        if issued:
            messages.success(request, _("%d certificates were issued.") % len(issued))
        else:
            messages.info(request, _("Nobody new has reached the required attendance."))
    return redirect("courses:course_participants", pk=pk)


class ParticipantListView(PermissionRequiredMixin, ScopedListView):
    """Every participant the viewer may see: the centre's, or a city school head's own teachers."""

    permission_required = "courses.view_participant"
    filterset_class = ParticipantFilter
    template_name = "courses/participant_list.html"
    partial_template_name = "courses/participant_table.html"
    sort_fields = {"name": "name", "school": "school_name", "course": "course__starts_on"}
    default_sort = "-course"
    export_filename = "course-participants"
    export_columns = [
        Column(gettext_lazy("Course"), lambda p: p.course.code),
        Column(gettext_lazy("Title"), lambda p: p.course.title),
        Column(gettext_lazy("Name"), lambda p: p.name),
        Column(gettext_lazy("School"), lambda p: p.school_name),
        Column(gettext_lazy("Hours"), lambda p: p.course.hours),
        Column(gettext_lazy("Certificate"), lambda p: p.certificate_number),
        Column(gettext_lazy("Issued"), lambda p: p.certified_on or ""),
    ]

    queryset = Participant.objects.select_related("course")


# --- certificates


def _certificates_pdf(request: HttpRequest, participants: list[Participant], filename: str) -> HttpResponse:
    from weasyprint import HTML

    pages = []
    for participant in participants:
        link = request.build_absolute_uri(reverse("centre_certificate", args=["lv", participant.certificate_key]))
        pages.append(
            {
                "participant": participant,
                "course": participant.course,
                "hours": rules.hours_lv(participant.course.hours),
                "link": link,
                "qr": qr_png_base64(link),
            }
        )
    with translation.override("lv"):
        html = render_to_string("courses/certificate_pdf.html", {"pages": pages})
    response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@permission_required("courses.view_participant", raise_exception=True)
def certificates_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Every certificate of a course as one PDF, a page each (one page saying so while none is issued)."""
    course = scoped_object(request, Course, editing=True, pk=pk)
    certified = list(
        scoped_rows(request, Participant.objects.select_related("course__centre"))
        .filter(course=course)
        .exclude(certificate_number="")
        .order_by("certificate_number")
    )
    return _certificates_pdf(request, certified, f"certificates-{course.code}.pdf")


@permission_required("courses.view_participant", raise_exception=True)
def certificate_view(request: HttpRequest, pk: int) -> HttpResponse:
    """One participant's certificate as a PDF (the centre's staff; a city school's head for their teachers)."""
    participant = scoped_object(
        request, Participant.objects.exclude(certificate_number="").select_related("course__centre"), pk=pk
    )
    return _certificates_pdf(request, [participant], f"{participant.certificate_number}.pdf")
