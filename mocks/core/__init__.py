"""Machinery shared by every emulator: store, control plane, faults, journal, clock, webhooks."""
