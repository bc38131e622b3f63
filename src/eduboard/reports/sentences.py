"""The readiness report's sentences, written from the figures as seed 002 writes them.

Every sentence is a template of the translation catalogues with its numbers as parameters; a number
with a noun is an `N`/`NP` text whose form the catalogue's plural rule chooses ("1 bērns", "2 bērni",
"21 bērns", "0 bērnu"; Russian has its four forms), so no sentence is glued together from words in code.
A sentence is a `paragraph` block (see `reports.content`); the narrative slots stay beside it for the
board's own judgements.

The functions take the figures the sections have already read (`reports.readiness.BuildContext`), so a
sentence never costs a query of its own, and a figure in a sentence is the one in the table beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from eduboard.core.declension import decline_word
from eduboard.core.latvian import sort_key
from eduboard.registry.selectors import ClosedInstitution
from eduboard.reports.content import NP, D, L, N, P, T, Text, V, each_language, number

Block = dict[str, Any]


def paragraph(text: Text, lines: Sequence[Text] | None = None) -> Block:
    """A paragraph; `lines`, a long enumeration written as a list after its lead-in ("… šādas vakances:")."""
    block: Block = {"type": "paragraph", "text": text}
    if lines:
        block["lines"] = list(lines)
    return block


def change(difference: int) -> Text:
    """ "(par 538 mazāk nekā iepriekšējā mācību gadā)": a difference against the year before, in words."""
    if difference < 0:
        return N(
            "%(count)s fewer than in the previous school year",
            "%(count)s fewer than in the previous school year",
            -difference,
        )
    if difference > 0:
        return N(
            "%(count)s more than in the previous school year",
            "%(count)s more than in the previous school year",
            difference,
        )
    return T(_("as many as in the previous school year"))


def groups_change(difference: int) -> Text:
    """ "par 12 grupām mazāk nekā iepriekšējā mācību gadā"."""
    if difference < 0:
        return NP(
            "groups fewer",
            "%(count)s group fewer than in the previous school year",
            "%(count)s groups fewer than in the previous school year",
            -difference,
        )
    if difference > 0:
        return NP(
            "groups more",
            "%(count)s group more than in the previous school year",
            "%(count)s groups more than in the previous school year",
            difference,
        )
    return T(_("as many groups as in the previous school year"))


def children(count: int) -> Text:
    return N("%(count)s child", "%(count)s children", count)


def pupils(count: int) -> Text:
    return N("%(count)s pupil", "%(count)s pupils", count)


def pedagogues(count: int) -> Text:
    return N("%(count)s pedagogue", "%(count)s pedagogues", count)


def free_places(count: int) -> Text:
    return N("%(count)s free place", "%(count)s free places", count)


def fte(value: Decimal | str) -> Text:
    """ "0,5 likmes", "1 likme", "3,221 likmes"."""
    text = f"{Decimal(value):.3f}".rstrip("0").rstrip(".")
    return N("%(count)s FTE", "%(count)s FTE", Decimal(text or "0"))


UNTIL_MONTH = [
    _("until %(day)s January"),
    _("until %(day)s February"),
    _("until %(day)s March"),
    _("until %(day)s April"),
    _("until %(day)s May"),
    _("until %(day)s June"),
    _("until %(day)s July"),
    _("until %(day)s August"),
    _("until %(day)s September"),
    _("until %(day)s October"),
    _("until %(day)s November"),
    _("until %(day)s December"),
]


def until(month_day: str | None) -> Text:
    """A yearly day a rule holds until ("05-31") in words: "līdz 31. maijam", "until 31 May", "до 31 мая"."""
    if not month_day:
        return ""
    month, day_ = (int(part) for part in month_day.split("-"))
    return T(UNTIL_MONTH[month - 1], day=day_)


def preschool_statistics(
    *,
    year: str,
    as_of: date,
    preschools: int,
    groups_in_preschools: int,
    schools: list[tuple[str, int]],
    children_now: int,
    children_before: int,
    groups_now: int,
    groups_before: int,
) -> list[Block]:
    """Seed 002, I, preschool: institutions with their groups, the schools that also run preschool groups, the
    children and groups with the change."""
    blocks = [
        paragraph(
            T(
                _("In the %(year)s school year the board runs %(preschools)s %(groups)s."),
                year={"y": year},
                preschools=NP("preschools", "%(count)s preschool", "%(count)s preschools", preschools),
                groups=NP("with groups", "with %(count)s group", "with %(count)s groups", groups_in_preschools),
            )
        )
    ]
    if schools:
        # The schools as a list: "Pirmsskolas izglītības programmas īsteno arī 6 vispārizglītojošās skolas:".
        blocks.append(
            paragraph(
                T(
                    _("Preschool programmes are also carried out by %(schools)s:"),
                    schools=NP("schools", "%(count)s general school", "%(count)s general schools", len(schools)),
                ),
                lines=[
                    T(
                        _("%(name)s – %(groups)s"),
                        name=name,
                        groups=NP("groups", "%(count)s group", "%(count)s groups", n),
                    )
                    for name, n in sorted(schools, key=lambda item: sort_key(item[0]))
                ],
            )
        )
    blocks.append(
        paragraph(
            T(
                _(
                    "On %(date)s, %(children)s learn in preschool programmes (%(change)s) %(groups)s "
                    "(%(groups_change)s)."
                ),
                date=D(as_of),
                children=children(children_now),
                change=change(children_now - children_before),
                groups=NP("in groups", "in %(count)s group", "in %(count)s groups", groups_now),
                groups_change=groups_change(groups_now - groups_before),
            )
        )
    )
    return blocks


def preschool_places(*, queue: int, free_in_preschools: int, free_in_schools: int, free_total: int) -> list[Block]:
    """Seed 002: "Rindā ... bērnu nav. Pilsētas PII ir 65 brīvas vietas ..., bet skolās 83 ...; kopā ... 148"."""
    if queue:
        queue_text: Text = N(
            "%(count)s child is waiting in the queue for a preschool or a preschool group in a school.",
            "%(count)s children are waiting in the queue for a preschool or a preschool group in a school.",
            queue,
        )
    else:
        queue_text = T(_("No child is waiting in the queue for a preschool or a preschool group in a school."))
    return [
        paragraph(queue_text),
        paragraph(
            T(
                _(
                    "The city's preschools have %(preschools)s for children of all ages and the schools' preschool "
                    "programmes %(schools)s; in all, the city's institutions have %(total)s for preschool children."
                ),
                preschools=free_places(free_in_preschools),
                schools=free_places(free_in_schools),
                total=free_places(free_total),
            )
        ),
    ]


def preschool_staff(*, in_preschools: int, several: int, in_schools: int, schools_several: int, total: int) -> Block:
    return paragraph(
        T(
            _(
                "In the new school year %(pedagogues)s work in preschools, %(several)s of them in several "
                "institutions, and %(school_pedagogues)s work in the schools' preschool programmes, %(school_several)s "
                "of them in several institutions. In all, %(total)s carry out preschool programmes in the city."
            ),
            pedagogues=pedagogues(in_preschools),
            several=several,
            school_pedagogues=pedagogues(in_schools),
            school_several=schools_several,
            total=pedagogues(total),
        )
    )


def latvian_genitive(words: str) -> str:
    """A subject's name in the genitive, as Latvian writes a teacher of it: "ķīmija" → "ķīmijas",
    "vizuālā māksla" → "vizuālās mākslas", "angļu valoda" → "angļu valodas" (the feminine endings -a, -ā, -e
    that subject names have; other words are left as they are)."""
    result = []
    for word in words.split(" "):
        if word.endswith(("a", "ā", "e")):
            word += "s"
        result.append(word)
    return " ".join(result)


def _lower_first(text: str) -> str:
    """A name inside a sentence: its first letter in lower case, unless it is an abbreviation ("IT")."""
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def vacancy_item(
    position: dict[str, Any],
    *,
    school_starts: date | None = None,
    position_title: Text | None = None,
    subject_title: Text | None = None,
) -> Text:
    """ "ķīmijas skolotājs (1 likme)", "izglītības psihologs (1 likme) – tiks aizpildīta līdz 01.09.2024.".
    `position_title`, `subject_title`: the position's and the subject's names in each language (`L`), where the
    report has them; the stored ones otherwise."""
    subject = position.get("subject") or ""
    title: Text
    if subject:
        shown: Text = subject_title if subject_title is not None else subject
        if isinstance(shown, dict) and "l" in shown and subject[:1].islower():
            # Russian writes the subject in lower case inside the sentence, as the Latvian is written.
            shown = each_language(shown, lambda code, text: _lower_first(text) if code == "ru" else text)
        # Latvian writes the subject in the genitive before the word (ķīmijas skolotājs): its translation takes
        # %(subject_genitive)s instead of %(subject)s.
        # xgettext:no-python-format
        title = P("vacancy", "teacher of %(subject)s", subject=shown, subject_genitive=latvian_genitive(subject))
    else:
        name: Text = position_title if position_title is not None else position["position_name"]
        if isinstance(name, dict) and "l" in name:
            title = each_language(name, lambda _code, text: _lower_first(text))
        else:
            title = _lower_first(str(name))
    params: dict[str, Any] = {"position": title, "fte": fte(position["fte"])}
    filled = position.get("filled_on")
    if filled and school_starts is not None and filled <= school_starts.isoformat():
        # The date it will be filled by belongs to the post it is said of: "ģeogrāfijas skolotājs (0,5 likmes;
        # tiks aizpildīta līdz 01.09.2024.)".
        params["date"] = D(date.fromisoformat(filled))
        return T(_("%(position)s (%(fte)s; to be filled by %(date)s)"), **params)
    return T(_("%(position)s (%(fte)s)"), **params)


def vacancies(*, as_of: date, items: list[Text]) -> Block:
    if not items:
        return paragraph(T(_("No vacancy is open on %(date)s."), date=D(as_of)))
    return paragraph(T(_("On %(date)s these vacancies are open: %(list)s."), date=D(as_of), list=items))


def vacancies_by_institution(*, as_of: date, places: list[tuple[str, str, list[Text]]]) -> Block:
    """Seed 002's schools' vacancies, as a list by institution (name, its locative, its posts): "Daugavpils
    Zinātņu vidusskolā – ģeogrāfijas skolotājs (0,5 likmes) un mūzikas skolotājs (1 likme)"."""
    if not places:
        return paragraph(T(_("No vacancy is open on %(date)s."), date=D(as_of)))
    return paragraph(
        T(_("On %(date)s these vacancies are open in the schools:"), date=D(as_of)),
        lines=[
            T(
                # xgettext:no-python-format
                _("in %(institution)s: %(positions)s"),
                institution=name,
                institution_locative=locative,
                positions=items,
            )
            for name, locative, items in places
        ],
    )


