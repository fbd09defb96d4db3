#!/usr/bin/env python3
"""Checks that `followthrough run --plan-out plan.json` lists what the DuckDB peer lists.

    bench_compare.py --plan plan.json --duckdb DIR [--data DIR]

Compares, as sets: the technicians and their visits (work_order_id) in the pre-visit window,
the recommendation ids per visit, the stale recommendation ids per owner ("" = sales inbox)
and the too-old count per owner. Exits 1 and prints every difference (with the rows from
--data's recommendations.csv for up to 20 differing ids) when the lists differ.
"""
import argparse
import csv
import json
import os
import sys
from collections import defaultdict


def load_plan(path):
    with open(path, encoding="utf-8") as f:
        plan = json.load(f)
    visits = {}                       # (technician, work_order_id) -> set of rec ids
    for summary in plan["pre_visit"]:
        for visit in summary["visits"]:
            key = (summary["technician"], visit["work_order_id"])
            if key in visits:
                raise SystemExit(f"plan.json: visit {key} listed twice")
            visits[key] = set(visit["recommendation_ids"])
    stale, too_old = {}, {}
    for digest in plan["stale"]:
        if digest["owner"] in stale:
            raise SystemExit(f"plan.json: owner {digest['owner']!r} has two digests")
        ids = digest["recommendation_ids"]
        if len(set(ids)) != len(ids):
            raise SystemExit(f"plan.json: owner {digest['owner']!r} lists an id twice")
        stale[digest["owner"]] = set(ids)
        too_old[digest["owner"]] = digest["too_old"]
    return plan, visits, stale, too_old


def load_duckdb(folder):
    visits = defaultdict(set)
    with open(os.path.join(folder, "pre_visit.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ids = visits[(row["technician"], row["work_order_id"])]
            if row["recommendation_id"]:
                ids.add(row["recommendation_id"])
    stale = defaultdict(set)
    with open(os.path.join(folder, "stale.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            stale[row["owner"]].add(row["recommendation_id"])
    too_old = {}
    with open(os.path.join(folder, "stale_counts.csv"), newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            too_old[row["owner"]] = int(row["too_old"])
    return dict(visits), dict(stale), too_old


def show_rows(data_dir, ids, limit=20):
    """Prints the recommendations.csv rows (and resolving work orders) of some differing ids."""
    wanted = set(sorted(ids)[:limit])
    if not data_dir or not wanted:
        return
    print(f"  rows of {len(wanted)} of the differing ids in {data_dir}/recommendations.csv:")
    with open(os.path.join(data_dir, "recommendations.csv"), newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        for row in reader:
            if row[0] in wanted:
                d = dict(zip(header, row))
                d["description"] = d["description"][:30].replace("\n", "\\n")
                print("   ", d)
    with open(os.path.join(data_dir, "work_orders.csv"), newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        i = header.index("resolves")
        for row in reader:
            if row[i] and wanted & {x.strip() for x in row[i].split(";")}:
                print("    resolved by:", dict(zip(header, row)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plan", required=True)
    ap.add_argument("--duckdb", required=True)
    ap.add_argument("--data", help="the exports, to show rows of differing ids")
    args = ap.parse_args()
    plan, ours_v, ours_s, ours_old = load_plan(args.plan)
    duck_v, duck_s, duck_old = load_duckdb(args.duckdb)
    problems = []
    differing = set()

    only_ours = sorted(set(ours_v) - set(duck_v))
    only_duck = sorted(set(duck_v) - set(ours_v))
    if only_ours:
        problems.append(f"pre-visit: {len(only_ours)} visit(s) only in followthrough: {only_ours[:20]}")
    if only_duck:
        problems.append(f"pre-visit: {len(only_duck)} visit(s) only in DuckDB: {only_duck[:20]}")
    for key in sorted(set(ours_v) & set(duck_v)):
        a, b = ours_v[key], duck_v[key]
        if a != b:
            differing |= a ^ b
            problems.append(f"pre-visit {key}: only followthrough {sorted(a - b)}, only DuckDB {sorted(b - a)}")
    if set(t for t, _ in ours_v) != set(t for t, _ in duck_v):
        problems.append("pre-visit: the technicians differ")

    for owner in sorted(set(ours_s) | set(duck_s)):
        a, b = ours_s.get(owner, set()), duck_s.get(owner, set())
        if a != b:
            differing |= a ^ b
            problems.append(f"stale owner {owner!r}: {len(a - b)} only in followthrough {sorted(a - b)[:20]}, "
                            f"{len(b - a)} only in DuckDB {sorted(b - a)[:20]}")
        if owner in ours_s and ours_old.get(owner) != duck_old.get(owner, 0):
            problems.append(f"stale owner {owner!r}: too_old {ours_old.get(owner)} in followthrough, "
                            f"{duck_old.get(owner, 0)} in DuckDB")

    n_visits = len(ours_v)
    n_pre_ids = sum(len(s) for s in ours_v.values())
    n_stale = sum(len(s) for s in ours_s.values())
    summary = (f"{len({t for t, _ in ours_v})} technicians, {n_visits} visits, {n_pre_ids} pre-visit ids; "
               f"{len(ours_s)} stale digests, {n_stale} stale ids, {sum(ours_old.values())} too old")
    if problems:
        print(f"MISMATCH between {args.plan} and DuckDB ({args.duckdb}); followthrough has {summary}")
        for p in problems:
            print("  " + p)
        show_rows(args.data, differing)
        return 1
    if n_visits == 0 or n_stale == 0:
        print(f"suspicious: nothing to compare ({summary})")
        return 1
    print(f"match: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
