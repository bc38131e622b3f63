"""Demonstration projects: seed 001 (Erasmus+ KA201 partnership, 5 tranches of EUR 2,810.00 and the city's
prefinancing of EUR 2,810.00 returned in early 2022) and seed 004 (a Leonardo da Vinci VETPRO week in Vilnius) as
written; seed 002's portfolio (Erasmus+ projects of the schools since 2014 above EUR 4 million in all, the KA220-VET
project of EUR 250,000 of Saules skola, the CERV project with 35 people from 7 countries in October 2024, the
preschools' eTwinning, and the two projects that paid for the devices of section II); and the 16 current and
6 planned projects of the technical school's tables in seed 003.

What the seeds do not say is demonstration data and marked so: host cities and days of seed 001's 14 mobilities,
the partners' names, the schools' Erasmus+ projects that make up the seed's "more than EUR 4 million", and the
reference numbers of projects the seeds name without one (`DEMO-…`). The technical school of seed 003 (a state
school, which the quality demo adds to the registry) takes part in its 22 projects, so its self-assessment report
lists them.
Idempotent: a second run changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from eduboard.projects.choices import ensure_standard_programmes
from eduboard.projects.models import (
    Deadline,
    Mobility,
    Partner,
    Payment,
    Prefinancing,
    Project,
    ProjectProgramme,
    Tranche,
)
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

SEED_001 = "2019-1-TR01-KA201-076605"
SEED_004 = "2011-1-LV1-LEO03-02109"
SCREENS_PROJECT = "8.3.2.2/16/I/001"
CHROMEBOOKS_PROJECT = "2.3.2.3.i"
KA220 = "DEMO-2024-1-LV01-KA220-VET"
CERV = "101138336"
TECHNIKUM = "PIKC “Daugavpils tehnikums”"
TECHNIKUM_NUMBER = "2734003068"  # its registration number (quality.demo_evaluation makes it)
D = Decimal
GENERAL = (InstitutionType.BASIC_SCHOOL, InstitutionType.SECONDARY_SCHOOL, InstitutionType.GYMNASIUM)


#: The English and Russian titles of the demonstration projects the readiness report lists (Latvian → (English,
#: Russian)); a school's name in brackets after one of them stays as it is.
TITLES = {
    "Inovācijas un transformācijas izglītībā": (
        "Innovation and Transformation in education",
        "Инновации и трансформация в образовании",
    ),
    "Pieredzes apmaiņa resursu racionālā izmantošanā un apsaimniekošanā profesionālās izglītības jomā": (
        "Exchange of experience in the rational use and management of resources in vocational education",
        "Обмен опытом рационального использования ресурсов и управления ими в профессиональном образовании",
    ),
    "Ilgtspējīgs dizains profesionālajā izglītībā": (
        "Sustainable design in vocational education",
        "Устойчивый дизайн в профессиональном образовании",
    ),
    "Tālāk – jauniešiem ir jāveido cerības par Eiropas nākotni": (
        "Young NEETs shaping EXpectations for The future of Europe",
        "Дальше – молодёжь формирует ожидания от будущего Европы",
    ),
    "eTwinning skolas statuss un sadarbības projekti": (
        "eTwinning school status and cooperation projects",
        "Статус школы eTwinning и проекты сотрудничества",
    ),
    "Skolu apmaiņas partnerība": ("School exchange partnership", "Партнёрство по обмену между школами"),
    "Skolotāju profesionālā pilnveide Eiropā": (
        "Teachers' professional development in Europe",
        "Профессиональное развитие учителей в Европе",
    ),
    "Atbalsts izglītojamo individuālo kompetenču attīstībai": (
        "Support for the development of learners' individual competences",
        "Поддержка развития индивидуальных компетенций учащихся",
    ),
    "Digitālās plaisas mazināšana sociāli neaizsargātajām grupām un izglītības iestādēs": (
        "Narrowing the digital divide for socially vulnerable groups and in education institutions",
        "Сокращение цифрового разрыва для социально уязвимых групп и в учебных заведениях",
    ),
}


def _translated_title(title: str) -> tuple[str, str]:
    """A demonstration project's English and Russian titles (TITLES); blank where TITLES has none."""
    base, bracket, rest = title.partition(" (")
    if title in TITLES:
        return TITLES[title]
    if bracket and base in TITLES:
        english, russian = TITLES[base]
        return f"{english} ({rest}", f"{russian} ({rest}"
    return "", ""


