"""erpsim emulators: NetSuite and the satellite systems that sync with it."""
