"""Contracts: Pact verification of the emulators (provider states through the control plane) and fidelity."""
