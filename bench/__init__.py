"""Benchmarks: scripts that print figures beside their targets."""