def _project(reference: str, programme: str, institutions: list[Institution], **values: Any) -> Project | None:
    """Create a project once; None when it exists already."""
    if Project.objects.filter(reference=reference).exists():
        return None
    values.setdefault("city_share", values.get("grant", D("0.00")))
    english, russian = _translated_title(values.get("title", ""))
    values.setdefault("title_en", english)
    values.setdefault("title_ru", russian)
    project = Project.objects.create(
        reference=reference, programme=ProjectProgramme.objects.get(code=programme), **values
    )
    project.institutions.set(institutions)
    return project


def _seed_001(board_partners: list[tuple[str, str, str]]) -> None:
    project = _project(
        SEED_001,
        "erasmus_ka2",
        [],
        title="Inovācijas un transformācijas izglītībā",
        title_en="Innovation and Transformation in education",
        action="KA201",
        role="partner",
        coordinator="Vietējā izglītības pārvalde, Turcija (demo)",
        coordinator_country="TR",
        start_date=date(2019, 10, 1),
        end_date=date(2021, 9, 30),
        status="closed",
        grant=D("14050.00"),
        aims="Ieviest inovācijas pedagoģijā, gan sagatavojot jaunos pedagoģiskos kadrus, gan esošajiem pedagogiem "
        "piemēroties 21.gs. tehnoloģiskajiem izaicinājumiem atbilstoši laikmeta prasībām.",
        target_groups="Tiešā: Daugavpils pilsētas Izglītības pārvaldes darbinieki, izglītības metodiķi (pārī ar "
        "Daugavpils Universitāti). Netiešā: pilsētas skolotāji, izglītojamie (12–15 gadus veci) un viņu vecāki.",
        results="Aptauja, mobilitātes, labās prakses pārņemšana, materiāli, semināri, darbs eTwinning platformā.",
        publicity="Semināri un publicitāte; darbošanās eTwinning platformā.",
    )
    if project is None:
        return
    for organisation, country, role in board_partners:
        Partner.objects.create(project=project, organisation=organisation, country=country, role=role)
    # 100 % Erasmus+: paid by the coordinator in 5 tranches of 20 %.
    days = [date(2019, 11, 15), date(2020, 6, 30), date(2021, 1, 29), date(2021, 9, 30), date(2021, 12, 20)]
    for day in days:
        tranche = Tranche.objects.create(project=project, due_on=day, share_percent=D("20.00"), amount=D("2810.00"))
        Payment.objects.create(project=project, tranche=tranche, received_on=day, amount=D("2810.00"))
    # The council's prefinancing (2019) of 20 %, returned after the final report early in 2022.
    Prefinancing.objects.create(
        project=project,
        paid_on=date(2019, 10, 15),
        amount=D("2810.00"),
        return_planned_on=date(2022, 2, 28),
        returned_on=date(2022, 2, 15),
        returned_amount=D("2810.00"),
    )
    # Seed 001: "paredzētas 14 mobilitātes (braucieni). 2021.gada pavasarī projekta dalībnieki viesosies
    # Daugavpilī": 14 trips of one person each to the partners' meetings and training, and the partners' visit to
    # Daugavpils in spring 2021. The host cities, days and the visitors' number are demonstration data.
    events = [
        ("Ankara", "TR", date(2019, 11, 18), 5, 2, "Partneru sanāksme"),
        ("Ankara", "TR", date(2020, 1, 20), 4, 2, "Mācību aktivitāte: uz skolēnu centrēta izglītība"),
        ("Rzeszów", "PL", date(2020, 2, 10), 4, 3, "Mācību aktivitāte: 21. gadsimta prasmes un tiešsaistes rīki"),
        ("Roma", "IT", date(2021, 6, 7), 4, 2, "Mācību aktivitāte: prasmju novērtēšana"),
        ("Rzeszów", "PL", date(2021, 7, 5), 4, 2, "Mācību aktivitāte: eTwinning platforma"),
        ("Ankara", "TR", date(2021, 9, 6), 4, 3, "Noslēguma sanāksme"),
    ]
    for city, country, start, length, people, purpose in events:
        for traveller in range(people):  # each traveller's own trip: the day before, on the day or the day after
            Mobility.objects.create(
                project=project, direction="outgoing", from_date=start + timedelta(days=(0, 1, -1)[traveller]),
                to_date=start + timedelta(days=length), host_city=city, host_country=country, participants=1,
                flow="staff_training", status="done", purpose=purpose,
            )  # fmt: skip
    Mobility.objects.create(
        project=project, direction="incoming", from_date=date(2021, 4, 19), to_date=date(2021, 4, 23),
        host_city="Daugavpils", host_country="LV", participants=12, flow="staff_training", status="done",
        purpose="Projekta partneru vizīte Daugavpilī (2021. gada pavasaris)",
    )  # fmt: skip
    Deadline.objects.create(
        project=project, title="Gala atskaite", due_on=date(2021, 11, 30), done_on=date(2021, 11, 26)
    )


