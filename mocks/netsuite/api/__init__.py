"""NetSuite emulator HTTP blueprints."""
