"""Pages of the registry: institutions, groups, learners, the preschool queue, statistics."""

from __future__ import annotations

from datetime import date
from typing import Any

from auditlog.models import LogEntry
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from eduboard.core.audit import audit_bulk_read, audit_read
from eduboard.core.exports import Column
from eduboard.core.figures_cache import cached_figures
from eduboard.core.scope import Viewer
from eduboard.core.versions import CONFLICT_CODES, error_codes
from eduboard.core.views import ScopedDetailView, ScopedListView, scoped_object, scoped_rows
from eduboard.registry import selectors, services
from eduboard.registry.choices import InstitutionType, ProgrammeLevel, QueueStatus
from eduboard.registry.filters import AsOfForm, InstitutionFilter, LearnerFilter, QueueFilter
from eduboard.registry.forms import EnrolmentLeaveForm, LearnerCorrectForm, QueueOfferForm, QueueRegisterForm
from eduboard.registry.importers import municipality_get_or_create, municipality_ids
from eduboard.registry.models import CorrectionVia, Enrolment, Group, Institution, Learner, QueueEntry


class InstitutionListView(PermissionRequiredMixin, ScopedListView):
    """Institutions in the user's scope, filtered, sorted, paginated, exportable."""

    permission_required = "registry.view_institution"
    filterset_class = InstitutionFilter
    template_name = "registry/institution_list.html"
    partial_template_name = "registry/partials/institution_table.html"
    sort_fields = {
        "name": "sort_name",
        "type": "type",
        "registration_number": "registration_number",
        "closed_on": "closed_on",
    }
    default_sort = "name"
    export_filename = "institutions"
    export_columns = [
        Column(gettext_lazy("Name"), lambda i: i.name),
        Column(gettext_lazy("Short name"), lambda i: i.short_name),
        Column(gettext_lazy("Type"), lambda i: i.get_type_display()),
        Column(gettext_lazy("Registration number"), lambda i: i.registration_number),
        Column(gettext_lazy("Founder"), lambda i: i.get_founder_display()),
        Column(gettext_lazy("Address"), lambda i: i.address),
        Column(gettext_lazy("Opened on"), lambda i: i.opened_on),
        Column(gettext_lazy("Closed on"), lambda i: i.closed_on),
        Column(gettext_lazy("Joined to"), lambda i: i.joined_to.name if i.joined_to else ""),
    ]
    queryset = Institution.objects.select_related("joined_to", "part_of")


class InstitutionDetailView(PermissionRequiredMixin, ScopedDetailView):
    """One institution: programmes, groups with free places, counts, history. 404 outside the user's scope."""

    permission_required = "registry.view_institution"
    template_name = "registry/institution_detail.html"
    context_object_name = "institution"
    queryset = Institution.objects.select_related("joined_to")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        institution: Institution = self.object
        form = AsOfForm(self.request.GET or None)
        as_of = form.as_of_date()
        groups = selectors.groups_with_places(as_of=as_of, visible_to=self.request.user, institution=institution)
        places = selectors.places_by_institution(groups=groups).get(institution.registration_number, selectors.Places())
        context.update(
            {
                "as_of_form": form,
                "as_of": as_of,
                "school_year": selectors.reporting_school_year(as_of=as_of),
                "groups": groups,
                "places": places,
                "programmes": selectors.institution_programmes(institution=institution, groups=groups),
                "joined_institutions": institution.joined_institutions.order_by("closed_on"),
                "units": institution.units.order_by("sort_name"),
                "history": LogEntry.objects.get_for_object(institution).select_related("actor", "content_type")[:20],
            }
        )
        return context


class GroupDetailView(PermissionRequiredMixin, ScopedDetailView):
    """One group and the learners counted in it today (codes masked); the class list is a bulk read of children's
    data, written to the audit trail."""

    permission_required = "registry.view_group"
    template_name = "registry/group_detail.html"
    context_object_name = "group"
    queryset = Group.objects.select_related("institution", "programme", "school_year", "leader", "club")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        group: Group = self.object
        enrolments = group.enrolments.select_related("learner__declared_municipality").order_by(
            "learner__sort_name", "pk"
        )
        context["enrolments"] = enrolments
        audit_bulk_read(request=self.request, model=Enrolment, rows=len(enrolments))
        context["counted"] = selectors.group_counted_learners(group=group, as_of=timezone.localdate())
        return context


