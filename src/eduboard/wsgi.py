"""WSGI entry point: `gunicorn eduboard.wsgi` in production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eduboard.settings")
application = get_wsgi_application()
