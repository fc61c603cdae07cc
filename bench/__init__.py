"""The benchmark behind ``manage.py benchmark`` (docs/performance.md).

- ``dataset``: a synthetic national roll-out (N districts, each with a plan of 60 indicators with
  ten years of approved figures and 100 task rows with progress), written in bulk.
- ``pages``: the pages measured, as the users who open them (a leader, a coordinator).
- ``measure``: server time and query count of each page through Django's test client, the SQL
  floor of each page (its own queries run alone on a raw cursor), and the summary workbook
  against bare openpyxl.
- ``databases``: the benchmark's own database (a temporary SQLite file, or a PostgreSQL
  database created and dropped on the server ``DATABASE_URL`` names).
"""
