"""HTTP routes of the emulated API (thin: each calls a domain function under the state lock)."""
