"""A second wall in the database (issue 41): on PostgreSQL, row-level security keeps the tables that hold children's
data to the boards the application names for the transaction (`eduboard.core.board_wall`); SQLite keeps the
application's scope alone, and this migration does nothing there.

Each table gets one policy, `board_wall`, for every command (read, insert, update, delete): a row passes when the
setting `eduboard.boards` is absent or empty (management commands, migrations, the demonstration loader, the task
worker, anonymous pages: the application's own scope decides), and otherwise only when its institution is in one of
the boards the setting lists (comma-separated ids). FORCE: the application connects as the tables' owner, whom row
security spares unless forced. A superuser, or a role with BYPASSRLS, is never held by it.

Enrolments are walled for writes only: every board reads every enrolment. The application decides who may change a
national learner's record, or enrol them, from the learner's places in every institution ("still enrolled
elsewhere", "enrolled nowhere yet": `LearnerQuerySet.editable_by`, `services.learner_transfer`, the learners' import);
with other boards' enrolments hidden, another board's learner looks enrolled nowhere, and a board could change them.
A board still cannot add, change or remove another board's enrolment.

The predicates are written in SQL here, not taken from the models, so that this migration means the same later.
"""

from typing import Any

from django.db import migrations

SETTING = "current_setting('eduboard.boards', true)"
UNWALLED = f"coalesce({SETTING}, '') = ''"
#: The institutions of the boards the setting lists (evaluated once a query, not once a row).
BOARD_INSTITUTIONS = (
    f"SELECT id FROM registry_institution WHERE board_id = ANY (string_to_array({SETTING}, ',')::bigint[])"
)

#: table → how its row reaches an institution of the listed boards.
WALLS = {
    # A learner's place in a group: the group's institution (writes only: READ_EVERYWHERE).
    "registry_enrolment": f"group_id IN (SELECT id FROM registry_group WHERE institution_id IN ({BOARD_INSTITUTIONS}))",
    # Absences, term results and support plans name their institution.
    "prevention_absence": f"institution_id IN ({BOARD_INSTITUTIONS})",
    "prevention_termresult": f"institution_id IN ({BOARD_INSTITUTIONS})",
    "prevention_supportplan": f"institution_id IN ({BOARD_INSTITUTIONS})",
    # A device loan: the lent asset's institution.
    "assets_loan": f"asset_id IN (SELECT id FROM assets_asset WHERE institution_id IN ({BOARD_INSTITUTIONS}))",
    # A survey's one-time answering codes name the institution the answer will come from.
    "surveys_accesscode": f"institution_id IN ({BOARD_INSTITUTIONS})",
    # A booking at the innovation centre: the centre's (slot → activity → centre), or the booking school's, as
    # `BookingQuerySet.visible_to` reads it.
    "innovation_booking": (
        "slot_id IN (SELECT slot.id FROM innovation_slot slot JOIN innovation_activity activity"
        f" ON activity.id = slot.activity_id WHERE activity.centre_id IN ({BOARD_INSTITUTIONS}))"
        f" OR school_id IN ({BOARD_INSTITUTIONS})"
    ),
}

#: Tables every board reads whole; the wall holds their writes.
READ_EVERYWHERE = ["registry_enrolment"]


def predicate(condition: str) -> str:
    return f"{UNWALLED} OR ({condition})"


def build_walls(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, condition in WALLS.items():
        wall = predicate(condition)
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"CREATE POLICY board_wall ON {table} USING ({wall}) WITH CHECK ({wall})")
        if table in READ_EVERYWHERE:
            # Permissive policies add up: reads pass this one; writes still need board_wall's.
            schema_editor.execute(f"CREATE POLICY board_wall_reads ON {table} FOR SELECT USING (true)")


def remove_walls(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in WALLS:
        schema_editor.execute(f"DROP POLICY IF EXISTS board_wall_reads ON {table}")
        schema_editor.execute(f"DROP POLICY IF EXISTS board_wall ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0015_boards"),
        ("prevention", "0002_risk_rules"),
        ("assets", "0006_translated_names"),
        ("surveys", "0003_code_draft"),
        ("innovation", "0010_moved_to_own_apps"),
    ]

    operations = [migrations.RunPython(build_walls, remove_walls, elidable=False)]
