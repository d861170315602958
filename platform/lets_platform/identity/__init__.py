"""Persons, passwords, API bearer tokens and per-scheme role grants."""
