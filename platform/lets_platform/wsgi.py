"""WSGI entry point for gunicorn: ``gunicorn lets_platform.wsgi:app``."""

from lets_platform.app import create_app

app = create_app()
