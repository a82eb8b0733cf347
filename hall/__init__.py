"""The hall's domain: services, windows, tickets, queue rules, storage and events."""
