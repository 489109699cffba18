"""The Tremendous API v2 emulator: its domain (state changes) and its routes."""
