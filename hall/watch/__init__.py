"""Watching the hall: the live dashboard, alerts and help calls (呼叫帮办)."""
