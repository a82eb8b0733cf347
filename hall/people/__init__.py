"""People: staff accounts, their sessions, and the paired devices that act for the hall."""
