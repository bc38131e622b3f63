"""The second wall (registry 0016) on two more tables of children's data, on PostgreSQL: the preschool queue (an
entry passes for the boards of its first or second choice, or of the group offered; reads and writes, as
`QueueEntryQuerySet` reads it) and survey responses (the institution the answer came from). SQLite: nothing."""

from typing import Any

from django.db import migrations

SETTING = "current_setting('eduboard.boards', true)"
UNWALLED = f"coalesce({SETTING}, '') = ''"
BOARD_INSTITUTIONS = (
    f"SELECT id FROM registry_institution WHERE board_id = ANY (string_to_array({SETTING}, ',')::bigint[])"
)
WALLS = {
    "registry_queueentry": (
        f"first_choice_id IN ({BOARD_INSTITUTIONS}) OR second_choice_id IN ({BOARD_INSTITUTIONS})"
        f" OR offered_group_id IN (SELECT id FROM registry_group WHERE institution_id IN ({BOARD_INSTITUTIONS}))"
    ),
    "surveys_response": f"institution_id IN ({BOARD_INSTITUTIONS})",
}


def build_walls(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, condition in WALLS.items():
        wall = f"{UNWALLED} OR ({condition})"
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"CREATE POLICY board_wall ON {table} USING ({wall}) WITH CHECK ({wall})")


def remove_walls(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in WALLS:
        schema_editor.execute(f"DROP POLICY IF EXISTS board_wall ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


class Migration(migrations.Migration):
    dependencies = [("registry", "0019_residents_elsewhere_board_required"), ("surveys", "0005_survey_board_required")]

    operations = [migrations.RunPython(build_walls, remove_walls)]
