"""The Tremendous wing: its connection, credentials, errors, endpoints, models, checks and payout adapter."""