#: Seed 002's sentence on an allocation for teaching aids, by the funding source's code (finance.sources): the
#: source in the genitive as Latvian writes it ("Piešķirtais valsts budžeta finansējums …"); another source is named.
ALLOCATION_SENTENCES = {
    "state": _(
        "The state budget's allocation for teaching aids and materials to %(recipient)s in %(year)s is %(amount)s; "
        "by %(date)s, %(spent)s of it has been used, or %(share)s."
    ),
    "municipal": _(
        "The municipal budget's allocation for teaching aids and materials to %(recipient)s in %(year)s is "
        "%(amount)s; by %(date)s, %(spent)s of it has been used, or %(share)s."
    ),
}
ALLOCATION_FROM_SOURCE = _(
    "The allocation for teaching aids and materials to %(recipient)s in %(year)s from the source “%(source)s” is "
    "%(amount)s; by %(date)s, %(spent)s of it has been used, or %(share)s."
)


def allocation_recipient(*, part: str, institutions: int, name: str = "", name_dative: str = "") -> Text:
    """An allocation's recipient in the dative Latvian needs: one institution's name (`name_dative`), or how many
    institutions of the part the allocation is for (a group's members, or the single allocations a sum holds):
    "9 pirmsskolas izglītības iestādēm"."""
    if name:
        # xgettext:no-python-format
        return P("allocation recipient", "%(name)s", name=name, name_dative=name_dative or name)
    if part == "preschool":
        return NP("allocated to preschools", "%(count)s preschool", "%(count)s preschools", institutions)
    if part == "general":
        return NP("allocated to general schools", "%(count)s general school", "%(count)s general schools", institutions)
    return NP("allocated to institutions", "%(count)s institution", "%(count)s institutions", institutions)