class LearnerListView(PermissionRequiredMixin, ScopedListView):
    """Learner search, scoped to the user's institutions; personal codes masked."""

    permission_required = "registry.view_learner"
    filterset_class = LearnerFilter
    template_name = "registry/learner_list.html"
    partial_template_name = "registry/partials/learner_table.html"
    sort_fields = {"name": "sort_name", "birth_date": "birth_date"}
    default_sort = "name"
    export_filename = "learners"
    export_columns = [
        Column(gettext_lazy("Last name"), lambda learner: learner.last_name),
        Column(gettext_lazy("First name"), lambda learner: learner.first_name),
        Column(gettext_lazy("Personal code"), lambda learner: learner.masked_code),
        Column(gettext_lazy("Birth date"), lambda learner: learner.birth_date),
        Column(gettext_lazy("Declared municipality"), lambda learner: learner.declared_municipality or ""),
    ]
    full_code_columns = [Column(gettext_lazy("Full personal code"), lambda learner: learner.personal_code)]
    full_code_permission = "registry.reveal_personal_code"
    queryset = Learner.objects.select_related("declared_municipality")


class LearnerDetailView(PermissionRequiredMixin, ScopedDetailView):
    """A learner's full record; every opening is written to the audit trail."""

    permission_required = "registry.view_learner"
    template_name = "registry/learner_detail.html"
    context_object_name = "learner"
    queryset = Learner.objects.select_related("declared_municipality")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        learner: Learner = self.object
        audit_read(actor=self.request.user, instance=learner)
        enrolments = learner.enrolments.select_related("group__institution", "group__school_year", "group__programme")
        scope = scoped_rows(self.request, Institution).values_list("pk", flat=True)
        context["enrolments"] = enrolments.filter(group__institution__in=scope).order_by("-enrolled_on")
        context["show_code"] = self.request.user.has_perm("registry.reveal_personal_code")
        context["can_record_leaving"] = self.request.user.has_perm("registry.change_enrolment")
        context["can_correct"] = self.request.user.has_perm("registry.change_learner") and learner.anonymised_on is None
        context["corrections"] = scoped_rows(self.request, learner.corrections.select_related("by"))[:50]
        context["queue_entries"] = (
            scoped_rows(self.request, QueueEntry).filter(child=learner).select_related("first_choice", "second_choice")
        )
        if self.request.user.has_perm("assets.view_loan"):  # the devices lent to the learner (assets' loans)
            context["learner_loans"] = scoped_rows(
                self.request, learner.loans.select_related("asset__kind").order_by("-lent_on", "-pk")
            )
        return context


class QueueListView(PermissionRequiredMixin, ScopedListView):
    """The preschool queue in its order (the rule in rules.queue_order_key), with actions."""

    permission_required = "registry.view_queueentry"
    filterset_class = QueueFilter
    template_name = "registry/queue_list.html"
    partial_template_name = "registry/partials/queue_table.html"
    paginate_by = 50
    export_filename = "queue"
    export_columns = [
        Column(gettext_lazy("Child"), lambda e: f"{e.child.first_name} {e.child.last_name}"),
        Column(gettext_lazy("Personal code"), lambda e: e.child.masked_code),
        Column(gettext_lazy("Birth date"), lambda e: e.child.birth_date),
        Column(gettext_lazy("Registered on"), lambda e: e.registered_on),
        Column(gettext_lazy("Wanted start"), lambda e: e.wanted_start_on),
        Column(gettext_lazy("First choice"), lambda e: e.first_choice),
        Column(gettext_lazy("Second choice"), lambda e: e.second_choice or ""),
        Column(gettext_lazy("Status"), lambda e: e.get_status_display()),
    ]

    queryset = QueueEntry.objects.select_related(
        "child__declared_municipality", "first_choice", "second_choice", "offered_group"
    )

    def get_queryset(self) -> QuerySet[Any]:
        return self.get_base_queryset()  # the queue's own order, not a sort (paginate_queryset)

    def paginate_queryset(self, queryset: Any, page_size: int) -> Any:
        # The queue order is a rule in Python (rules.queue_order_key), so order before paginating.
        ordered = selectors.queue_in_order(entries=queryset)
        self.queue_numbers = {entry.pk: number for number, entry in enumerate(ordered, start=1)}  # the "#" column
        return super().paginate_queryset(ordered, page_size)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["can_change"] = self.request.user.has_perm("registry.change_queueentry")
        shown = [entry.pk for entry in context["object_list"]]
        # Actions only on the entries this user may take them on (QueueEntryQuerySet's rules).
        context["editable_ids"] = set(
            scoped_rows(self.request, QueueEntry, editing=True).filter(pk__in=shown).values_list("pk", flat=True)
        )
        acceptable = scoped_rows(self.request, QueueEntry.objects.acceptable_by(self.request.user))
        context["acceptable_ids"] = set(acceptable.filter(pk__in=shown).values_list("pk", flat=True))
        filters = self.filterset.form.cleaned_data if self.filterset.is_valid() else {}
        if filters.get("status") in (None, "", QueueStatus.WAITING):
            lines = selectors.queue_offer_lines(
                viewer=self.request.user, on=timezone.localdate(), institution=filters.get("institution")
            )
            numbers = getattr(self, "queue_numbers", {})
            context["offer_lines"] = [(line, queue_line_text(line, numbers.get(line.first.pk))) for line in lines]
            context["offers"] = [(line, text) for line, text in context["offer_lines"] if not line.reason]
            context["waits"] = [(line, text) for line, text in context["offer_lines"] if line.reason]
            context["show_offers"] = True
        return context


