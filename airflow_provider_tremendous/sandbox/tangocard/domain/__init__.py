"""The Tango Card emulator's domain: accounts, catalog, orders, reference data and its error bodies."""
