"""Writes of the registry that carry a rule: the preschool queue and enrolments, and every edit of a row.

The queue order is decided in one place, `rules.queue_order_key`: children of an older birth-year cohort
first; within a cohort, children declared in the city before others; then the highest priority
ground (lowest rank; no ground comes last); then the earlier registration date.

Every edit carries the version it was made on (`core.versions`): a stale one is refused, and only the fields
that changed are written, so two people editing one row never silently undo each other's change.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _

from eduboard.core.latvian import refresh_keys
from eduboard.core.scope import Viewer, acting_user, sees_whole_city
from eduboard.core.versions import STALE_RECORD, atomic_write, refuse_stale, save_versioned
from eduboard.registry.choices import LeavingReason, ProgrammeLevel, QueueStatus
from eduboard.registry.leaving import infer_leaving_reasons
from eduboard.registry.models import (
    LEARNER_PERSONAL_FIELDS,
    CorrectionVia,
    Enrolment,
    Group,
    Institution,
    Learner,
    LearnerCorrection,
    Municipality,
    PriorityGround,
    Programme,
    QueueEntry,
)
from eduboard.registry.rules import enrolment_leaving_check, group_check, programme_interest_check, queue_lines
from eduboard.registry.selectors import group_places_taken, queue_in_order

#: The name an anonymised learner's record keeps (the person is gone, the record still counts).
ANONYMOUS_NAME = "Anonimizēts"


def _refuse_unless_editable(entry: QueueEntry, viewer: Viewer) -> None:
    """The queue's write rule (QueueEntry.objects.editable_by): only the first choice's institution writes."""
    if not QueueEntry.objects.editable_by(viewer).filter(pk=entry.pk).exists():
        raise ValidationError(
            _("Only the institution chosen first (or the board) can change this application."), code="not_first_choice"
        )


def queue_child_get_or_create(
    *, personal_code: str, first_name: str, last_name: str, birth_date: date, declared_municipality_id: int | None
) -> Learner:
    """The child an application is for: a new learner, or the one already registered with this personal code when
    the name and birth date are the same. Never another institution's child by its code alone: the details must
    match, which only the family can give, and the refusal names nobody."""
    child, created = Learner.objects.get_or_create(
        personal_code=personal_code,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "birth_date": birth_date,
            "declared_municipality_id": declared_municipality_id,
        },
    )
    if not created and (child.first_name, child.last_name, child.birth_date) != (first_name, last_name, birth_date):
        raise ValidationError(
            _("A child with this personal code is registered with other details; check the name and date."),
            code="other_details",
        )
    return child


@atomic_write
def queue_entry_register(
    *,
    child: Learner,
    registered_on: date,
    wanted_start_on: date,
    first_choice: Institution,
    second_choice: Institution | None = None,
    grounds: list[PriorityGround] | None = None,
    viewer: Viewer,
) -> QueueEntry:
    """Put a child in the preschool queue for at most two institutions, in order of preference.

    Registered by the institution chosen first (or the board)."""
    if not Institution.objects.editable_by(viewer).filter(pk=first_choice.pk).exists():
        raise ValidationError(
            _("An application is registered by the institution chosen first (or the board)."), code="not_first_choice"
        )
    if second_choice is not None and second_choice.pk == first_choice.pk:
        raise ValidationError(_("The second choice must be another institution than the first."), code="same_choice")
    if wanted_start_on < registered_on:
        raise ValidationError(
            _("The wanted start cannot be before the registration date."), code="start_before_registration"
        )
    if QueueEntry.objects.filter(child=child, status__in=[QueueStatus.WAITING, QueueStatus.OFFERED]).exists():
        raise ValidationError(_("%(child)s is already in the queue.") % {"child": child}, code="already_queued")
    entry = QueueEntry(
        child=child,
        registered_on=registered_on,
        wanted_start_on=wanted_start_on,
        first_choice=first_choice,
        second_choice=second_choice,
    )
    entry.full_clean()
    entry.save()
    if grounds:
        entry.grounds.set(grounds)
    return entry


def _locked_entry(entry: QueueEntry, expected_version: int | None) -> QueueEntry:
    """The entry locked for this transaction, refused as stale when `expected_version` is given and is not its
    version (someone changed or moved it on since the page or the caller read it)."""
    locked: QueueEntry = (
        QueueEntry.objects.select_for_update(of=("self",)).select_related("offered_group").get(pk=entry.pk)
    )
    refuse_stale(stored=locked.version, expected=expected_version, message=STALE_RECORD)
    return locked


@atomic_write
def queue_entry_offer(
    *, entry: QueueEntry, group: Group, on: date, viewer: Viewer, expected_version: int | None = None
) -> QueueEntry:
    """Offer a waiting child a place in a preschool group of a chosen institution, within its capacity: by
    either chosen institution, in a group of its own (QueueEntry.objects.offerable_by), or by the board.

    Refused when the child is not waiting, the group is not a preschool group of one of the child's
    choices, the group is full, or the child is not first in their line for the group's institution
    (`rules.queue_lines`); and when `expected_version` is given and the entry changed since.
    """
    if not QueueEntry.objects.offerable_by(viewer).filter(pk=entry.pk).exists():
        raise ValidationError(
            _("Only an institution the parents chose (or the board) can offer this child a place."),
            code="not_chosen_by_viewer",
        )
    if not Group.objects.editable_by(viewer).filter(pk=group.pk).exists():
        raise ValidationError(_("You can offer places only in your institutions' groups."), code="foreign_group")
    entry = _locked_entry(entry, expected_version)
    group = Group.objects.select_for_update().select_related("programme", "school_year").get(pk=group.pk)
    if entry.status != QueueStatus.WAITING:
        raise ValidationError(
            _("Only a waiting child can be offered a place; this one is “%s”.") % entry.get_status_display(),
            code="not_waiting",
        )
    if group.programme.level != ProgrammeLevel.PRESCHOOL:
        raise ValidationError(_("%(group)s is not a preschool group.") % {"group": group}, code="not_preschool")
    if group.institution_id not in {entry.first_choice_id, entry.second_choice_id}:
        raise ValidationError(_("The group is not in an institution the parents chose."), code="not_chosen")
    if group.capacity is None or group_places_taken(group=group, on=on) >= group.capacity:
        raise ValidationError(
            _("%(group)s has no free place: all %(capacity)s places are taken or offered.")
            % {"group": group, "capacity": group.capacity or 0},
            code="no_free_place",
        )
    waiting = QueueEntry.objects.filter(status=QueueStatus.WAITING).filter(
        Q(first_choice=group.institution_id) | Q(second_choice=group.institution_id)
    )
    lines = queue_lines(queue_in_order(entries=waiting), {group.institution_id})
    line = lines.get((group.institution_id, entry.child.birth_date.year), [])
    if line and line[0].pk != entry.pk:
        raise ValidationError(
            _("%(child)s is ahead in the queue for this institution; offer the place to them first.")
            % {"child": line[0].child},
            code="not_first_in_queue",
        )
    entry.status = QueueStatus.OFFERED
    entry.offered_group = group
    entry.status_changed_on = on
    entry.version += 1
    entry.save(update_fields=["status", "offered_group", "status_changed_on", "version", "updated_at"])
    return entry


@atomic_write
def queue_entry_accept(
    *, entry: QueueEntry, on: date, viewer: Viewer, expected_version: int | None = None
) -> Enrolment:
    """The parents accept the offered place: the child is enrolled and leaves the queue. Recorded by the first
    choice's institution, the institution whose group was offered (QueueEntry.objects.acceptable_by) or the board."""
    if not QueueEntry.objects.acceptable_by(viewer).filter(pk=entry.pk).exists():
        raise ValidationError(
            _("Only the institution chosen first or the one that offered the place (or the board) can record this."),
            code="not_first_choice",
        )
    entry = _locked_entry(entry, expected_version)
    if entry.status != QueueStatus.OFFERED or entry.offered_group is None:
        raise ValidationError(_("Only an offered place can be accepted."), code="not_offered")
    if QueueEntry.objects.filter(child=entry.child, status=QueueStatus.ACCEPTED).exclude(pk=entry.pk).exists():
        raise ValidationError(
            _("%(child)s already holds an accepted place.") % {"child": entry.child}, code="already_accepted"
        )
    entry.status = QueueStatus.ACCEPTED
    entry.status_changed_on = on
    entry.version += 1
    entry.save(update_fields=["status", "status_changed_on", "version", "updated_at"])
    enrolment = Enrolment(learner=entry.child, group=entry.offered_group, enrolled_on=max(on, entry.wanted_start_on))
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@atomic_write
def queue_entry_withdraw(
    *, entry: QueueEntry, on: date, viewer: Viewer, expected_version: int | None = None
) -> QueueEntry:
    """Take a child out of the queue (the parents withdraw or refuse the offer)."""
    _refuse_unless_editable(entry, viewer)
    entry = _locked_entry(entry, expected_version)
    if entry.status not in (QueueStatus.WAITING, QueueStatus.OFFERED):
        raise ValidationError(_("Only a waiting or offered entry can be withdrawn."), code="not_withdrawable")
    entry.status = QueueStatus.WITHDRAWN
    entry.offered_group = None
    entry.status_changed_on = on
    entry.version += 1
    entry.save(update_fields=["status", "offered_group", "status_changed_on", "version", "updated_at"])
    return entry