def allocation(
    *, source_code: str, source: Text, recipient: Text, year: int, amount: Any, spent: Any, share: Any, as_of: date
) -> Block:
    """Seed 002: "Piešķirtais valsts budžeta finansējums mācību līdzekļu iegādei pirmsskolām 2024. gadā ir
    EUR 61716, attiecīgi izlietojums uz 14.08.2024. sastāda EUR 3474,93 jeb 5,63%"."""
    template = ALLOCATION_SENTENCES.get(source_code, ALLOCATION_FROM_SOURCE)
    return paragraph(
        T(
            template,
            source=source,
            recipient=recipient,
            year=year,
            amount=V(amount, "EUR"),
            spent=V(spent, "EUR"),
            share=V(share, "%") if share is not None else "—",
            date=D(as_of),
        )
    )


#: Where a cost of one learner is counted, inside a sentence: "pirmsskolas izglītības programmās dienas grupā".
COST_PROGRAMMES = {
    "preschool_day": _("in preschool programmes in a day group"),
    "preschool_24h": _("in preschool programmes in a 24-hour group"),
    "general": _("in basic and general secondary programmes"),
    "interest": _("in interest education programmes"),
}

COST_SENTENCES = {
    "preschool_day": _("The approved cost of one learner in a preschool day group is %(cost)s a month."),
    "preschool_24h": _("The approved cost of one learner in a preschool 24-hour group is %(cost)s a month."),
    "general": _("The approved cost of one learner in basic and general secondary programmes is %(cost)s a month."),
    "interest": _("The approved cost of one learner in interest education programmes is %(cost)s a month."),
}


