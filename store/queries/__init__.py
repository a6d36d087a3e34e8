"""Read queries for the terminal app's screens; portable SQL (SQLite and PostgreSQL).

Each function takes an open connection and returns plain frozen dataclasses, so the app can run
it in a worker thread and hand the result to the UI thread unchanged.
"""
