"""The second wall fails closed (issue 60), on PostgreSQL; SQLite: nothing.

Until now (0016, 0020) a row of a walled table passed when the setting `eduboard.boards` was absent or empty: a
connection nobody had set saw every board. From here the policies read the setting `eduboard.wall`, and a row passes
only when the setting names its board:

- `*`: every board, named (commands, migrations, whole-deployment work of the worker, each under its reason:
  core.board_wall);
- comma-separated board ids ("3,12"): those boards' rows;
- anything else (absent, empty, "0", malformed): no row at all.

The setting's new name is deliberate: a server still running the previous release during the upgrade sets
`eduboard.boards`, which these policies do not read, so it sees no walled row rather than every row.

The wall also covers more of the children's data (`core.audit_policy.CHILDREN_PERSONAL_DATA`): learner corrections,
access requests, meal contracts, exam results of learners, mobilities (and their learners), robotics teams and
data-quality findings; enrolments are walled for writes only and learners not at all, for the reason docs/boards.md
gives ("What the database wall does not hold").

The two functions below read the setting once per query (STABLE): `eduboard_wall_open()` (the setting is `*`) and
`eduboard_wall_boards()` (its board ids, or none). The predicates are SQL written here, not taken from the models,
so that this migration means the same later.
"""

from typing import Any

from django.db import migrations

FUNCTIONS = """
CREATE OR REPLACE FUNCTION eduboard_wall_open() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('eduboard.wall', true), '') = '*'
$$;
CREATE OR REPLACE FUNCTION eduboard_wall_boards() RETURNS bigint[] LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN coalesce(current_setting('eduboard.wall', true), '') ~ '^[0-9]{1,18}(,[0-9]{1,18})*$'
                THEN string_to_array(current_setting('eduboard.wall', true), ',')::bigint[]
                ELSE '{}'::bigint[] END
$$;
"""
DROP_FUNCTIONS = "DROP FUNCTION IF EXISTS eduboard_wall_open(); DROP FUNCTION IF EXISTS eduboard_wall_boards();"

#: The institutions of the boards the setting names (evaluated once a query).
BI = "SELECT id FROM registry_institution WHERE board_id = ANY (eduboard_wall_boards())"
#: The learners with a place (an enrolment, at any time) or an application in those institutions.
LEARNERS = (
    "SELECT enrolment.learner_id FROM registry_enrolment enrolment JOIN registry_group grp"
    f" ON grp.id = enrolment.group_id WHERE grp.institution_id IN ({BI})"
    " UNION SELECT entry.child_id FROM registry_queueentry entry"
    f" WHERE entry.first_choice_id IN ({BI}) OR entry.second_choice_id IN ({BI})"
)

#: table → how its row reaches an institution (or board) the setting names.
WALLS = {
    # 0016's, now failing closed.
    "registry_enrolment": f"group_id IN (SELECT id FROM registry_group WHERE institution_id IN ({BI}))",
    "prevention_absence": f"institution_id IN ({BI})",
    "prevention_termresult": f"institution_id IN ({BI})",
    "prevention_supportplan": f"institution_id IN ({BI})",
    "assets_loan": f"asset_id IN (SELECT id FROM assets_asset WHERE institution_id IN ({BI}))",
    "surveys_accesscode": f"institution_id IN ({BI})",
    "innovation_booking": (
        "slot_id IN (SELECT slot.id FROM innovation_slot slot JOIN innovation_activity activity"
        f" ON activity.id = slot.activity_id WHERE activity.centre_id IN ({BI}))"
        f" OR school_id IN ({BI})"
    ),
    # 0020's.
    "registry_queueentry": (
        f"first_choice_id IN ({BI}) OR second_choice_id IN ({BI})"
        f" OR offered_group_id IN (SELECT id FROM registry_group WHERE institution_id IN ({BI}))"
    ),
    "surveys_response": f"institution_id IN ({BI})",
    # New: the rest of the children's data.
    "registry_learnercorrection": f"learner_id IN ({LEARNERS})",
    "privacy_accessrequest": f"institution_id IN ({BI}) OR learner_id IN ({LEARNERS})",
    "finance_mealcontract": f"learner_id IN ({LEARNERS})",
    "quality_learnerresult": f"institution_id IN ({BI})",
    "projects_mobility": (
        f"project_id IN (SELECT project_id FROM projects_project_institutions WHERE institution_id IN ({BI}))"
    ),
    # A mobility's learners: those of the mobilities the wall lets through (that table's own policy applies here).
    "projects_mobility_learners": "mobility_id IN (SELECT id FROM projects_mobility)",
    "innovation_team": (
        f"competition_id IN (SELECT id FROM innovation_competition WHERE centre_id IN ({BI})) OR school_id IN ({BI})"
    ),
    "dataquality_dataissue": "board_id = ANY (eduboard_wall_boards())",
}

#: Tables every board reads whole; the wall holds their writes (docs/boards.md says why).
READ_EVERYWHERE = ["registry_enrolment"]

#: 0016's and 0020's tables, whose old policies this migration replaces.
OLD_TABLES = [
    "registry_enrolment",
    "prevention_absence",
    "prevention_termresult",
    "prevention_supportplan",
    "assets_loan",
    "surveys_accesscode",
    "innovation_booking",
    "registry_queueentry",
    "surveys_response",
]


def predicate(condition: str) -> str:
    return f"eduboard_wall_open() OR ({condition})"


def build_walls(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTIONS)
    for table in OLD_TABLES:
        schema_editor.execute(f"DROP POLICY IF EXISTS board_wall_reads ON {table}")
        schema_editor.execute(f"DROP POLICY IF EXISTS board_wall ON {table}")
    for table, condition in WALLS.items():
        wall = predicate(condition)
        schema_editor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"CREATE POLICY board_wall ON {table} USING ({wall}) WITH CHECK ({wall})")
        if table in READ_EVERYWHERE:
            schema_editor.execute(f"CREATE POLICY board_wall_reads ON {table} FOR SELECT USING (true)")


def remove_walls(apps: Any, schema_editor: Any) -> None:
    """Back to 0020: the old policies on their tables, the new tables unwalled."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from importlib import import_module

    before = import_module("eduboard.registry.migrations.0016_row_level_security")
    more = import_module("eduboard.registry.migrations.0020_more_walls")
    for table in WALLS:
        schema_editor.execute(f"DROP POLICY IF EXISTS board_wall_reads ON {table}")
        schema_editor.execute(f"DROP POLICY IF EXISTS board_wall ON {table}")
        if table not in OLD_TABLES:
            schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
            schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    for table, condition in {**before.WALLS, **more.WALLS}.items():
        wall = before.predicate(condition)
        schema_editor.execute(f"CREATE POLICY board_wall ON {table} USING ({wall}) WITH CHECK ({wall})")
        if table in before.READ_EVERYWHERE:
            schema_editor.execute(f"CREATE POLICY board_wall_reads ON {table} FOR SELECT USING (true)")
    schema_editor.execute(DROP_FUNCTIONS)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0023_learner_corrections"),
        ("privacy", "0003_access_requests_rule"),
        ("finance", "0011_social_assistance_meals"),
        ("quality", "0011_self_assessment_tables"),
        ("projects", "0003_translated_titles"),
        ("competitions", "0003_ring_robot_build"),
        ("dataquality", "0002_census_dates"),
        ("innovation", "0014_booking_confirmed_at_once"),
        ("prevention", "0004_risk_rule_board_required"),
        ("assets", "0006_translated_names"),
        ("surveys", "0005_survey_board_required"),
    ]

    operations = [migrations.RunPython(build_walls, remove_walls)]
