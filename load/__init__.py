"""Load tests of the inventory sync: Locust users, shapes, business metrics, SLO profiles, reports.

Nothing here is imported by the emulators or the engine. Locust itself is imported only by the locustfile
and the modules it loads (``users``, ``shapes``), which run in their own processes (gevent patches them).
"""
