"""WSGI entry point for gunicorn: ``gunicorn lets_platform.wsgi:app``.

It refuses to serve as a superuser or an owner (``lets_platform.dbroles``).
"""

from lets_platform import dbroles
from lets_platform.app import create_app

app = create_app()
dbroles.refuse_privileged(app)
