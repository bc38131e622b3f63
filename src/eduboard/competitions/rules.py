"""The rules of a robotics competition that need no database: a team's members as written on the form or in a
file, a robot's measurements against its discipline's limits, a run's time as written on the pages, and at the
ring: when two referees' entries agree and how long a device holds a score sheet.

Pure functions of values, so the public form, the staff's page and an imported file judge alike."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eduboard.core.text import validate_no_control_characters

if TYPE_CHECKING:
    from eduboard.competitions.models import Discipline

MAX_MEMBERS = 6
MIN_AGE, MAX_AGE = 5, 25
MEMBER = re.compile(r"^(?P<name>.*?)[\s,]*\(?\s*(?P<age>\d{1,2})\s*\)?$")


def parse_members(text: str, *, require_ages: bool = True) -> list[dict[str, Any]]:
    """Members written "Name (12); Name (13)" (also "Name 12"; separated by ;, | or new lines, or by commas between
    members with ages): [{name, age}]. Without `require_ages` (a file) a member may come without an age, and a
    bare number is that many members not named."""
    text = (text or "").strip()
    if not require_ages and text.isdigit():
        return clean_members([{"name": "", "age": None}] * int(text), require_ages=False)
    members: list[dict[str, Any]] = []
    parts: list[str] = []
    for part in re.split(r"[;\n|]+", text):
        several = len(re.findall(r"\d+", part)) > 1 and "," in part
        parts.extend(part.split(",") if several else [part])
    for part in parts:
        part = " ".join(part.split())
        if not part:
            continue
        found = MEMBER.match(part)
        if found and found["name"]:
            members.append({"name": found["name"].strip(" ,")[:60], "age": int(found["age"])})
        elif not require_ages and not any(ch.isdigit() for ch in part):
            members.append({"name": part.strip(" ,")[:60], "age": None})
        else:
            raise ValidationError(
                _("“%s”: write each member as a first name and an age, e.g. “Anna (12)”.") % part[:60], code="members"
            )
    return clean_members(members, require_ages=require_ages)


def clean_members(members: list[dict[str, Any]], *, require_ages: bool = True) -> list[dict[str, Any]]:
    """1 to 6 members, each a first name and an age from 5 to 25 (in a file the age may be missing)."""
    if not 1 <= len(members) <= MAX_MEMBERS:
        raise ValidationError(_("A team has 1 to %d members.") % MAX_MEMBERS, code="members")
    for member in members:
        validate_no_control_characters(str(member["name"]))
        if member.get("age") is None and not require_ages:
            continue
        if member.get("age") is None or not MIN_AGE <= int(member["age"]) <= MAX_AGE:
            raise ValidationError(
                _("%(name)s: an age from %(low)d to %(high)d.")
                % {"name": member["name"], "low": MIN_AGE, "high": MAX_AGE},
                code="members",
            )
    return [{"name": str(m["name"]).strip(), "age": None if m.get("age") is None else int(m["age"])} for m in members]


#: The robots each `Discipline.robot_kind` allows, by how they are built (`Team.robot_build`); "any" allows all.
BUILDS_ALLOWED = {"lego": {"lego"}, "self_built": {"self_built"}}


def robot_problems(discipline: Discipline, *, mass_g: int | None, width_mm: int | None, length_mm: int | None,
                   height_mm: int | None, robot_build: str = "") -> list[str]:  # fmt: skip
    """What a robot breaks of the discipline's rules (empty: it passes): the kind of robot it allows (a Lego robot
    in a Lego class, a self-built one in the self-built class), its largest measurements and mass."""
    problems: list[str] = []
    allowed = BUILDS_ALLOWED.get(discipline.robot_kind)
    if allowed is not None and robot_build not in allowed:
        problems.append(
            _("not stated how the robot is built") if not robot_build
            else _("the discipline allows %(allowed)s, not this robot") % {
                "allowed": discipline.get_robot_kind_display()}
        )  # fmt: skip
    limits = [
        (mass_g, discipline.max_mass_g, _("mass %(value)d g is over %(limit)d g")),
        (width_mm, discipline.max_width_mm, _("width %(value)d mm is over %(limit)d mm")),
        (length_mm, discipline.max_length_mm, _("length %(value)d mm is over %(limit)d mm")),
        (height_mm, discipline.max_height_mm, _("height %(value)d mm is over %(limit)d mm")),
    ]
    for value, limit, message in limits:
        if limit is not None and value is None:
            problems.append(_("not measured: %s") % message.split(" ")[0])
        elif limit is not None and value is not None and value > limit:
            problems.append(message % {"value": value, "limit": limit})
    return problems


def check_points(points_a: int, points_b: int, *, limit: int) -> None:
    """A sumo result's Yuko points: each from 0 to the discipline's points to win, and only one robot reaching
    them (one rule for a referee's entry and the result recorded)."""
    for value in (points_a, points_b):
        if not 0 <= value <= limit:
            raise ValidationError(_("Points are from 0 to %d.") % limit, code="points")
    if points_a == limit and points_b == limit:
        raise ValidationError(_("Only one robot can reach %d points.") % limit, code="points")


def run_time(time_ms: int | None, *, limit_s: int) -> int | None:
    """A run's time as it counts: above zero, and a run over the discipline's limit did not finish (None)."""
    if time_ms is not None and time_ms <= 0:
        raise ValidationError(_("A time is above zero."), code="time")
    return None if time_ms is None or time_ms > limit_s * 1000 else time_ms


def seconds_text(ms: int | None) -> str:
    """A run's time in seconds with a decimal comma (12,345), or – when it did not finish."""
    return "–" if ms is None else f"{ms // 1000},{ms % 1000:03d}"


# --- scoring at the ring: two referees' entries and a sheet held by one device

#: How long a score sheet stays with a device that has gone quiet: after this another device may open it.
HOLD_MINUTES = 5


def hold_lapsed(held_since: datetime | None, now: datetime) -> bool:
    """Whether a device's hold on a score sheet has ended (never held, or held longer than HOLD_MINUTES)."""
    return held_since is None or now - held_since > timedelta(minutes=HOLD_MINUTES)


def points_agree(first: tuple[int, int], second: tuple[int, int]) -> bool:
    """Two referees' Yuko points of a sumo match agree when they are the same for both robots."""
    return first == second


def times_agree(first: int | None, second: int | None, *, within_ms: int) -> bool:
    """Two referees' times of a run (None: did not finish) agree when both say it did not finish, or both timed
    it and the times differ by no more than the discipline's `agreement_ms`."""
    if first is None or second is None:
        return first is None and second is None
    return abs(first - second) <= within_ms


def agreed_time(first: int | None, second: int | None) -> int | None:
    """The run's result from two agreeing times: their mean, rounded down to the millisecond (None: did not
    finish)."""
    if first is None or second is None:
        return None
    return (first + second) // 2
