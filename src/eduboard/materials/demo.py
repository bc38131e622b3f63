"""Demonstration data of the teaching materials (illustrative; seed 000 names the modules and age bands, not the
materials): 30 materials of the innovation centre in Latvian over its four modules and five age bands: worksheets
and guides as PDF, lesson plans as DOCX, posters and charts as PNG, kits as ZIP; some public, some for teachers
only; a few with a second version; download counts. The files are small real files made here."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from eduboard.centre.models import AgeBand, Module
from eduboard.centre.reference import ensure_reference
from eduboard.core.scope import WHOLE_CITY
from eduboard.materials import services
from eduboard.materials.models import Material, MaterialVersion, MaterialVisibility
from eduboard.registry.choices import InstitutionType
from eduboard.registry.models import Institution

PUBLIC, TEACHERS = MaterialVisibility.PUBLIC, MaterialVisibility.TEACHERS
# (title, module, age bands, subject, kind, visibility, author, versions, downloads)
MATERIALS: list[tuple[str, str, tuple[str, ...], str, str, str, str, int, int]] = [
    ("Vienkāršie mehānismi: svira un trīsis", "physics_robotics", ("7-10", "10-15"), "fizika", "pdf", PUBLIC,
     "Inovāciju centra metodiķi", 2, 143),
    ("Mēness fāzes: novērojumu lapa", "physics_robotics", ("7-10",), "astronomija", "png", PUBLIC,
     "Jānis Ozols", 1, 88),
    ("Robotikas pamati ar LEGO: nodarbības plāns", "physics_robotics", ("10-15",), "robotika", "docx", TEACHERS,
     "Inga Kalniņa", 2, 61),
    ("Līnijas sekotāja programmēšana", "physics_robotics", ("15-19",), "robotika", "zip", TEACHERS,
     "Roberts Zariņš", 1, 37),
    ("Elektriskā ķēde: darba lapa", "physics_robotics", ("10-15", "15-19"), "fizika", "pdf", PUBLIC,
     "Inovāciju centra metodiķi", 1, 120),
    ("Saules sistēmas plakāts", "physics_robotics", ("3-7", "7-10"), "astronomija", "png", PUBLIC,
     "Līga Bērziņa", 1, 205),
    ("Zinātnieku laboratorija: drošības noteikumi", "physics_robotics", ("10-15", "15-19", "19-25"), "ķīmija",
     "pdf", PUBLIC, "Inovāciju centrs", 1, 310),
    ("Gaismas laušana: eksperimenta apraksts", "physics_robotics", ("15-19",), "fizika", "docx", TEACHERS,
     "Pēteris Liepiņš", 1, 22),
    ("Mikroskopa uzbūve un lietošana", "health_genetics", ("10-15", "15-19"), "bioloģija", "pdf", PUBLIC,
     "Anna Vītola", 2, 97),
    ("Šūnas uzbūve: krāsojamā lapa", "health_genetics", ("7-10",), "bioloģija", "png", PUBLIC,
     "Anna Vītola", 1, 76),
    ("DNS izdalīšana no zemenēm", "health_genetics", ("15-19", "19-25"), "ģenētika", "docx", TEACHERS,
     "Marta Krūmiņa", 1, 45),
    ("Sirds un asinsrite: modelis", "health_genetics", ("10-15",), "bioloģija", "pdf", TEACHERS,
     "Elza Siliņa", 1, 18),
    ("Veselīga ēdienkarte: darba lapa", "health_genetics", ("7-10", "10-15"), "veselības mācība", "pdf", PUBLIC,
     "Inovāciju centra metodiķi", 1, 132),
    ("Ģenētikas uzdevumi ar atbildēm", "health_genetics", ("15-19",), "ģenētika", "docx", TEACHERS,
     "Marta Krūmiņa", 2, 54),
    ("Tehnoloģijas medicīnā: prezentācijas attēli", "health_genetics", ("15-19", "19-25"), "medicīna", "zip",
     TEACHERS, "Kristaps Ozoliņš", 1, 12),
    ("Roku higiēna: plakāts bērnudārzam", "health_genetics", ("3-7",), "veselības mācība", "png", PUBLIC,
     "Līga Bērziņa", 1, 254),
    ("Ūdens aprite dabā", "ecology", ("3-7", "7-10"), "dabaszinības", "png", PUBLIC,
     "Sofija Jansone", 1, 188),
    ("Atkritumu šķirošana: spēle", "ecology", ("7-10",), "dabaszinības", "pdf", PUBLIC,
     "Inovāciju centra metodiķi", 2, 167),
    ("Daugavas ūdens kvalitātes mērījumi", "ecology", ("15-19",), "ķīmija", "zip", TEACHERS,
     "Artūrs Kļaviņš", 1, 29),
    ("Putnu vērošana Daugavpilī: novērojumu lapa", "ecology", ("10-15",), "bioloģija", "pdf", PUBLIC,
     "Jānis Ozols", 1, 64),
    ("Enerģijas taupīšana skolā: projekta plāns", "ecology", ("10-15", "15-19"), "vides zinātne", "docx",
     TEACHERS, "Katrīna Eglīte", 1, 33),
    ("Klimata pārmaiņas: datu lasīšana", "ecology", ("15-19", "19-25"), "ģeogrāfija", "png", TEACHERS,
     "Artūrs Kļaviņš", 1, 15),
    ("Kompostēšana: soli pa solim", "ecology", ("7-10", "10-15"), "dabaszinības", "pdf", PUBLIC,
     "Sofija Jansone", 1, 71),
    ("Mežs un tā iemītnieki", "ecology", ("3-7",), "dabaszinības", "pdf", PUBLIC,
     "Līga Bērziņa", 1, 93),
    ("Biznesa ideja: plāna veidne", "entrepreneurship", ("15-19", "19-25"), "uzņēmējdarbība", "docx", PUBLIC,
     "Daniels Roze", 2, 82),
    ("Skolēnu mācību uzņēmums: darba kārtība", "entrepreneurship", ("15-19",), "uzņēmējdarbība", "docx",
     TEACHERS, "Daniels Roze", 1, 26),
    ("Naudas plānošana: kabatas nauda", "entrepreneurship", ("10-15",), "ekonomika", "pdf", PUBLIC,
     "Viktorija Popova", 1, 58),
    ("Tirgus izpēte: aptaujas veidne", "entrepreneurship", ("15-19", "19-25"), "ekonomika", "zip", TEACHERS,
     "Viktorija Popova", 1, 19),
    ("Cenas veidošanās: diagramma", "entrepreneurship", ("10-15", "15-19"), "ekonomika", "png", PUBLIC,
     "Daniels Roze", 1, 41),
    ("Lēmumu pieņemšana: gadījumu analīze", "entrepreneurship", ("19-25",), "uzņēmējdarbība", "pdf", TEACHERS,
     "Inovāciju centra metodiķi", 1, 8),
]  # fmt: skip

SLUGS = str.maketrans("āčēģīķļņšūžĀČĒĢĪĶĻŅŠŪŽ :", "acegiklnsuzACEGIKLNSUZ-_")


def _slug(title: str) -> str:
    return "".join(c for c in title.translate(SLUGS).lower() if c.isalnum() or c in "-_")[:60] or "materials"


def _pdf(title: str, subject: str, version: int) -> bytes:
    from weasyprint import HTML

    html = (
        f"<html lang='lv'><body style='font-family: sans-serif'><h1>{escape(title)}</h1>"
        f"<p>Priekšmets: {escape(subject)}. Versija {version}.</p>"
        "<p>Daugavpils Inovāciju centrs. Demonstrācijas materiāls.</p>"
        "<ol><li>Izlasi uzdevumu.</li><li>Veic novērojumu.</li><li>Pieraksti secinājumus.</li></ol></body></html>"
    )
    data: bytes = HTML(string=html).write_pdf()
    return data


def _docx(title: str, subject: str, version: int) -> bytes:
    import docx

    document = docx.Document()
    document.add_heading(title, level=1)
    document.add_paragraph(f"Priekšmets: {subject}. Versija {version}.")
    for step in ("Mērķis", "Nepieciešamie materiāli", "Norise", "Refleksija"):
        document.add_heading(step, level=2)
        document.add_paragraph("Demonstrācijas teksts.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _png(title: str, subject: str, version: int) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(4, 3), dpi=80)
    axes = figure.subplots()
    values = [(len(title) * (n + 3) + version) % 17 + 3 for n in range(5)]
    axes.bar(["1", "2", "3", "4", "5"], values, color="#2a7ab0")
    axes.set_title(title[:40], fontsize=9)
    axes.set_xlabel(subject)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def _zip(title: str, subject: str, version: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("uzdevums.pdf", _pdf(title, subject, version))
        archive.writestr("dati.csv", "mērījums;vērtība\n1;4,2\n2;4,5\n3;4,1\n")
        archive.writestr("LASIMANI.txt", f"{title}\nVersija {version}. Licence: CC BY 4.0.\n")
    return buffer.getvalue()


MAKERS = {"pdf": _pdf, "docx": _docx, "png": _png, "zip": _zip}
EXTENSIONS = {"pdf": "pdf", "docx": "docx", "png": "png", "zip": "zip"}


def _file(title: str, subject: str, kind: str, version: int) -> SimpleUploadedFile:
    return SimpleUploadedFile(f"{_slug(title)}.{EXTENSIONS[kind]}", MAKERS[kind](title, subject, version))


#: Seed 002: "BJC “Jaunība” mājaslapā ir pieejams 21 metodiskais materiāls (nodarbību apraksts)": lesson descriptions
#: of the centre's interest programmes, published (public, with a file) during 2023/2024.
JAUNIBA_LESSONS = [
    "Robotika", "Lego pulciņš", "Vide un tehnoloģijas", "Jaunie tehniķi", "Programmēšana bērniem",
    "3D modelēšana un druka", "Elektronika iesācējiem", "Jaunie dabaszinātnieki", "Eksperimentu laboratorija",
    "Astronomijas pulciņš", "Vizuālās mākslas studija “Vīzija”", "Keramika", "Rokdarbi", "Foto pulciņš",
    "Floristika", "Animācijas studija", "Vokālais ansamblis", "Kokļu ansamblis", "Tautas deju kolektīvs",
    "Mūsdienu deju studija", "Latviešu dzīves ziņas “Sprīdītis”",
]  # fmt: skip
JAUNIBA_AUTHOR = "BJC “Jaunība” metodiķi"


def load_interest_lessons(institutions: dict[str, Institution]) -> None:
    """The 21 lesson descriptions BJC “Jaunība” publishes, each once, published on a day of 2023/2024."""
    jauniba = next((i for i in institutions.values() if i.type == InstitutionType.INTEREST_EDUCATION), None)
    if jauniba is None:
        return
    existing = set(Material.objects.filter(centre=jauniba).values_list("title", flat=True))
    for index, programme in enumerate(JAUNIBA_LESSONS):
        title = f"Nodarbības apraksts: {programme}"
        if title in existing:
            continue
        material = Material(
            centre=jauniba,
            title=title,
            description=f"{programme}: nodarbības mērķis, norise un refleksija; izmanto stundu satura veidošanā.",
            subject="interešu izglītība",
            language="lv",
            author=JAUNIBA_AUTHOR,
            visibility=PUBLIC,
        )
        services.material_save(
            viewer=WHOLE_CITY,
            material=material,
            expected_version=None,
            age_bands=[],
            uploaded_file=_file(title, "interešu izglītība", "docx", 1),
            note="Publicēts BJC “Jaunība” mājaslapā",
        )
        published = datetime(2023, 10 + index % 3, 2 + index, 12, tzinfo=UTC)
        MaterialVersion.objects.filter(material=material).update(uploaded_at=published)


def load(institutions: dict[str, Institution]) -> None:
    """The 30 materials of the demonstration's innovation centre and BJC “Jaunība”'s lesson descriptions; each once
    (a second run changes nothing)."""
    load_interest_lessons(institutions)
    centre = next((i for i in institutions.values() if i.type == InstitutionType.INNOVATION_CENTRE), None)
    if centre is None:
        return
    ensure_reference()
    modules = {m.code: m for m in Module.objects.all()}
    bands = {b.code: b for b in AgeBand.objects.all()}
    existing = set(Material.objects.filter(centre=centre).values_list("title", flat=True))
    for index, (title, module, ages, subject, kind, visibility, author, versions, downloads) in enumerate(MATERIALS):
        if title in existing:
            continue
        material = Material(
            centre=centre,
            title=title,
            description=f"{title}. Materiāls {subject} stundām un centra nodarbībām; izmanto un pielāgo brīvi.",
            module=modules[module],
            subject=subject,
            language="lv",
            licence="CC BY-SA 4.0" if index % 5 == 4 else "CC BY 4.0",
            author=author,
            visibility=visibility,
        )
        services.material_save(
            viewer=WHOLE_CITY,
            material=material,
            expected_version=None,
            age_bands=[bands[code] for code in ages],
            uploaded_file=_file(title, subject, kind, 1),
            note="Pirmā versija",
        )
        if versions > 1:
            services.material_version_add(
                viewer=WHOLE_CITY,
                material=material,
                uploaded_file=_file(title, subject, kind, 2),
                note="Labotas kļūdas, papildināti uzdevumi",
            )
        Material.objects.filter(pk=material.pk).update(downloads=downloads)
