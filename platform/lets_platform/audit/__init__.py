"""The append-only audit log of security- and money-relevant acts."""
