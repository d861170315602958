"""Feedback after a transfer: each party once on the other, editable for 14 days."""
