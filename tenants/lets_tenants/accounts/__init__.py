"""Accounts of a scheme: members', central (funds, budgets) and the federation clearing account."""
