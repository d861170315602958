"""Transfers: payments, holds, corrections; the rules that keep every scheme's books zero-sum."""
