"""Importing a scheme from a legacy system: members, accounts with balances, and offers."""
