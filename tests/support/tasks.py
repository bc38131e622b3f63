"""The task backend a deployment without Redis runs (settings.TASKS then): tasks are rows, enqueued when the
transaction that asked for them commits and run by `manage.py worker`. Tests run tasks at once by default
(tests/conftest.py, `tasks_run_at_once`); a test of the queue itself puts this one back."""

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
