#!/usr/bin/env python3
"""Runs scripts/bench_duckdb.sql on one set of exports: the DuckDB peer of `followthrough run`.

    bench_duckdb.py --data DIR --out DIR [--as-of 2026-11-23] [--lookahead-days 1]
                    [--stale-after-days 14] [--max-age-days 365] [--threads N]

One process: import duckdb, an in-memory database, the SQL file, CSV results in --out.
"""
import argparse
import datetime as dt
import os
import sys

import duckdb


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--as-of", default="2026-11-23")
    ap.add_argument("--lookahead-days", type=int, default=1)
    ap.add_argument("--stale-after-days", type=int, default=14)
    ap.add_argument("--max-age-days", type=int, default=365)
    ap.add_argument("--threads", type=int, default=0, help="0: DuckDB's default (all cores)")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    sql = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench_duckdb.sql"), encoding="utf-8").read()
    con = duckdb.connect(":memory:")
    if args.threads:
        con.execute(f"SET threads = {args.threads}")
    con.execute("SET VARIABLE data_dir = ?", [os.path.abspath(args.data)])
    con.execute("SET VARIABLE out_dir = ?", [os.path.abspath(args.out)])
    con.execute("SET VARIABLE as_of = ?", [dt.date.fromisoformat(args.as_of)])
    con.execute("SET VARIABLE lookahead_days = ?", [args.lookahead_days])
    con.execute("SET VARIABLE stale_after_days = ?", [args.stale_after_days])
    con.execute("SET VARIABLE max_age_days = ?", [args.max_age_days])
    con.execute(sql)
    con.close()


if __name__ == "__main__":
    sys.exit(main())
