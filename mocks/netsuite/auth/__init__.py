"""NetSuite authentication: TBA (OAuth 1.0a, HMAC-SHA256) and OAuth 2.0 client-credentials bearer tokens.

One ``Authenticator`` per app (``authenticator.py``). ``authenticate(request)`` runs on every vendor-API
request, so the hot path stays in process memory: token rows and OAuth 2.0 clients are cached (dropped on
act/ changes, or re-read after ``auth_cache_ttl`` seconds in "db" mode where several workers share the
store), nonces live in an in-memory set with expiry (``nonces.py``), and verified bearer tokens are cached
by their text. ``tba.py`` verifies OAuth 1.0a signatures; ``oauth2.py`` issues and verifies access tokens
and holds the client-credentials grant's rules. ``accounts.py``: account ids and the ``Principal``.
Every refusal is the same 401 INVALID_LOGIN callers see from NetSuite; the real reason is kept in
``Authenticator.audit`` (NetSuite's Login Audit Trail has it in its Detail column).
"""
