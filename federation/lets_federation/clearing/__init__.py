"""Clearing runs: periodic reports of net positions, bilateral flows and netting savings."""