def _child_name(entry: QueueEntry) -> str:
    return f"{entry.child.first_name} {entry.child.last_name}"


#: Why a line's first child cannot be offered a place (`QueueLine.reason`): alone in the line, and with others
#: waiting behind them (the form by the number behind).
QUEUE_LINE_WAITS_ALONE = {
    "later_year": gettext_lazy(
        "%(who)s wants a place from %(year)s, and %(institution)s has no preschool group of that year yet."
    ),
    "no_group": gettext_lazy(
        "%(who)s, born in %(born_in)s, is first in line for %(institution)s, which has no preschool group of %(year)s."
    ),
    "no_free_place": gettext_lazy(
        "%(who)s, born in %(born_in)s, is first in line for %(institution)s, whose preschool groups of "
        "%(year)s have no free place."
    ),
}
QUEUE_LINE_WAITS_BEHIND = {
    "later_year": ngettext_lazy(
        "%(who)s wants a place from %(year)s, and %(institution)s has no preschool group of that year yet, so "
        "the child born in %(born_in)s behind them waits.",
        "%(who)s wants a place from %(year)s, and %(institution)s has no preschool group of that year yet, so "
        "the %(behind)s children born in %(born_in)s behind them wait.",
        "behind",
    ),
    "no_group": ngettext_lazy(
        "%(who)s, born in %(born_in)s, is first in line for %(institution)s, which has no preschool group of "
        "%(year)s, so the child born in %(born_in)s behind them waits.",
        "%(who)s, born in %(born_in)s, is first in line for %(institution)s, which has no preschool group of "
        "%(year)s, so the %(behind)s children born in %(born_in)s behind them wait.",
        "behind",
    ),
    "no_free_place": ngettext_lazy(
        "%(who)s, born in %(born_in)s, is first in line for %(institution)s, whose preschool groups of "
        "%(year)s have no free place, so the child born in %(born_in)s behind them waits.",
        "%(who)s, born in %(born_in)s, is first in line for %(institution)s, whose preschool groups of "
        "%(year)s have no free place, so the %(behind)s children born in %(born_in)s behind them wait.",
        "behind",
    ),
}


def queue_line_text(line: selectors.QueueLine, number: int | None) -> str:
    """One line of the queue in words (`selectors.QueueLine`): where its first child can be offered a place, or
    why they cannot, and so why the children behind them wait. `number` is the child's "#" in the list shown."""
    child = _child_name(line.first)
    who = _("%(child)s (queue number %(number)s)") % {"child": child, "number": number} if number else child
    values = {
        "who": who,
        "institution": line.institution.short_name or line.institution.name,
        "year": line.year_code,
        "born_in": line.born_in,
        "behind": line.behind,
    }
    if line.reason:
        waits = QUEUE_LINE_WAITS_BEHIND if line.behind else QUEUE_LINE_WAITS_ALONE
        return str(waits[line.reason] % values)
    values["groups"] = ", ".join(
        _("%(group)s (%(free)s free)") % {"group": group.name, "free": group.free}  # type: ignore[attr-defined]
        for group in line.free_groups
    )
    return (
        _(
            "%(who)s, born in %(born_in)s, is first in line for %(institution)s: a place of %(year)s can be offered in "
            "%(groups)s."
        )
        % values
    )


def _queue_entry_for(request: HttpRequest, pk: int) -> QueueEntry:
    """An entry the user may change and withdraw (the queue's one rule, QueueEntry.objects.editable_by), else 404."""
    entry: QueueEntry = scoped_object(
        request,
        QueueEntry.objects.select_related("child", "first_choice", "second_choice", "offered_group"),
        editing=True,
        pk=pk,
    )
    return entry