def cost_per_learner(
    kind: str,
    cost: Any,
    *,
    programme: Text = "",
    computed: Any = None,
    difference: Any = None,
    spent_to: date | None = None,
) -> list[Block]:
    """The cost of one learner a month in a programme: the approved one (seed 002's figure), and, where the data
    gives another, the computed one with why the two differ; the computed one alone where none was approved."""
    blocks: list[Block] = []
    if kind in COST_SENTENCES and cost is not None:
        blocks.append(paragraph(T(COST_SENTENCES[kind], cost=V(cost, "EUR"))))
    if computed is None or spent_to is None:
        return blocks
    period = {"from": D(spent_to.replace(month=1, day=1)), "to": D(spent_to)}
    where = T(COST_PROGRAMMES[kind]) if kind in COST_PROGRAMMES else programme
    if cost is None:
        blocks.append(
            paragraph(
                T(
                    _(
                        "No cost of one learner %(where)s has been approved for the year; computed from the data, "
                        "it is %(computed)s a month (the spending entered from %(from)s to %(to)s divided by the "
                        "learners counted on the first day of each month)."
                    ),
                    where=where,
                    computed=V(computed, "EUR"),
                    **period,
                )
            )
        )
    elif difference is not None and Decimal(str(difference)) != 0:
        amount = V(str(abs(Decimal(str(difference)))), "EUR")
        more = Decimal(str(difference)) > 0
        blocks.append(
            paragraph(
                T(
                    _(
                        "Computed from the data, the cost of one learner %(where)s would be %(computed)s a month, "
                        "%(difference)s. The approved cost is set for the whole year in advance; the computed one is "
                        "the spending entered from %(from)s to %(to)s divided by the learners counted on the first "
                        "day of each month, so it follows the spending so far."
                    ),
                    where=where,
                    computed=V(computed, "EUR"),
                    difference=T(_("%(amount)s more than the approved cost"), amount=amount)
                    if more
                    else T(_("%(amount)s less than the approved cost"), amount=amount),
                    **period,
                )
            )
        )
    return blocks


