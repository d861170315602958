"""The organisers' pages of a scheme (``/s/<scheme>/admin/...``): members, accounts,
transfers entered from paper, corrections, imports, the audit log and OAuth clients."""
