"""The load test: two gunicorn servers, one PostgreSQL, locust (see scripts/loadtest.sh)."""
