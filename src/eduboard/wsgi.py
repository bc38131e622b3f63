"""WSGI entry point: `gunicorn eduboard.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduboard.settings")
application = get_wsgi_application()

from eduboard.core.board_wall import check_pooling  # noqa: E402 - after Django is set up

check_pooling()  # behind a pooler in session mode the board wall would leak: refuse to start, in one line
