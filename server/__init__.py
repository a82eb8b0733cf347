"""The web adapter: HTTP API, websockets and pages around the hall."""
