"""The Tango Card RaaS v2 emulator, served by the same sandbox under ``/raas/v2`` with the same state, clock,
admin API and fault knobs as the Tremendous emulator."""