@permission_required("registry.add_queueentry", raise_exception=True)
def queue_register_view(request: HttpRequest) -> HttpResponse:
    """Register a child in the preschool queue."""
    institutions = selectors.preschool_institutions(institutions=scoped_rows(request, Institution))
    form = QueueRegisterForm(request.POST or None, institutions=institutions, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                municipality_id = municipality_get_or_create(data["declared_municipality"], municipality_ids())
                child = services.queue_child_get_or_create(
                    personal_code=data["personal_code"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    birth_date=data["birth_date"],
                    declared_municipality_id=municipality_id,
                )
                services.queue_entry_register(
                    child=child,
                    registered_on=data["registered_on"],
                    wanted_start_on=data["wanted_start_on"],
                    first_choice=data["first_choice"],
                    second_choice=data["second_choice"],
                    grounds=list(data["grounds"]),
                    viewer=request.user,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(child)s is in the queue.") % {"child": child})
            return redirect("registry:queue")
    return render(request, "registry/queue_register.html", {"form": form})


@permission_required("registry.change_learner", raise_exception=True)
def learner_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Correct a learner's personal data, saying why: each field changed is traced (old, new, who, why) and listed in
    the learner's subject-access answer."""
    learner = scoped_object(request, Learner, editing=True, pk=pk)
    form = LearnerCorrectForm(request.POST or None, instance=learner, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.learner_save(
                learner=form.instance,
                viewer=request.user,
                reason=form.cleaned_data["reason"],
                via=CorrectionVia.PAGE,
                expected_version=form.edited_version(),
            )
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The correction was saved with its reason."))
            return redirect(learner.get_absolute_url())
    return render(request, "registry/learner_correct.html", {"form": form, "learner": learner})


@permission_required("registry.change_enrolment", raise_exception=True)
def enrolment_leave_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that a learner left a group (the day, the reason or none to infer it, a note), on the learner's page."""
    enrolment = scoped_object(
        request, Enrolment.objects.select_related("learner", "group__institution"), editing=True, pk=pk
    )
    form = EnrolmentLeaveForm(request.POST or None, instance=enrolment)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.enrolment_leave(
                enrolment=scoped_object(request, Enrolment, editing=True, pk=enrolment.pk),
                left_on=data["left_on"],
                reason=data["leaving_reason"],
                note=data["leaving_note"],
                expected_version=form.edited_version(),
            )
        except ValidationError as error:
            form.add_save_error(error)
        else:
            messages.success(request, _("The leaving of %(learner)s was recorded.") % {"learner": enrolment.learner})
            return redirect(enrolment.learner.get_absolute_url())
    return render(request, "registry/enrolment_leave.html", {"form": form, "enrolment": enrolment})


@permission_required("registry.change_queueentry", raise_exception=True)
def queue_offer_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Offer a waiting child a place in a group of a chosen institution: the groups with a free place where the
    child is first in line (`selectors.queue_offer_lines`), and in words why not elsewhere."""
    entry: QueueEntry = scoped_object(
        request, QueueEntry.objects.offerable_by(request.user).select_related("child"), pk=pk
    )
    today = timezone.localdate()
    lines = selectors.queue_offer_lines(viewer=request.user, on=today, entry=entry)
    offered_in = {group.pk: group for line in lines if line.first.pk == entry.pk for group in line.free_groups}
    mine = scoped_rows(request, Group.objects.select_related("institution"), editing=True)
    groups = mine.filter(pk__in=list(offered_in))
    form = QueueOfferForm(
        request.POST or None,
        groups=groups.order_by("institution__sort_name", "sort_name"),
        viewer=request.user,
        initial={"version": entry.version},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.queue_entry_offer(
                entry=entry,
                group=form.cleaned_data["group"],
                on=today,
                viewer=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            form.add_error(None if error_codes(error) & {*CONFLICT_CODES, "busy"} else "group", error)
        else:
            messages.success(request, _("A place was offered to %(child)s.") % {"child": entry.child})
            return redirect("registry:queue")
    # Where a place can be offered (with the free places), and why not elsewhere: the same lines as the queue's.
    reasons = [_queue_entry_wait_text(entry, line) for line in lines]
    return render(request, "registry/queue_offer.html", {"form": form, "entry": entry, "reasons": reasons})


def _queue_entry_wait_text(entry: QueueEntry, line: selectors.QueueLine) -> str:
    """Whether `entry` can be offered a place in `line`'s institution now, and where; or why not."""
    if line.first.pk == entry.pk:
        return queue_line_text(line, None)
    position = next(number for number, other in enumerate(line.entries, start=1) if other.pk == entry.pk)
    ahead = _(
        "%(first)s is first in line for %(institution)s among the children born in %(born_in)s; %(child)s is "
        "number %(position)s in that line and waits until %(first)s is offered a place or leaves the queue."
    ) % {
        "first": _child_name(line.first),
        "institution": line.institution.short_name or line.institution.name,
        "born_in": line.born_in,
        "child": _child_name(entry),
        "position": position,
    }
    return f"{ahead} {queue_line_text(line, None)}" if line.reason else ahead


@permission_required("registry.change_queueentry", raise_exception=True)
def queue_decide_view(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """Accept an offered place (POST), or withdraw the entry: asked first on a page of its own (GET), done when that
    page's form is sent (POST). The URL names one of the two; nothing else is routed."""
    if request.method not in ("POST", "GET") or (request.method == "GET" and decision != "withdraw"):
        return HttpResponseNotAllowed(["POST"] if decision != "withdraw" else ["GET", "POST"])
    if decision == "accept":
        entry: QueueEntry = scoped_object(
            request, QueueEntry.objects.acceptable_by(request.user).select_related("child"), pk=pk
        )
    else:
        entry = _queue_entry_for(request, pk)
    if request.method == "GET":
        # The version the list showed, so that a change made since the list was read is refused on sending.
        shown = request.GET.get("version", "")
        version = int(shown) if shown.isdigit() else entry.version
        return render(request, "registry/queue_withdraw.html", {"entry": entry, "version": version})
    today = timezone.localdate()
    try:
        expected = int(request.POST["version"]) if request.POST.get("version") else None
    except ValueError:
        messages.error(request, _("The form was out of date; reload the page."))
        return redirect("registry:queue")
    try:
        if decision == "accept":
            services.queue_entry_accept(entry=entry, on=today, viewer=request.user, expected_version=expected)
            messages.success(request, _("%(child)s accepted the place and is enrolled.") % {"child": entry.child})
        elif decision == "withdraw":
            freed = entry.offered_group
            services.queue_entry_withdraw(entry=entry, on=today, viewer=request.user, expected_version=expected)
            message = _(
                "%(child)s was withdrawn from the queue: the application stays in the list as withdrawn, and no "
                "place will be offered to them."
            ) % {"child": _child_name(entry)}
            if freed is not None:
                message += " " + _("The place offered in %(group)s is free again.") % {"group": freed.name}
            messages.success(request, message)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("registry:queue")


@cached_figures("registry")
def places_table(*, as_of: date, visible_to: Viewer) -> str:
    """The places-by-institution table of the statistics page, rendered once per date, scope and language
    (a country's 1,200 rows cost more to write out than every figure of the page to read from the cache)."""
    stats = selectors.registry_figures(as_of=as_of, visible_to=visible_to)
    places = stats["places_by_institution"]
    names = selectors.institution_names(visible_to=visible_to, registration_numbers=list(places))
    rows = [(name, number, places[number]) for number, name in names.items()]
    return render_to_string("registry/partials/places_table.html", {"place_rows": rows, "stats": stats})


@permission_required("registry.view_institution", raise_exception=True)
def stats_view(request: HttpRequest) -> HttpResponse:
    """The registry's figures as of a date, as tables and charts."""
    form = AsOfForm(request.GET or None)
    as_of = form.as_of_date()
    stats = selectors.registry_stats(as_of=as_of, visible_to=request.user)
    levels = ProgrammeLevel.choices
    level_rows = [
        (label, stats["learners_by_level"][code], stats["learners_by_level_year_before"][code],
         stats["learners_by_level_change"][code], stats["groups_by_level"][code],
         stats["learners_from_other_municipalities"][code], stats["residents_learning_elsewhere"][code])
        for code, label in levels
    ]  # fmt: skip
    type_rows = [(label, stats["institutions_by_type"][code]) for code, label in InstitutionType.choices]
    charts = {
        "chart-learners": {
            "type": "bar",
            "labels": [str(label) for _code, label in levels],
            "datasets": [
                {
                    "label": str(_("As of %(date)s") % {"date": as_of.isoformat()}),
                    "data": [row[1] for row in level_rows],
                },
                {"label": str(_("A year before")), "data": [row[2] for row in level_rows]},
            ],
        },
        "chart-types": {
            "type": "bar",
            "labels": [str(label) for label, _count in type_rows],
            "datasets": [{"label": str(_("Institutions")), "data": [count for _label, count in type_rows]}],
        },
    }
    return render(
        request,
        "registry/stats.html",
        {
            "form": form,
            "as_of": as_of,
            "stats": stats,
            "level_rows": level_rows,
            "type_rows": type_rows,
            # Rendered by our own template (escaped there); the cache keeps it as plain text.
            "places_table": mark_safe(places_table(as_of=as_of, visible_to=request.user)),  # noqa: S308
            "charts": charts,
        },
    )
