"""Screens and speech: how a call reaches the people waiting in the hall."""
