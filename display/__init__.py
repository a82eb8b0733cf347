"""Calls out: the live hub, the screens and speech."""