@atomic_write
def learner_transfer(*, personal_code: str, group: Group, on: date, viewer: Viewer) -> Enrolment:
    """Enrol a learner who comes from another institution (or from nowhere in the city) in `group`.

    The explicit transfer rule: the receiving institution names the learner by the full personal code (which the
    family gives it); a learner still enrolled in an institution outside `viewer`'s scope is refused until that
    institution records the leaving, except for the board, whose transfer closes the open enrolments on `on`.
    A code that matches nobody is answered like one enrolled elsewhere would be: nothing about the learner is told.
    Interest groups are outside this rule: a learner joins one whatever their school, and keeps it when moving.
    """
    if not Group.objects.editable_by(viewer).filter(pk=group.pk).exists():
        raise ValidationError(_("You can enrol learners only in your institutions' groups."), code="foreign_group")
    refusal = ValidationError(
        _(
            "This learner cannot be enrolled here. Check the personal code; a learner still enrolled in another "
            "institution is enrolled here after that institution records the leaving, or by the board."
        ),
        code="not_transferable",
    )
    learner = Learner.objects.filter(personal_code=personal_code).first()
    if learner is None:
        raise refusal  # the same answer as for a learner enrolled elsewhere: a code tells nothing about anyone
    # A place in an interest group (pulciņš) sits beside school: it neither blocks a transfer nor is closed by one,
    # and joining an interest group leaves the learner's school as it is.
    open_elsewhere = (
        Enrolment.objects.filter(learner=learner)
        .open()
        .exclude(group__institution=group.institution_id)
        .exclude(group__programme__level=ProgrammeLevel.INTEREST)
    )
    if group.programme.level == ProgrammeLevel.INTEREST:
        open_elsewhere = open_elsewhere.none()
    if open_elsewhere.exists():
        theirs = open_elsewhere.exclude(group__institution__in=Institution.objects.editable_by(viewer))
        if not sees_whole_city(viewer) or theirs.exists():
            raise refusal
        for enrolment in open_elsewhere.select_for_update():
            enrolment.left_on = max(on, enrolment.enrolled_on)
            with translation.override(settings.LANGUAGE_CODE):  # stored text: in the board's language, not the user's
                note = _("transferred to %(institution)s") % {"institution": group.institution}
            enrolment.leaving_reason = LeavingReason.TRANSFERRED
            enrolment.leaving_reason_inferred = False
            enrolment.leaving_note = note
            save_versioned(enrolment)
    enrolment = Enrolment(learner=learner, group=group, enrolled_on=on)
    enrolment.full_clean()
    enrolment.save()
    infer_leaving_reasons(learner_ids=[learner.pk])  # a leaving elsewhere within 30 days is now a transfer
    return enrolment