def state_founded(*, names: list[str]) -> Block:
    """The state-founded institutions in the city, named apart from the board's own (never counted among them)."""
    return paragraph(
        N(
            "Besides the board's own institutions, %(count)s state-founded institution works in the city: "
            "%(list)s; it is not the board's and is not counted in the board's figures.",
            "Besides the board's own institutions, %(count)s state-founded institutions work in the city: "
            "%(list)s; they are not the board's and are not counted in the board's figures.",
            len(names),
            list=names,
        )
    )


def general_statistics(
    *,
    year: str,
    as_of: date,
    schools: int,
    arts_centres: int,
    closed: list[ClosedInstitution],
    pupils_now: int,
    pupils_before: int,
    first_now: int,
    first_before: int,
    grade10_now: int,
    grade10_before: int,
) -> list[Block]:
    """Seed 002, I, general education: schools and arts education competence centres, the institutions closed
    by the council's decisions, pupils, first graders and grade 10 admissions with the change."""
    blocks = [
        paragraph(
            T(
                _("In the %(year)s school year the board runs %(schools)s and %(centres)s."),
                year={"y": year},
                schools=NP("schools", "%(count)s general school", "%(count)s general schools", schools),
                centres=N(
                    "%(count)s arts education competence centre",
                    "%(count)s arts education competence centres",
                    arts_centres,
                ),
            )
        )
    ]
    for institution in closed:
        # "… tika likvidēta, pievienojot to Daugavpils Draudzīgā aicinājuma vidusskolai (Domes … lēmums Nr. 112)":
        # the decision is cited after the sentence, the school it joined in the dative.
        decision = L(institution.notes)
        if institution.joined:
            text = T(
                # xgettext:no-python-format
                _("%(name)s was closed and joined to %(joined)s (%(decision)s)."),
                name=institution.name,
                decision=decision,
                joined=institution.joined,
                joined_dative=institution.joined_dative,
            )
        else:
            text = T(_("%(name)s was closed (%(decision)s)."), name=institution.name, decision=decision)
        blocks.append(paragraph(text))
    blocks.append(
        paragraph(
            T(
                _(
                    "On %(date)s, %(pupils)s will learn in the general schools in the new school year (%(change)s). "
                    "%(first)s are registered (%(first_change)s), and %(grade10)s have been admitted to grade 10 "
                    "(%(grade10_change)s)."
                ),
                date=D(as_of),
                pupils=pupils(pupils_now),
                change=change(pupils_now - pupils_before),
                first=N("%(count)s first grader", "%(count)s first graders", first_now),
                first_change=change(first_now - first_before),
                grade10=pupils(grade10_now),
                grade10_change=change(grade10_now - grade10_before),
            )
        )
    )
    return blocks


def general_staff(*, schools: int, pedagogues_now: int, several: int, vocational: int) -> Block:
    return paragraph(
        T(
            _(
                "%(pedagogues)s %(schools)s, %(several)s of them in several institutions; "
                "%(vocational)s in the vocational and arts education schools."
            ),
            # The verb with the number (Russian "будет работать 831 педагог", "будут работать 60 педагогов").
            pedagogues=NP(
                "will work", "%(count)s pedagogue will work", "%(count)s pedagogues will work", pedagogues_now
            ),
            schools=NP(
                "in schools",
                "in %(count)s general education institution",
                "in %(count)s general education institutions",
                schools,
            ),
            several=several,
            vocational=pedagogues(vocational),
        )
    )


