"""The reference sync engine (a client of the systems' real APIs; never imports mocks)."""
