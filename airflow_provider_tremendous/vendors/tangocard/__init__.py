"""The Tango Card RaaS v2 wing: its connection, credentials, errors, endpoints, models, checks and payout
adapter."""
