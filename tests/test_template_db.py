"""The test database is a copy of a template migrated once per pass (tests/template_db.py): the copy a test process
works on is at the latest migration of every app, and the template is made again when the code it was made by
changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests import template_db
from tests.template_db import code_digest

pytestmark = pytest.mark.both_databases


@pytest.mark.django_db
def test_the_test_processs_copy_has_every_migration_applied() -> None:
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    assert executor.migration_plan(leaves) == []  # nothing left to apply
    applied = set(executor.loader.applied_migrations)
    assert set(executor.loader.graph.nodes) <= applied
    # the process's own copy, never the template itself (a test's writes would reach every later copy)
    assert connection.settings_dict["NAME"] == template_db.copy_name
    assert "template" not in str(connection.settings_dict["NAME"])


def project(root: Path, migration: str) -> Path:
    (root / "src" / "eduboard" / "area" / "migrations").mkdir(parents=True)
    (root / "src" / "eduboard" / "area" / "migrations" / "0001_initial.py").write_text(migration)
    (root / "src" / "eduboard" / "area" / "models.py").write_text("class Model: ...\n")
    (root / "requirements.txt").write_text("Django==5.2\n")
    return root


def test_the_template_is_made_again_when_a_migration_the_code_or_a_pin_changes(tmp_path: Path) -> None:
    root = project(tmp_path, "operations = []\n")
    first = code_digest(root)
    assert code_digest(root) == first  # the same code: the same template
    (root / "src" / "eduboard" / "area" / "migrations" / "0001_initial.py").write_text("operations = [1]\n")
    changed_migration = code_digest(root)
    (root / "src" / "eduboard" / "area" / "models.py").write_text("class Model: pass\n")
    changed_code = code_digest(root)
    (root / "requirements.txt").write_text("Django==5.2.1\n")
    changed_pin = code_digest(root)
    assert len({first, changed_migration, changed_code, changed_pin}) == 4
