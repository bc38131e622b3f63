"""Demonstration data of the surveys area: seed 002's wellbeing survey (Labbūtības aptauja, 2024).

Seed 002: 950 teachers (66 % of all on 07.05.2024), 814 pupils of grades 3–4 (47 %), 2427 pupils of grades 5–12
(43 %) and 3915 parents took part, and it states shares of answers (83,89 % of teachers always or often feel an
important part of their institution; 89,37 % feel equality and respect; "I like going to school": grades 3–4
38,72 % often, grades 5–12 12,90 % always and 34,24 % often, parents 45 % always and 42 % often; 70,34 % of
learners feel emotionally safe, 84,98 % have not suffered physical violence; parents school/preschool: 66,74 %/
89,88 % sure and 29,45 %/4,63 % partly sure their child feels safe, 91,56 %/93,88 % never violence; 82,98 % always
feel welcome, 80 % satisfied with their choice, 67,80 %/81,02 % satisfied with the cooperation).

The answer rows are invented so that they add up to exactly those figures (`survey_stats labbutiba-2024`, with
`--type school|preschool` for the parents' side by side): each question is answered by all or nearly all of its
audience (a few skipped one), and the answers the seed does not give are spread over the other choices. The
populations are entered per school (1439 teachers, 1732 pupils of grades 3–4, 5644 of grades 5–12 on the census
date), so the response rates are the seed's: 66,02 %, 47,00 %, 43,00 %. Parents have no population in the seed.
Learners' answers are pupils' of grades 5–12.
"""

from __future__ import annotations

from datetime import date

from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution
from eduboard.surveys.models import Answer, Population, Question, Response, Survey

