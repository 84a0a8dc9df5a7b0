"""The WMS business rules, one module per aggregate; no Flask here."""
