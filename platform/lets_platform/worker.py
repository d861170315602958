"""Module the dramatiq CLI loads (``lets worker``): builds the app, which binds the broker."""

from lets_platform.app import create_app

app = create_app()