CODE = "labbutiba-2024"
CENSUS_DATE = date(2024, 5, 7)
GENERAL = (InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM)
# audience -> (responses, population on the census date or None); parents: (school parents, preschool parents)
RESPONSES = {"teachers": 950, "pupils_3_4": 814, "pupils_5_12": 2427}
POPULATIONS = {"teachers": 1439, "pupils_3_4": 1732, "pupils_5_12": 5644}
SCHOOL_PARENTS, PRESCHOOL_PARENTS = 2890, 1025  # 3915 parents
# (audience, code, kind, Latvian text, English text)
QUESTIONS = [
    ("teachers", "important_part", "frequency", "Es jūtos kā nozīmīga izglītības iestādes daļa.",
     "I feel an important part of my institution."),
    ("teachers", "equal_respect", "yes_partly_no", "Es izjūtu vienlīdzību un cieņpilnu attieksmi.",
     "I feel equality and respect."),
    ("pupils_3_4", "like_school", "frequency", "Es labprāt eju uz skolu.", "I like going to school."),
    ("pupils_5_12", "like_school", "frequency", "Es labprāt eju uz skolu.", "I like going to school."),
    ("pupils_5_12", "emotionally_safe", "yes_partly_no", "Skolā es jūtos emocionāli droši.",
     "I feel emotionally safe at school."),
    ("pupils_5_12", "no_violence", "yes_partly_no", "Skolā neesmu cietis no fiziskas vardarbības.",
     "I have not suffered physical violence at school."),
    ("parents", "child_likes_school", "frequency", "Mans bērns labprāt iet uz skolu.",
     "My child likes going to school."),
    ("parents", "child_safe", "yes_partly_no", "Mans bērns iestādē jūtas emocionāli droši.",
     "My child feels emotionally safe in the institution."),
    ("parents", "child_violence", "frequency", "Mans bērns iestādē ir cietis no fiziskas vardarbības.",
     "My child has suffered physical violence in the institution."),
    ("parents", "welcome", "frequency", "Es jūtos gaidīts sava bērna skolā/pirmsskolā.",
     "I feel welcome at my child's school or preschool."),
    ("parents", "choice_satisfied", "yes_partly_no", "Esmu apmierināts, ka izvēlējos šo iestādi savam bērnam.",
     "I am glad I chose this institution for my child."),
    ("parents", "cooperation", "yes_partly_no", "Esmu apmierināts ar iestādes un vecāku sadarbību.",
     "I am satisfied with the cooperation between the institution and parents."),
]  # fmt: skip
# The questions in Russian (the answering page speaks Latvian, Russian and English).
RUSSIAN = {
    "important_part": "Я чувствую себя важной частью своего учебного заведения.",
    "equal_respect": "Я ощущаю равенство и уважительное отношение.",
    "like_school": "Я охотно хожу в школу.",
    "emotionally_safe": "В школе я чувствую себя эмоционально защищённым.",
    "no_violence": "В школе я не подвергался физическому насилию.",
    "child_likes_school": "Мой ребёнок охотно ходит в школу.",
    "child_safe": "Мой ребёнок чувствует себя в учреждении эмоционально защищённым.",
    "child_violence": "Мой ребёнок подвергался физическому насилию в учреждении.",
    "welcome": "Я чувствую себя желанным гостем в школе или детском саду моего ребёнка.",
    "choice_satisfied": "Я доволен, что выбрал это учреждение для своего ребёнка.",
    "cooperation": "Я доволен сотрудничеством учреждения и родителей.",
}
# (audience, question, who: all|school|preschool) -> answers and how many gave each; the seed's figures are the
# shares of those answering (e.g. 797 of 950 = 83,89 % always or often; 1926 of 2886 = 66,74 %).
ANSWERS: dict[tuple[str, str, str], dict[str, int]] = {
    ("teachers", "important_part", "all"): {"always": 452, "often": 345, "sometimes": 101, "rarely": 37, "never": 15},
    ("teachers", "equal_respect", "all"): {"yes": 849, "partly": 80, "no": 21},
    ("pupils_3_4", "like_school", "all"): {"always": 360, "often": 314, "sometimes": 100, "rarely": 25, "never": 12},
    ("pupils_5_12", "like_school", "all"): {
        "always": 313, "often": 831, "sometimes": 800, "rarely": 333, "never": 150,
    },
    ("pupils_5_12", "emotionally_safe", "all"): {"yes": 1705, "partly": 550, "no": 169},
    ("pupils_5_12", "no_violence", "all"): {"yes": 2060, "partly": 200, "no": 164},
    ("parents", "child_likes_school", "school"): {
        "always": 1299, "often": 1213, "sometimes": 300, "rarely": 60, "never": 18,
    },
    ("parents", "child_safe", "school"): {"yes": 1926, "partly": 850, "no": 110},
    ("parents", "child_safe", "preschool"): {"yes": 835, "partly": 43, "no": 51},
    ("parents", "child_violence", "school"): {"never": 2646, "rarely": 180, "sometimes": 50, "often": 10, "always": 4},
    ("parents", "child_violence", "preschool"): {"never": 951, "rarely": 50, "sometimes": 10, "often": 2},
    ("parents", "welcome", "all"): {"always": 3248, "often": 500, "sometimes": 130, "rarely": 30, "never": 6},
    ("parents", "choice_satisfied", "all"): {"yes": 3131, "partly": 650, "no": 134},
    ("parents", "cooperation", "school"): {"yes": 1958, "partly": 800, "no": 130},
    ("parents", "cooperation", "preschool"): {"yes": 828, "partly": 170, "no": 24},
}  # fmt: skip