def _seed_004(technikum: list[Institution]) -> None:
    project = _project(
        SEED_004,
        "leonardo",
        technikum,
        title="Pieredzes apmaiņa resursu racionālā izmantošanā un apsaimniekošanā profesionālās izglītības jomā",
        title_en="Exchange of experience in the rational use and management of resources in vocational education",
        action="VETPRO",
        role="coordinator",
        coordinator="Daugavpils pilsētas Izglītības pārvalde",
        coordinator_country="LV",
        start_date=date(2011, 10, 1),
        end_date=date(2012, 9, 30),
        status="closed",
        grant=D("0.00"),  # the seed names no amount
        aims="(1) Nodrošināt profesionālo kompetenču un zināšanu pilnveidošanu un inovatīvās pieredzes iegūšanu "
        "atbildīgajiem darbiniekiem, kuri veido PIKC; (2) stiprināt starpinstitūciju darba grupas dalībnieku "
        "kapacitāti; (3) izzināt un salīdzināt darba tirgus prasības Lietuvā; (4) veicināt Lietuvas profesionālās "
        "izglītības iestāžu kvalitātes vadības iepazīšanu un izzināšanu salīdzinošā perspektīvā, apmeklējot arī "
        "citas ar profesionālo izglītību saistītas iestādes Viļņā; (5) stiprināt divpusēju sadarbību starp "
        "institūcijām; (6) veicināt starpkultūru dialoga attīstību starp Lietuvu un Latviju; (7) veicināt Eiropas "
        "dimensijas attīstību; (8) stiprināt projekta dalībnieku kapacitāti personiskajā izaugsmē, nodrošinot "
        "atbilstošu semināru apmeklēšanu un nodarbību hospitēšanu; (9) radīt apstākļus, lai veicinātu projekta "
        "dalībnieku angļu valodas prasmju pilnveidošanu.",
        results="Projekta dalībnieki pilnveidos profesionālās kompetences un zināšanas, iegūs inovatīvu pieredzi "
        "plānošanas darbā, veidojot PIKC; projekta dalībnieki izzinās un salīdzinās darba tirgus prasības Lietuvā "
        "un izzinās Lietuvas profesionālās izglītības iestāžu kvalitātes vadību; tiks stiprināta institūciju "
        "sadarbība un veicināts starpkultūru dialogs, veicināta Eiropas dimensiju attīstība, projekta noslēgumā "
        "tiks izvērtēts sasniegtais un izplatīti projektā plānotie rezultāti.",
        target_groups="Seši sākotnējā profesionālā izglītībā iesaistīti speciālisti.",
    )
    if project is None:
        return
    Partner.objects.create(
        project=project, organisation="Viļņas profesionālās izglītības iestādes (demo)", country="LT"
    )
    Mobility.objects.create(
        project=project, direction="outgoing", from_date=date(2012, 2, 6), to_date=date(2012, 2, 10),
        host_city="Vilnius", host_country="LT", participants=6, flow="job_shadowing", status="done",
        purpose="Pieredzes apmaiņa: resursu (cilvēku, finanšu, materiālo) pārvaldības informācijas sistēma",
    )  # fmt: skip


