"""The emulated account's behaviour, independent of HTTP: each function takes the state and returns API data."""
