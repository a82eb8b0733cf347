"""The city hub: every hall's events on PostgreSQL, and the city's live view of its halls."""