def _seed_002(schools: list[Institution], by_number: dict[str, Institution]) -> None:
    saules = [by_number[n] for n in ("9000000021",) if n in by_number]
    ka220 = _project(
        KA220,
        "erasmus_ka220",
        saules,
        title="Ilgtspējīgs dizains profesionālajā izglītībā",
        title_en="Sustainable design in vocational education",
        action="KA220-VET",
        role="coordinator",
        coordinator="Daugavpils Dizaina un mākslas vidusskola “Saules skola”",
        coordinator_country="LV",
        start_date=date(2024, 11, 1),
        end_date=date(2026, 10, 31),
        status="approved",
        grant=D("250000.00"),
    )
    if ka220 is not None:
        Deadline.objects.create(project=ka220, title="Starpposma atskaite", due_on=date(2025, 12, 15))
        Deadline.objects.create(project=ka220, title="Gala atskaite", due_on=date(2026, 12, 29))
    cerv = _project(
        CERV,
        "cerv",
        [],
        title="Tālāk – jauniešiem ir jāveido cerības par Eiropas nākotni",
        title_en="Young NEETs shaping EXpectations for The future of Europe",
        action="CERV-2023-CITIZENS-TOWN-NT",
        role="partner",
        coordinator="Projekta koordinators (demo)",
        coordinator_country="IT",
        start_date=date(2024, 1, 1),
        end_date=date(2025, 6, 30),
        status="running",
        grant=D("0.00"),  # the seed names no amount
        target_groups="Pilsētas jaunieši",
    )
    if cerv is not None:
        for name, country in [
            ("Daugavpils pilsētas Izglītības pārvalde", "LV"),
            ("Partneris Spānijā (demo)", "ES"),
            ("Partneris Portugālē (demo)", "PT"),
            ("Partneris Grieķijā (demo)", "GR"),
            ("Partneris Horvātijā (demo)", "HR"),
            ("Partneris Rumānijā (demo)", "RO"),
        ]:
            Partner.objects.create(project=cerv, organisation=name, country=country)
        # October 2024: 35 people from 7 countries visit Daugavpils.
        Mobility.objects.create(
            project=cerv, direction="incoming", from_date=date(2024, 10, 14), to_date=date(2024, 10, 18),
            host_city="Daugavpils", host_country="LV", participants=35, flow="learners_exchange", status="done",
            purpose="35 personas no 7 valstīm viesojas Daugavpilī",
        )  # fmt: skip
    # eTwinning: Ķīmijas apkaimes PII (eTwinning school status in 2024, for 2 years) and the 4th preschool.
    for preschool, reference, start in (
        ("9000000007", "DEMO-ETWINNING-2024-KIMIJAS", date(2024, 1, 1)),
        ("9000000002", "DEMO-ETWINNING-2023-4PII", date(2023, 1, 1)),
    ):
        if preschool in by_number:
            _project(
                reference, "etwinning", [by_number[preschool]],
                title="eTwinning skolas statuss un sadarbības projekti",
                role="partner", coordinator="eTwinning", coordinator_country="",
                start_date=start, end_date=date(start.year + 2, 12, 31), status="running", grant=D("0.00"),
            )  # fmt: skip
    # The schools' Erasmus+ projects since 2014 (demonstration data): mobility projects and partnerships adding
    # up to more than the seed's EUR 4 million.
    countries = ["PL", "IT", "ES", "DE", "PT", "LT", "EE", "FI", "TR", "GR", "CZ", "HR"]
    number = 0
    for year in range(2014, 2025):
        for index, applicant in enumerate(schools):
            if (year + index) % 2:
                continue
            number += 1
            ka2 = (year + index) % 4 == 0
            school = _holder(applicant, last_day=date(year + 2, 8, 31))
            grant = D(str(26000 + (number * 3719) % 30000)) if not ka2 else D(str(64000 + (number * 7919) % 40000))
            project = _project(
                f"DEMO-{year}-1-LV01-{'KA229' if ka2 else 'KA101'}-{number:06d}",
                "erasmus_ka2" if ka2 else "erasmus_ka1",
                [school],
                title=("Skolu apmaiņas partnerība" if ka2 else "Skolotāju profesionālā pilnveide Eiropā")
                + f" ({school.short_name or school.name})",
                action="KA229" if ka2 else "KA101",
                role="partner" if ka2 else "coordinator",
                coordinator=f"Partneru skola (demo, {countries[number % len(countries)]})" if ka2 else school.name,
                coordinator_country=countries[number % len(countries)] if ka2 else "LV",
                start_date=date(year, 9, 1),
                end_date=date(year + 2, 8, 31),
                status="closed" if year + 2 < 2024 else "running",
                grant=grant,
            )
            if project is not None and ka2:
                for offset in (1, 2):
                    Partner.objects.create(
                        project=project,
                        organisation=f"Partneru skola {offset} (demo)",
                        country=countries[(number + offset) % len(countries)],
                    )


