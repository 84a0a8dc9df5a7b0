"""NetSuite business rules: record types, values, records, inventory, periods, transforms, SuiteQL."""
