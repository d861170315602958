"""Reports on listings, events, messages and profiles, and how moderators resolve them."""
