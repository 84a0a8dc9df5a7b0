"""SuiteQL for the NetSuite emulator: ``POST /services/rest/query/v1/suiteql`` minus the HTTP.

How it works (choice documented here on purpose): ``compile`` parses the query with sqlglot's Oracle
dialect, refuses anything but one SELECT built from an allow-list of constructs, validates every table
and column against the virtual schema in ``schema`` and rewrites the tree as SQLite SQL. ``engine`` then
materialises only the referenced virtual tables (built by ``data`` from ns_records, ns_inventory and
ns_commitments; deleted records are skipped except in ``deletedrecord``) into a fresh in-memory SQLite
connection per call, runs the SQL there and renders NetSuite's envelope. Per-call materialisation keeps
the engine stateless and always consistent with the store; emulator data volumes keep it cheap.

Rendering, as the real service does it (see netsuite-rest.md section 2):
* keys are lower-case column names or aliases; unaliased expressions are ``expr1``, ``expr2``...;
* every value is a string: numbers as Oracle prints them ('5', '-2', '.5' for 0.5), booleans 'T'/'F';
* NULLs are omitted; each item starts with ``"links": []``;
* dates and datetimes use the account's ``dateFormat`` preference (default M/D/YYYY, e.g. '1/5/2026') and
  datetimes lose their time of day (lastmodifieddate renders as a date), which is why real clients wrap
  them in TO_CHAR(col, 'YYYY-MM-DD HH24:MI:SS'); datetimes are in the account's ``timeZone``;
* a string literal compared with a date column is parsed in the account's date format (else 400), while
  TO_DATE('2026-01-05', 'YYYY-MM-DD') and DATE '2026-01-05' work in any account.

Quirks emulated on purpose: transactionline quantities and amounts carry the posting sign (negative on
sales-side lines); ``OFFSET n ROWS`` inside the query is silently ignored while ``FETCH FIRST n ROWS ONLY``
is honoured (a public field report); ``ROWNUM > n`` matches nothing, as in Oracle. Without ORDER BY the
emulator orders by the first table's id (then the joined tables' keys; grouped queries by every output
column) so runs are reproducible; real NetSuite guarantees no order, so clients must not rely on it.
Paging: ``totalResults`` is the full count before paging; offset + limit beyond 100,000 is a 400.
"""

from __future__ import annotations

from .engine import run_suiteql
from .schema import TABLES

__all__ = ["TABLES", "run_suiteql"]
