"""Exit 0 when the PostgreSQL and Redis named by DATABASE_URL/REDIS_URL answer.

Used by ``make test`` to decide whether the production-configuration stage
can run; prints what is missing otherwise.
"""

from __future__ import annotations

import os
import sys


def postgres_ok(url: str) -> str | None:
    import psycopg

    # Connect to the maintenance database: the test database is created later.
    base, _, _ = url.rpartition("/")
    try:
        with psycopg.connect(f"{base}/postgres", connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return f"PostgreSQL at {url}: {exc}"
    return None


def redis_ok(url: str) -> str | None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        return f"Redis at {url}: {exc}"
    return None


def main() -> int:
    problems = [
        p
        for p in (postgres_ok(os.environ["DATABASE_URL"]), redis_ok(os.environ["REDIS_URL"]))
        if p
    ]
    for problem in problems:
        print(f"not reachable: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
