"""Tickets a visitor takes, and the printed slip that goes with one."""