def _spread(total: int, parts: int) -> list[int]:
    """`total` in `parts` nearly equal whole shares (the first ones one more)."""
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def load(institutions: dict[str, Institution]) -> None:
    """Create the survey once (a second run changes nothing)."""
    if Survey.objects.filter(code=CODE).exists():
        return
    # the institutions working on the census date (the two schools closed on 31 August 2024 still did)
    schools = sorted(
        (i for i in institutions.values() if i.type in GENERAL and i.is_active_on(CENSUS_DATE)), key=lambda i: i.pk
    )
    preschools = sorted(
        (i for i in institutions.values() if i.type == InstitutionType.PRESCHOOL and i.is_active_on(CENSUS_DATE)),
        key=lambda i: i.pk,
    )
    if not schools or not preschools:
        return
    survey = Survey.objects.create(
        board=schools[0].board,
        code=CODE,
        title_lv="Labbūtības aptauja 2024",
        title_en="Wellbeing survey 2024",
        title_ru="Опрос о благополучии 2024",
        opens_on=date(2024, 4, 15),
        closes_on=date(2024, 5, 15),
        census_date=CENSUS_DATE,
    )
    questions = {
        (audience, code): Question.objects.create(
            survey=survey,
            audience=audience,
            code=code,
            kind=kind,
            text_lv=text_lv,
            text_en=text_en,
            text_ru=RUSSIAN.get(code, ""),
            position=position,
        )
        for position, (audience, code, kind, text_lv, text_en) in enumerate(QUESTIONS)
    }
    Population.objects.bulk_create(
        Population(survey=survey, institution=school, audience=audience, population=size)
        for audience, total in POPULATIONS.items()
        for school, size in zip(schools, _spread(total, len(schools)), strict=True)
    )
    # The respondents of each audience (and for parents, of each kind of institution), spread over the institutions.
    groups: dict[tuple[str, str], list[Response]] = {}
    audiences = [(audience, "school", total, schools) for audience, total in RESPONSES.items()] + [
        ("parents", "school", SCHOOL_PARENTS, schools),
        ("parents", "preschool", PRESCHOOL_PARENTS, preschools),
    ]
    for audience, who, total, places in audiences:
        rows: list[Response] = []
        for place, count in zip(places, _spread(total, len(places)), strict=True):
            rows += [
                Response(
                    survey=survey, key=f"{audience}-{who}-{len(rows) + n + 1:05d}", institution=place, audience=audience
                )
                for n in range(count)
            ]
        groups[(audience, who)] = rows
    Response.objects.bulk_create([row for rows in groups.values() for row in rows])
    saved = dict(Response.objects.filter(survey=survey).values_list("key", "pk"))
    answers = []
    for (audience, code, who), counts in ANSWERS.items():
        respondents = (
            groups[(audience, "school")] + groups.get((audience, "preschool"), [])
            if who == "all" and audience == "parents"
            else groups[(audience, "school" if who in ("all", "school") else "preschool")]
        )
        values = [value for value, count in counts.items() for _n in range(count)]
        question = questions[(audience, code)]
        answers += [
            Answer(response_id=saved[respondent.key], question=question, value=value)
            for respondent, value in zip(respondents, values, strict=False)
        ]
    Answer.objects.bulk_create(answers, batch_size=5000)


OPEN_CODE = "labbutiba-2026"
DEMO_CODES = 30  # one-time codes of one class, to try the answering page


def load_open_round(institutions: dict[str, Institution]) -> list[str]:
    """This year's round, copied from the 2024 survey and open from a week ago for two months, with a list of
    one-time codes for a class of grades 5–12 and every school's and preschool's parents' link; returns the
    unused codes (a second run issues none)."""
    import random
    from datetime import timedelta

    from django.utils import timezone

    from eduboard.registry.models import Group
    from eduboard.surveys.choices import CODE_ALPHABET, CODE_LENGTH, grade_band
    from eduboard.surveys.models import AccessCode, SurveyLink

    last = Survey.objects.filter(code=CODE).first()
    if last is None:
        return []
    survey = Survey.objects.filter(code=OPEN_CODE).first()
    if survey is None:
        today = timezone.localdate()
        survey = Survey.objects.create(
            board=last.board,
            code=OPEN_CODE,
            title_lv="Labbūtības aptauja 2026",
            title_en="Wellbeing survey 2026",
            title_ru="Опрос о благополучии 2026",
            opens_on=today - timedelta(days=7),
            closes_on=today + timedelta(days=60),
            census_date=today - timedelta(days=7),
            previous=last,
        )
        Question.objects.bulk_create(
            Question(
                survey=survey, audience=q.audience, code=q.code, kind=q.kind, text_lv=q.text_lv, text_en=q.text_en,
                text_ru=q.text_ru or RUSSIAN.get(q.code, ""), choices=q.choices, position=q.position,
            )
            for q in last.questions.all()
        )  # fmt: skip
        group = (
            Group.objects.filter(institution__in=list(institutions.values()), grade__gte=5)
            .order_by("institution__sort_name", "grade", "name")
            .first()
        )
        if group is not None:
            draw = random.Random(2026)  # noqa: S311  # demonstration codes, the same on every machine
            AccessCode.objects.bulk_create(
                AccessCode(
                    survey=survey,
                    code="".join(draw.choice(CODE_ALPHABET) for _n in range(CODE_LENGTH)),
                    institution_id=group.institution_id,
                    audience="pupils_5_12",
                    grade_band=grade_band(group.grade),
                    label=group.name,
                )
                for _index in range(DEMO_CODES)
            )
        parents = [  # the institutions working on the census date: a closed school gets no link
            i
            for i in institutions.values()
            if i.type in (*GENERAL, InstitutionType.PRESCHOOL) and i.is_active_on(survey.census_date or today)
        ]
        SurveyLink.objects.bulk_create(
            SurveyLink(survey=survey, institution=i, audience="parents", token=f"demo-{i.registration_number}")
            for i in parents
        )
    return list(AccessCode.objects.filter(survey=survey, used=False).order_by("pk").values_list("code", flat=True))
