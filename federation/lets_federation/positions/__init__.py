"""The federation ledger: each scheme's position, its limits and the pair limits."""