def interest(*, figures: dict[str, int], organisers: int, centre_pedagogues: int = 0) -> list[Block]:
    """Seed 002, I, interest education: "BJC “Jaunība” piedāvā 49 ... programmas (13 ... STEM jomā), 171 pulciņu
    grupas", the clubs, 62 pedagogues of 120 employees, and the innovation centre's organisers."""
    blocks = [
        paragraph(
            T(
                _(
                    "The interest education institutions offer %(programmes)s (%(stem)s in STEM) %(groups)s, also "
                    "in %(clubs)s."
                ),
                programmes=N(
                    "%(count)s interest education programme",
                    "%(count)s interest education programmes",
                    figures["programmes"],
                ),
                stem=figures["stem_programmes"],
                groups=NP("in interest groups", "in %(count)s group", "in %(count)s groups", figures["groups"]),
                clubs=NP("in clubs", "%(count)s neighbourhood club", "%(count)s neighbourhood clubs", figures["clubs"]),
            )
        ),
        paragraph(
            T(
                _("%(pedagogues)s work among %(employees)s of the interest education institutions."),
                pedagogues=pedagogues(figures["pedagogues"]),
                employees=NP("among employees", "%(count)s employee", "%(count)s employees", figures["employments"]),
            )
        ),
    ]
    blocks += innovation_centre_staff(employees=organisers, pedagogues=centre_pedagogues)
    return blocks


def innovation_centre_staff(*, employees: int, pedagogues: int) -> list[Block]:
    """Seed 002: "Daugavpils Inovāciju centrā radošās nodarbības vada 3 izglītojošo nodarbību organizatori": the
    centre's staff, and how many of them are pedagogues by the people area's rule (a rate in a pedagogical
    position), so that the two figures beside it never contradict each other."""
    if not employees:
        return []
    if pedagogues == employees:
        # Every one of them holds a pedagogical position: seed 002's sentence.
        return [
            paragraph(
                N(
                    "In the innovation centre, %(count)s organiser of educational activities leads the sessions.",
                    "In the innovation centre, %(count)s organisers of educational activities lead the sessions.",
                    employees,
                )
            )
        ]
    employed = N(
        "The innovation centre employs %(count)s person",
        "The innovation centre employs %(count)s people",
        employees,
    )
    if pedagogues:
        of_them: Text = N(
            "%(count)s of them holds a pedagogical position",
            "%(count)s of them hold a pedagogical position",
            pedagogues,
        )
    else:
        of_them = T(_("none of them holds a pedagogical position, so the centre has no pedagogue in the figures"))
    return [paragraph(T(_("%(employed)s; %(of_them)s."), employed=employed, of_them=of_them))]


#: Where learners learn, by programme level, inside a sentence's list: "pirmsskolas izglītības programmās – 280".
LEVEL_PROGRAMMES = {
    "preschool": _("in preschool programmes"),
    "basic": _("in general basic programmes (grades 1–9)"),
    "secondary": _("in general secondary programmes (grades 10–12)"),
}


def _by_level(counts: list[tuple[str, Text, int]]) -> list[Text]:
    return [
        T(_("%(level)s – %(count)s"), level=T(LEVEL_PROGRAMMES[code]) if code in LEVEL_PROGRAMMES else label, count=n)
        for code, label, n in counts
    ]


def settlements(
    *,
    incoming: list[tuple[str, Text, int]],
    incoming_total: int,
    outgoing: list[tuple[str, Text, int]],
    outgoing_total: int,
) -> list[Block]:
    """Seed 002, IV: learners from other municipalities by level (code, label, count) and the city's children
    learning elsewhere, each as a list after its total."""
    if incoming_total:
        coming = paragraph(
            T(
                _("%(learners)s from other municipalities learn in the city's institutions:"),
                learners=NP("from other municipalities", "%(count)s learner", "%(count)s learners", incoming_total),
            ),
            lines=_by_level(incoming),
        )
    else:
        coming = paragraph(T(_("No learner from another municipality learns in the city's institutions.")))
    if outgoing_total:
        going = paragraph(
            T(
                _("%(children)s learn in other municipalities' institutions:"),
                children=NP(
                    "registered in the city",
                    "%(count)s child registered in the city",
                    "%(count)s children registered in the city",
                    outgoing_total,
                ),
            ),
            lines=_by_level(outgoing),
        )
    else:
        going = paragraph(T(_("No child registered in the city learns in another municipality's institutions.")))
    return [coming, going]


