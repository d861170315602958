"""The hub's kernel: configuration, database, identity, tenancy, API framework and CLI."""

from lets_platform.app import create_app

__all__ = ["create_app"]