def _holder(school: Institution, *, last_day: date) -> Institution:
    """The school that holds a project up to its last day: the school itself, or the school it was joined to when
    it closed before that day (a closed school has no project running after its closing day)."""
    if school.closed_on is not None and school.closed_on < last_day and school.joined_to is not None:
        return school.joined_to
    return school


def _device_projects(schools: list[Institution]) -> None:
    """The two projects that paid for the devices of seed 002, section II, and the devices linked to them; a school
    takes part up to the project's last day (the schools closed on 31 August 2024 in the screens project only,
    their pupils' Chromebooks project goes on in the schools they were joined to)."""
    _project(
        SCREENS_PROJECT,
        "esf",
        [s for s in schools if _holder(s, last_day=date(2024, 6, 30)) == s],
        title="Atbalsts izglītojamo individuālo kompetenču attīstībai",
        role="partner",
        coordinator="Valsts izglītības satura centrs",
        coordinator_country="LV",
        start_date=date(2016, 12, 1),
        end_date=date(2024, 6, 30),
        status="closed",
        grant=D("0.00"),  # the seed names no amount
        results="2024. gada pirmajā pusgadā iegādāti 39 interaktīvie ekrāni.",
    )
    _project(
        CHROMEBOOKS_PROJECT,
        "rrf",
        [s for s in schools if _holder(s, last_day=date(2026, 6, 30)) == s],
        title="Digitālās plaisas mazināšana sociāli neaizsargātajām grupām un izglītības iestādēs",
        role="partner",
        coordinator="Izglītības un zinātnes ministrija",
        coordinator_country="LV",
        start_date=date(2022, 1, 1),
        end_date=date(2026, 6, 30),
        status="running",
        grant=D("0.00"),  # the seed names no amount
        results="2023. gada beigās saņemtas 2124 Chromebook ierīces.",
    )
    # The devices these two projects bought are linked to them by assets.demo.link_projects (assets stands on
    # projects, not the other way round).