# --- edits of one row (the API's PATCH and PUT, and any page that edits one): the version checked, only the
# changed fields written (core.versions.save_versioned).


@atomic_write
def institution_save(*, institution: Institution, expected_version: int | None = None) -> Institution:
    """Create an institution or save an edit of one made on `expected_version`."""
    save_versioned(institution, expected_version=expected_version)
    return institution


@atomic_write
def programme_save(*, programme: Programme, expected_version: int | None = None) -> Programme:
    """Create a programme or save an edit of one made on `expected_version` (the STEM flag and the field only on
    an interest-education programme)."""
    programme_interest_check(programme)
    save_versioned(programme, expected_version=expected_version)
    return programme


@atomic_write
def group_save(*, group: Group, expected_version: int | None = None) -> Group:
    """Create a group or save an edit of one made on `expected_version`; its leader is employed at its institution
    during its school year, and its club is one of that institution's (`group_check`)."""
    group_check(group)
    save_versioned(group, expected_version=expected_version)
    return group


def _shown(value: Any) -> str:
    """A stored value as the correction's trace keeps it (a municipality by its id's row name)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)[:200]


def _column(name: str) -> str:
    """The stored column of a personal field (a municipality by its id)."""
    return f"{name}_id" if name == "declared_municipality" else name


@atomic_write
def learner_save(
    *,
    learner: Learner,
    viewer: Viewer,
    reason: str = "",
    via: str = CorrectionVia.API,
    expected_version: int | None = None,
) -> Learner:
    """Create a learner, or save an edit of one made on `expected_version` (the personal code stays unique). An edit
    of personal data is a correction: each field changed is traced with its old and new value, who and why
    (`LearnerCorrection`); an anonymised record is not edited."""
    if learner.pk is None:
        save_versioned(learner, expected_version=expected_version)
        return learner
    columns = [_column(name) for name in LEARNER_PERSONAL_FIELDS]
    stored = Learner.objects.filter(pk=learner.pk).values("anonymised_on", *columns).first()
    if stored is not None and stored["anonymised_on"] is not None:
        raise ValidationError(_("This learner's record was anonymised by the retention rules: it is not edited."))
    changed = [
        name
        for name in LEARNER_PERSONAL_FIELDS
        if stored is not None and getattr(learner, _column(name)) != stored[_column(name)]
    ]
    reason = reason.strip()
    if changed and not reason:
        raise ValidationError({"reason": _("Say why the personal data is corrected: the reason is kept with it.")})
    save_versioned(learner, expected_version=expected_version)
    if changed and stored is not None:
        towns = [stored["declared_municipality_id"], learner.declared_municipality_id]
        names = dict(Municipality.objects.filter(pk__in=[town for town in towns if town]).values_list("pk", "name"))

        def value(name: str, raw: Any) -> str:
            return _shown(names.get(raw, raw) if name == "declared_municipality" else raw)

        by = acting_user(viewer)
        LearnerCorrection.objects.bulk_create(
            LearnerCorrection(
                learner=learner,
                field=name,
                old_value=value(name, stored[_column(name)]),
                new_value=value(name, getattr(learner, _column(name))),
                by=by,
                reason=reason[:300],
                via=via,
            )
            for name in changed
        )
    return learner


def learner_anonymise(*, learner_ids: Iterable[int], on: date) -> int:
    """Remove the person from learners' records (retention, docs/privacy.md): name and personal code replaced,
    the corrections' old values gone; the birth date, the declared municipality, the family and meal flags and every
    row that counts (enrolments, results, loans) stay, so past figures stay the same. Returns the learners anonymised
    (those not yet were)."""
    rows = list(Learner.objects.filter(pk__in=list(learner_ids), anonymised_on__isnull=True))
    for learner in rows:
        learner.first_name = ""
        learner.last_name = ANONYMOUS_NAME
        learner.personal_code = f"X{learner.pk:011d}"[:12]
        learner.anonymised_on = on
        learner.version += 1
        keys = refresh_keys(learner)
    if rows:
        Learner.objects.bulk_update(
            rows,
            [
                "first_name",
                "last_name",
                "personal_code",
                "anonymised_on",
                "version",
                *keys,
            ],
            batch_size=500,
        )
        LearnerCorrection.objects.filter(learner__in=rows).delete()
    return len(rows)


@atomic_write
def enrolment_save(*, enrolment: Enrolment, expected_version: int | None = None) -> Enrolment:
    """Create an enrolment or save an edit of one made on `expected_version` (it leaves on or after it began).
    A reason for leaving goes with a leaving day: without one the reason is cleared; a leaving with no reason given
    gets one inferred (`registry.leaving`), and the learner's other leavings are inferred again (this enrolment may
    be the place a learner went on to)."""
    enrolment_leaving_check(enrolment)
    save_versioned(enrolment, expected_version=expected_version)
    infer_leaving_reasons(learner_ids=[enrolment.learner_id])
    enrolment.refresh_from_db(fields=["leaving_reason", "leaving_reason_inferred"])
    return enrolment


@atomic_write
def enrolment_leave(
    *, enrolment: Enrolment, left_on: date, reason: str = "", note: str = "", expected_version: int | None = None
) -> Enrolment:
    """Record that a learner left a group on `left_on` (the first day away) for `reason` (a LeavingReason code; empty:
    inferred by the system), with an optional note."""
    enrolment.left_on = left_on
    enrolment.leaving_reason = reason
    enrolment.leaving_reason_inferred = False
    enrolment.leaving_note = note
    enrolment.full_clean()
    return enrolment_save(enrolment=enrolment, expected_version=expected_version)


@atomic_write
def queue_entry_save(
    *, entry: QueueEntry, viewer: Viewer, expected_version: int | None, grounds: Iterable[PriorityGround] | None = None
) -> QueueEntry:
    """Save an edit of an application made on `expected_version` (wanted start, choices, priority grounds), by the
    institution chosen first (or the board); the wanted start is not before the registration. New applications
    are `queue_entry_register`; offers and decisions are `queue_entry_offer`, `_accept` and `_withdraw`."""
    if entry.pk is None:
        raise ValidationError(_("A new application is registered, not edited."), code="not_registered")
    _refuse_unless_editable(entry, viewer)
    if entry.wanted_start_on < entry.registered_on:
        raise ValidationError(
            {"wanted_start_on": _("The wanted start cannot be before the registration date.")},
            code="start_before_registration",
        )
    save_versioned(entry, expected_version=expected_version, many=None if grounds is None else {"grounds": grounds})
    return entry
