"""The provider's version (read by the build backend, the provider info and the User-Agent)."""

__version__ = "0.1.0"