def _seed_003() -> None:
    """The technical school's current (16) and planned (6) projects, as its tables list them."""
    current = [
        ("8.1.3.0/16/I/001", "erdf", "Palielināt modernizēto profesionālās izglītības iestāžu skaitu", 2016, 2020, "coordinator", "Izglītojamie, pedagogi"),
        ("8.5.1.0/16/I/001", "esf", "Profesionālo izglītības iestāžu audzēkņu dalība darba vidē balstītās mācībās un mācību praksēs uzņēmumos", 2017, 2023, "partner", "Izglītojamie"),
        ("8.3.4.0/16/I/001", "esf", "Samazināt priekšlaicīgu mācību pārtraukšanu, īstenojot preventīvus un intervences pasākumus", 2017, 2022, "partner", "Izglītojamie"),
        ("8.5.3.0/16/I/001", "esf", "Nodrošināt profesionālās izglītības iestāžu efektīvu pārvaldību un iesaistītā personāla profesionālās kompetences pilnveidi", 2017, 2022, "partner", "Pedagogi"),
        ("8.3.5.0./16/I/001", "esf", "Karjeras atbalsts vispārējās un profesionālās izglītības iestādēs", 2016, 2021, "partner", "Izglītojamie"),
        ("7.1.1.0/15/I/001", "esf", "Atbalsts bezdarbnieku izglītībai", 2017, 2021, "partner", "Izglītojamie"),
        ("8.4.1.0/16/I/001", "esf", "Nodarbināto personu profesionālās kompetences pilnveide", 2017, 2022, "partner", "Izglītojamie"),
        ("NPJP-2018/10149", "nordplus", "Skolotājs – atslēga uzņēmējdarbības izglītībā", 2018, 2019, "coordinator", "Izglītojamie, pedagogi"),
        ("2015-1-DE02-KA202-002346", "erasmus_ka2", "Ilgtspējīga attīstība izglītībā", 2015, 2018, "partner", "Izglītojamie, pedagogi"),
        ("2016-1-PL01-KA219-026661_6", "erasmus_ka2", "Mācies radoši", 2016, 2018, "partner", "Izglītojamie, pedagogi"),
        ("2017-1-LV01-KA101-035206", "erasmus_ka1", "Skolotāju profesionālā pilnveide Eiropā", 2017, 2018, "coordinator", "Pedagogi"),
        ("2017-1-LV01-KA102-035205", "erasmus_ka1", "Ilgtspējīga profesionālā izglītība – pieprasījums pēc jaunām zināšanām un prasmēm", 2017, 2018, "coordinator", "Izglītojamie, pedagogi"),
        ("2018-1-LV01-KA101-046840", "erasmus_ka1", "Daugavpils tehnikuma skolotāju pieredze Eiropā", 2018, 2019, "coordinator", "Pedagogi"),
        ("2018-1-LV01-KA116-046842", "erasmus_ka1", "Kvalitatīva profesionālā izglītība - pamats nākotnes darba tirgus attīstībai", 2018, 2019, "coordinator", "Izglītojamie, pedagogi"),
        ("2019-1-LV01-KA116-060226", "erasmus_ka1", "Eiropa Daugavpils tehnikumā. Daugavpils tehnikums Eiropā", 2019, 2021, "coordinator", "Izglītojamie, pedagogi"),
        ("2019-1-LV01-KA101-060158", "erasmus_ka1", "Kompetenču pieejā balstīts mācību saturs", 2019, 2021, "coordinator", "Pedagogi"),
    ]  # fmt: skip
    planned = [
        ("2020-1-LV01-KA116-077195", "erasmus_ka1", "Jauna pieredze maina dzīves", 2020, 2021, "coordinator", "Izglītojamie, pedagogi"),
        ("DEMO-DT-PLAN-2", "erasmus_ka1", "Mācību mobilitātes profesionālās izglītības sektorā", 2021, 2022, "coordinator", "Izglītojamie, pedagogi"),
        ("DEMO-DT-PLAN-3", "erasmus_ka1", "Skolu izglītības sektors: skolotāju kursi un darba vērošana ārvalstīs", 2021, 2022, "coordinator", "Pedagogi"),
        ("DEMO-DT-PLAN-4", "nordplus", "Nordplus Jauniešu apakšprogrammas skolotāju pieredzes apmaiņas projekts", 2021, 2022, "coordinator", "Pedagogi"),
        ("DEMO-DT-PLAN-5", "erasmus_ka2", "Erasmus+ KA2 stratēģiskās partnerības projekts", 2020, 2023, "partner", "Pedagogi, izglītojamie"),
        ("DEMO-DT-PLAN-6", "erasmus_ka2", "Erasmus+ KA2 stratēģiskās partnerības projekts", 2021, 2023, "partner", "Pedagogi"),
    ]  # fmt: skip
    technikum = Institution.objects.filter(registration_number=TECHNIKUM_NUMBER).first()
    taking_part = [technikum] if technikum is not None else []
    for rows, status in ((current, "closed"), (planned, "planned")):
        for reference, programme, title, start, end, role, groups in rows:
            _project(
                reference, programme, taking_part,
                title=title, role=role,
                coordinator=TECHNIKUM if role == "coordinator" else "",
                coordinator_country="LV" if role == "coordinator" else "",
                start_date=date(start, 1, 1), end_date=date(end, 12, 31), status=status,
                grant=D("0.00"),  # the tables give no amounts
                target_groups=groups,
                aims=f"{TECHNIKUM}: {'galvenais koordinators' if role == 'coordinator' else 'sadarbības partneris'}.",
            )  # fmt: skip
    if technikum is not None:  # projects made before they named it
        for project in Project.objects.filter(reference__in=[row[0] for row in current + planned]):
            project.institutions.add(technikum)


def load(institutions: dict[str, Institution]) -> None:
    """Create the demonstration projects once (after the devices, which the section II projects paid for)."""
    ensure_standard_programmes()
    by_number = {i.registration_number: i for i in institutions.values()}
    schools = sorted(
        (i for i in institutions.values() if i.type in GENERAL),
        key=lambda i: i.registration_number,
    )
    _seed_001(
        [
            ("Vietējā izglītības pārvalde, Turcija (demo)", "TR", "coordinator"),
            ("Vietējā izglītības pārvalde, Polija (demo)", "PL", "partner"),
            ("Daugavpils pilsētas Izglītības pārvalde", "LV", "partner"),
            ("Daugavpils Universitāte", "LV", "partner"),
            ("Vietējā izglītības pārvalde, Itālija (demo)", "IT", "partner"),
        ]
    )
    _seed_004([])
    _seed_002(schools, by_number)
    _device_projects(schools)
    _seed_003()
