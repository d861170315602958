"""Messages between members, within a scheme and across schemes, and blocks."""