def _previous_year(code: str) -> dict[str, str]:
    first = int(code[:4]) if code else 0
    return {"y": f"{first - 1}/{first}"} if first else {"y": ""}


def observations(*, date_from: date, date_to: date, board: int, other: int, internal: int, year: str) -> Block:
    """Seed 002, III: "periodā no 01.09.2023.-30.06.2024. ir vērotas 182 mācību stundas un nodarbības pirmsskolas
    izglītības iestādēs un vispārizglītojošajās skolās, 4 mācību-treniņa nodarbības sporta skolās ... par
    2023./2024. mācību gada vērotājām 1561 mācību stundu/nodarbību"."""
    return paragraph(
        T(
            _(
                "From %(from)s to %(to)s the board's specialists observed %(board)s in preschools and general "
                "schools and %(other)s in sports schools; the institutions' own observations of the %(year)s "
                "school year cover %(internal)s."
            ),
            **{"from": D(date_from), "to": D(date_to)},
            board=N("%(count)s lesson", "%(count)s lessons", board),
            other=N("%(count)s training session", "%(count)s training sessions", other),
            internal=NP("lessons covered", "%(count)s lesson", "%(count)s lessons", internal),
            year=_previous_year(year),
        )
    )


def latvian_locative(subject: str) -> str:
    """A subject's name inside a Latvian sentence, in the locative: "Latviešu valoda" → "latviešu valodā",
    "Matemātika" → "matemātikā" (core.declension's endings; the first letter in lower case unless an
    abbreviation)."""
    words = subject.split(" ")
    words[-1] = decline_word(words[-1], "locative")
    return _lower_first(" ".join(words))


def _latvian(text: Text) -> str:
    """The Latvian of a data text (`L`) or the text itself."""
    if isinstance(text, dict) and "l" in text:
        return str(text["l"].get("lv", ""))
    return str(text)


def monitoring_totals(*, totals: list[tuple[Text, int, list[tuple[int, int]], int]]) -> list[Block]:
    """Seed 002, III: "kopumā tika novērtētas 2 423 izglītojamo latviešu valodas prasmes (pirmsskolās tika
    novērtētas 846 pirmsskolas absolventu ... prasmes pēc vienotiem kritērijiem, 1.kl. – 875 izglītojamo, ...)":
    learners assessed in each subject's monitoring tests, the preschool graduates apart."""
    blocks = []
    for subject, total, by_grade, graduates in totals:
        grades: list[Any] = [T(_("grade %(grade)s – %(count)s"), grade=grade, count=count) for grade, count in by_grade]
        sentence = T(
            # xgettext:no-python-format
            _("The city's monitoring tests in %(subject)s assessed %(learners)s: %(grades)s."),
            subject=subject,
            subject_locative=latvian_locative(_latvian(subject)),
            learners=NP("assessed", "%(count)s learner", "%(count)s learners", total),
            grades=grades,
        )
        if graduates:
            sentence = T(
                _("%(sentence)s In preschools, %(graduates)s were assessed by common criteria."),
                sentence=sentence,
                graduates=NP(
                    "preschool graduates assessed",
                    "%(count)s preschool graduate",
                    "%(count)s preschool graduates",
                    graduates,
                ),
            )
        blocks.append(paragraph(sentence))
    return blocks


