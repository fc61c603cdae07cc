"""Django's SQLite backend, told how many query parameters this SQLite really accepts.

Django assumes SQLite's old limit of 999 parameters and splits bulk writes into batches of
999 / fields rows, so saving a grid of 40 figures (30-odd columns each) would take more
queries than saving 20. SQLite 3.32+ accepts 32766 by default; the limit is read from the
library itself, so writes of a page stay a constant number of queries, as on PostgreSQL.
"""

import sqlite3

from django.db.backends.sqlite3 import base, features


def _variable_limit() -> int:
    connection = sqlite3.connect(":memory:")
    try:
        return connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    finally:
        connection.close()


class DatabaseFeatures(features.DatabaseFeatures):
    max_query_params = _variable_limit()


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
