from django.db import migrations

PROGRAMMES = [
    ("erasmus_ka1", "Erasmus+ KA1 (mācību mobilitāte)"),
    ("erasmus_ka2", "Erasmus+ KA2 (sadarbības partnerības)"),
    ("erasmus_ka220", "Erasmus+ KA220 (sadarbības partnerības)"),
    ("leonardo", "Mūžizglītības programma Leonardo da Vinci"),
    ("nordplus", "Nordplus"),
    ("cerv", "Pilsoņi, vienlīdzība, tiesības un vērtības (CERV)"),
    ("etwinning", "eTwinning"),
    ("esf", "Eiropas Sociālais fonds"),
    ("erdf", "Eiropas Reģionālās attīstības fonds"),
    ("rrf", "Atveseļošanas un noturības mehānisms"),
    ("state", "Valsts programma"),
    ("municipal", "Pašvaldības programma"),
    ("other", "Cita programma"),
]


def standard_programmes(apps, schema_editor):
    ProjectProgramme = apps.get_model("projects", "ProjectProgramme")
    for code, name in PROGRAMMES:
        ProjectProgramme.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("projects", "0001_initial")]

    operations = [migrations.RunPython(standard_programmes, migrations.RunPython.noop)]