def below_threshold(*, exam: str, threshold: Any, learners: int, results: int, repeat: int) -> Block:
    """Seed 002: "Pamatizglītībā 10% minimālā kopvērtējuma slieksni nav varējuši sasniegt 50 skolēni ... 3 skolēni
    nenokārtoja eksāmenu ... jau otrreiz"."""
    # The verb is in each number's own form: Latvian "nav varējis sasniegt 21 skolēns" (seed 002) beside "nav
    # varējuši sasniegt 50 skolēni", Russian "не смог достичь 21 ученик".
    if not learners:
        # A zero in words: "Pamatizglītībā 10 % minimālo kopvērtējuma slieksni sasniedza visi skolēni."
        everyone = (
            _("In the basic-school centralised exams, every pupil reached the minimum of %(threshold)s.")
            if exam == "ce_basic"
            else _("In the secondary centralised exams, every pupil reached the minimum of %(threshold)s.")
        )
        return paragraph(T(everyone, threshold=V(number(threshold), "%")))
    text = (
        _("In the basic-school centralised exams, %(learners)s (%(results)s); %(repeat)s.")
        if exam == "ce_basic"
        else _("In the secondary centralised exams, %(learners)s (%(results)s); %(repeat)s.")
    )
    again: Text = (
        NP(
            "failed again",
            "%(count)s pupil did not pass the same exam for the second time",
            "%(count)s pupils did not pass the same exam for the second time",
            repeat,
        )
        if repeat
        else T(_("no pupil failed the same exam for the second time"))
    )
    return paragraph(
        T(
            text,
            learners=NP(
                "did not reach",
                "%(count)s pupil did not reach the minimum of %(threshold)s",
                "%(count)s pupils did not reach the minimum of %(threshold)s",
                learners,
                threshold=V(number(threshold), "%"),
            ),
            results=NP("results below", "%(count)s result below it", "%(count)s results below it", results),
            repeat=again,
        )
    )


def catering(*, part: str, status: str, years: int, total_amount: Any, procedure: Text, decided_on: date) -> Block:
    """Seed 002: "DPIP iesniedza ... pieteikumu par ēdināšanas pakalpojuma sniegšanu PII. Plānots slēgt līgumus ar
    darbības termiņu 3 gadi par kopējo summu 14480941 EUR"; "tika noslēgti līgumi ... Līgumu darbības termiņš 5
    (pieci) gadi"."""
    term = NP("term", "%(count)s year", "%(count)s years", years)
    whose = (
        P("catering for", "the preschools' learners")
        if part == "preschool"
        else P("catering for", "the general education schools' learners")
    )
    slots: dict[str, Any] = {"whose": whose, "procedure": procedure, "date": D(decided_on), "term": term}
    if status != "planned":
        template = _(
            "On %(date)s, after the procurement procedure “%(procedure)s”, contracts for the catering of "
            "%(whose)s were concluded for %(term)s."
        )
    elif total_amount is None:
        template = _(
            "On %(date)s the board applied for the procurement of catering for %(whose)s (procedure "
            "“%(procedure)s”); contracts for %(term)s are planned."
        )
    else:
        template = _(
            "On %(date)s the board applied for the procurement of catering for %(whose)s (procedure "
            "“%(procedure)s”); contracts for %(term)s worth %(amount)s in all are planned."
        )
        slots["amount"] = V(total_amount, "EUR")
    text = T(template, **slots)
    return paragraph(text)


def meal_grounds(*, share: Decimal, grounds: Text) -> Block:
    """Seed 002, I.2: "Izglītojamie, kuru ēdināšanas izdevumi tiek segti 100% apmērā, tiek noteikti ar pašvaldības
    saistošajiem noteikumiem par sociālās palīdzības un brīvprātīgo iniciatīvu pabalstiem": a meal rule's share of
    the price covered (state and municipality together) and what decides who gets it (`MealRule.grounds`, written by
    the board to end the sentence)."""
    return paragraph(
        T(
            _("The learners whose meals are covered at %(share)s are determined by %(grounds)s."),
            share=V(number(share), "%"),
            grounds=grounds,
        )
    )
