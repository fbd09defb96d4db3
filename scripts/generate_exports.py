#!/usr/bin/env python3
"""Deterministic synthetic FollowThrough exports at any scale.

    scripts/generate_exports.py --work-orders N [--years Y] --seed S --as-of 2026-11-23 --out DIR

Writes DIR/work_orders.csv, DIR/recommendations.csv and DIR/people.csv (then DIR/manifest.json: counts, sizes) in the canonical
layout of examples/demo (RFC 4180: comma-separated, fields with commas, quotes or line breaks
quoted, quotes doubled; UTF-8, no BOM; LF record ends by default, --crlf for CRLF).

Same arguments -> byte-identical files. Streaming: rows are written as they are generated;
memory holds only the site/people pools and, per site, the few recommendation ids waiting
for a later work order to resolve them.

Shape (see bench/README.md), with C = N * 3 / Y the company's work orders per three years (Y = --years,
default 3, so C = N): sites ~ C/40, technicians ~ C/4000 (min 3), sales reps ~ technicians/3 (min 2), a
few managers; Y years of history before the as-of date D (~95% completed or cancelled), ~C/20 scheduled
on D+1..D+14. So --years grows the history of one company: 5M work orders over 15 years is the company
of 1M over 3, with five times its past; recommendations on about a fifth
of completed work orders with the full mix of statuses and priorities; some of them resolved
by a later completed work order at the same site (the `resolves` column).

Deliberate edge cases (each is something the rules must get right):
  * `resolves` on cancelled and on scheduled work orders (must NOT close a recommendation);
  * open/quoted recommendations that a completed work order resolved (export lag: closed);
  * `resolves` lists with a space after `;` and ids that do not exist;
  * scheduled work orders dated D itself and overdue ones in the past (outside the window);
  * visits on D+1 at 00:00 and 23:59 (window edges);
  * sales_owner ids not in people.csv, one sales rep with an empty email, ~10% empty owners,
    some owned by managers (all but the listed people with an email go to the sales inbox "");
  * last_activity_at empty (= created_at), date-only, or date and time; recommendations
    created exactly 365 and 366 days before D (the max_age_days edge) and idle exactly 13/14 days;
  * ~5% multi-line descriptions with commas and doubled quotes; non-ASCII names and addresses.
"""
import argparse
import datetime as dt
import json
import os
import random
import sys
import time

FLUSH_ROWS = 20000
BUFFER = 1 << 22

WO_HEADER = ("work_order_id,site_id,site_name,customer_name,site_address,technician_id,"
             "status,scheduled_start,completed_at,resolves")
REC_HEADER = ("recommendation_id,work_order_id,site_id,asset,description,priority,estimated_value,"
              "status,created_at,last_activity_at,recommended_by,sales_owner,quote_id")
PEOPLE_HEADER = "person_id,name,email,role,manager_id"



def q(field):
    """RFC 4180 quoting, only when needed."""
    if any(c in field for c in ',"\r\n'):
        return '"' + field.replace('"', '""') + '"'
    return field


# ---------------------------------------------------------------- pools
FIRST = [("Alice", "alice"), ("Bruno", "bruno"), ("Chidi", "chidi"), ("Dana", "dana"), ("Émile", "emile"),
         ("Zoë", "zoe"), ("Grace", "grace"), ("Håkon", "hakon"), ("Ines", "ines"), ("José", "jose"),
         ("Kenji", "kenji"), ("Łucja", "lucja"), ("Mateus", "mateus"), ("Nadia", "nadia"), ("Oğuz", "oguz"),
         ("Priya", "priya"), ("Quentin", "quentin"), ("Renée", "renee"), ("Søren", "soren"), ("Tomasz", "tomasz"),
         ("Uma", "uma"), ("Viktor", "viktor"), ("Wen", "wen"), ("Ximena", "ximena"), ("Yusuf", "yusuf"),
         ("Zbigniew", "zbigniew"), ("François", "francois"), ("Aoife", "aoife"), ("Björn", "bjorn"), ("Chloé", "chloe")]
LAST = [("Ng", "ng"), ("Costa", "costa"), ("Okafor", "okafor"), ("Whitfield", "whitfield"), ("Tremblay", "tremblay"),
        ("Park", "park"), ("Müller", "muller"), ("Nowak", "nowak"), ("Łukasiewicz", "lukasiewicz"), ("García", "garcia"),
        ("O'Brien", "obrien"), ("Singh", "singh"), ("Yılmaz", "yilmaz"), ("Dubois", "dubois"), ("Kowalczyk", "kowalczyk"),
        ("Andersson", "andersson"), ("Nakamura", "nakamura"), ("Fernández", "fernandez"), ("Haddad", "haddad"),
        ("Van der Berg", "vanderberg"), ("Svoboda", "svoboda"), ("Ólafsson", "olafsson"), ("Chen", "chen"),
        ("Begum", "begum"), ("Rossi", "rossi"), ("Papadopoulos", "papadopoulos")]

SITE_A = ["Maple Ridge", "Café Élise", "Northgate", "Lakeshore", "Harbourfront", "Riverside", "Łódź Street",
          "Zoë's", "Greenfield", "Parkview", "Sunnybrook", "Bayview", "Hillcrest", "Kingsway", "Queen West",
          "Don Mills", "Birchmount", "Crème de la Crème", "Saint-Laurent", "Müllerhaus", "Fjord", "Oakwood",
          "Cedarbrae", "Brûlé", "Ashbridge", "Westmount", "Ørsted", "Château", "Eastgate", "Scarlett"]
SITE_B = ["Dental", "Apartments", "Community Centre", "Office Tower", "Warehouse", "Bakery", "Clinic",
          "Public School", "Library", "Arena", "Hotel", "Medical Arts", "Plaza", "Cold Storage", "Brewery",
          "Data Centre", "Fire Hall", "Condominiums", "Senior Living", "Gallery"]
CUSTOMER_SUFFIX = ["Inc.", "Group", "Property Management", "Ltd.", "Holdings", "REIT", "Co-op", "Partners",
                   "& Sons, Ltd.", "S.A.", "GmbH", "(Canada) Inc."]
STREETS = ["Maple Ridge Rd", "Queen St E", "Northgate Blvd", "Lakeshore Ave", "Harbour Sq", "River St",
           "Rue Saint-Denis", "Łódź Ave", "Bloor St W", "Yonge St", "Dundas St", "Spadina Ave", "King St W",
           "Chemin Côte-des-Neiges", "Eglinton Ave E", "Sheppard Ave", "Main St", "Front St", "Church St"]
CITIES = ["Toronto ON", "Montréal QC", "Ottawa ON", "Mississauga ON", "Québec QC", "Hamilton ON", "Gatineau QC",
          "Kingston ON", "Laval QC", "Brampton ON"]

ASSETS = ["RTU-1 (Carrier 48TC)", "RTU-2", "AHU-1", "AHU-2", "Walk-in cooler", "Walk-in freezer", "Ice machine",
          "Boiler B-1", "Boiler B-2", "Cooling tower", "Domestic hot water heater", "Exhaust fan EF-3",
          "Dock door heater", "VAV box 12", "Chiller CH-1", "Make-up air unit", "Split system (Daikin)",
          "Backflow preventer", "Sump pump", "Fire damper FD-7", "Heat pump HP-4", "Condensing unit"]
ISSUE = ["Compressor drawing high amps", "Drive belt worn", "Door gasket torn", "Relief valve leaking",
         "Bearing noise", "Heat exchanger cracked", "Actuator failed", "Refrigerant low", "Condenser coil fouled",
         "Thermostat out of calibration", "Contactor pitted", "Filter rack damaged", "Flue corroded",
         "Expansion tank waterlogged", "Economizer stuck open", "Drain pan rusted through"]
ACTION = ["replace before summer", "replace at next visit", "quote replacement", "repair and test",
          "clean and re-test", "recommend upgrade", "monitor and re-check in 30 days", "replace unit"]
DETAIL = ["Temporary tape applied; order the OEM part (\"Kolpak\" 24x78).",
          "Customer asked for a \"good, better, best\" quote.",
          "Readings: 28 A vs 22 A rated, 3-phase, 208 V.",
          "Photos in the job folder; see \"before\" and \"after\" shots.",
          "Access via the roof hatch, key at the front desk, ask for \"Sam\".",
          "Part on back-order, 2-3 weeks; offered a loaner, declined."]

WO_STATUS_PAST = ["completed"] * 93 + ["cancelled"] * 7
REC_STATUS = ["open"] * 30 + ["quoted"] * 15 + ["accepted"] * 20 + ["declined"] * 20 + ["completed"] * 15
PRIORITY = ["critical"] * 5 + ["high"] * 20 + ["normal"] * 55 + ["low"] * 20
RECS_PER_WO = [1] * 75 + [2] * 18 + [3] * 7


def build_descriptions(rng, count=4000):
    """A pool of description fields, already CSV-quoted where needed; ~5% multi-line."""
    pool = []
    for i in range(count):
        text = f"{rng.choice(ISSUE)} - {rng.choice(ACTION)}"
        r = rng.random()
        if r < 0.05:
            text = f"{rng.choice(ISSUE)}, {rng.choice(ACTION)}.\n{rng.choice(DETAIL)}"
            if rng.random() < 0.3:
                text += f"\nTech note: \"{rng.choice(ACTION)}\", {rng.randint(1, 9)} of 10."
        elif r < 0.25:
            text += f" ({rng.choice(ASSETS)}, {rng.randint(2, 30)} yrs old)"
        elif r < 0.35:
            text += f"; customer says \"{rng.choice(ACTION)}\""
        pool.append(q(text))
    return pool


def person_name(rng):
    f, fs = rng.choice(FIRST)
    l, ls = rng.choice(LAST)
    return f"{f} {l}", f"{fs}.{ls}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work-orders", type=int, required=True, help="number of work orders (N)")
    ap.add_argument("--years", type=int, default=3,
                    help="years of history (default 3); the company is sized for N work orders per 3 years * 3/Y")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--as-of", default="2026-11-23", help="the as-of date D (YYYY-MM-DD)")
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--crlf", action="store_true", help="end records with CRLF instead of LF")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    n = args.work_orders
    if n < 20:
        ap.error("--work-orders must be at least 20")
    if args.years < 1:
        ap.error("--years must be at least 1")
    history_days = args.years * 365
    c = n * 3 // args.years                 # the company's size, as work orders per three years
    as_of = dt.date.fromisoformat(args.as_of)
    nl = "\r\n" if args.crlf else "\n"
    rng = random.Random(args.seed)
    rand = rng.random
    randrange = rng.randrange
    started = time.monotonic()

    # ------------------------------------------------------------ people
    n_tech = max(3, c // 4000)
    n_sales = max(2, n_tech // 3)
    n_mgr = max(1, (n_tech + n_sales) // 25)
    managers = [f"M{i}" for i in range(1, n_mgr + 1)]
    techs = [f"T{i}" for i in range(1, n_tech + 1)]
    sales = [f"S{i}" for i in range(1, n_sales + 1)]
    no_email_sales = sales[-1]                    # left the company: kept in people.csv, email blanked
    reachable_sales = sales[:-1]
    ghost_owners = ["S9001", "S9002", "X-17", "FORMER-04"]   # owners not in people.csv -> sales inbox
    people_rows = [PEOPLE_HEADER]
    for role, ids in (("manager", managers), ("technician", techs), ("sales", sales)):
        for i, pid in enumerate(ids):
            name, slug = person_name(rng)
            email = "" if pid == no_email_sales else f"{slug}.{pid.lower()}@example.com"
            mgr = "" if role == "manager" else managers[i % n_mgr]
            people_rows.append(f"{pid},{q(name)},{email},{role},{mgr}")

    # ------------------------------------------------------------ sites
    n_sites = max(3, c // 40)
    site_prefix = []        # "site_id,site_name,customer_name,site_address," (quoted)
    site_tech = []
    for i in range(n_sites):
        sid = f"S-{100 + i}"
        name = f"{rng.choice(SITE_A)} {rng.choice(SITE_B)}"
        if rand() < 0.1:
            name += f" #{rng.randint(2, 40)}"
        customer = f"{name.split(' #')[0]} {rng.choice(CUSTOMER_SUFFIX)}" if rand() < 0.7 else \
            f"{rng.choice(SITE_A)} {rng.choice(CUSTOMER_SUFFIX)}"
        addr = f"{rng.randint(1, 9999)} {rng.choice(STREETS)}"
        if rand() < 0.3:
            addr += f", Unit {rng.randint(1, 40)}"
        addr += f", {rng.choice(CITIES)}"
        site_prefix.append(f"{sid},{q(name)},{q(customer)},{q(addr)},")
        site_tech.append(techs[i % n_tech] if rand() < 0.95 else rng.choice(techs))
    site_ids = [p.split(",", 1)[0] for p in site_prefix]

    # ------------------------------------------------------------ time pools
    day_str = {}            # day offset from D -> "YYYY-MM-DD"
    for off in range(-history_days - 400, 40):
        day_str[off] = (as_of + dt.timedelta(days=off)).isoformat()
    hhmm = [f"{m // 60:02d}:{m % 60:02d}" for m in range(1440)]
    descriptions = build_descriptions(rng)

    # ------------------------------------------------------------ counts
    n_sched = max(5, c // 20)
    n_overdue = max(1, c // 2000)            # status scheduled, date in the past: not in any window
    n_today = max(1, c // 2000)              # scheduled on D itself: not in the window (D+1..)
    n_past = n - n_sched - n_overdue - n_today
    if n_past < 1:
        ap.error("--work-orders too small")

    os.makedirs(args.out, exist_ok=True)
    wo_path = os.path.join(args.out, "work_orders.csv")
    rec_path = os.path.join(args.out, "recommendations.csv")
    ppl_path = os.path.join(args.out, "people.csv")
    wo_f = open(wo_path + ".tmp", "w", encoding="utf-8", newline="", buffering=BUFFER)
    rec_f = open(rec_path + ".tmp", "w", encoding="utf-8", newline="", buffering=BUFFER)
    wo_buf = [WO_HEADER]
    rec_buf = [REC_HEADER]

    pending = {}             # site index -> [rec ids waiting for a completed work order to resolve them]
    rec_no = 0
    quote_no = 1000
    stats = {"recs": 0, "resolved": 0, "open_marked": 0}

    def owner_for(site_i):
        r = rand()
        if r < 0.10:
            return ""
        if r < 0.12:
            return ghost_owners[randrange(len(ghost_owners))]
        if r < 0.13:
            return no_email_sales
        if r < 0.15:
            return managers[randrange(n_mgr)]
        if len(reachable_sales) == 0:
            return ""
        return reachable_sales[site_i % len(reachable_sales)] if r < 0.8 else reachable_sales[randrange(len(reachable_sales))]

    def emit_recs(wo_id, site_i, tech, day_off, minute):
        nonlocal rec_no, quote_no
        k = RECS_PER_WO[randrange(100)]
        for j in range(k):
            rec_no += 1
            rid = f"R-{rec_no}"
            status = REC_STATUS[randrange(100)]
            priority = PRIORITY[randrange(100)]
            cmin = min(1439, minute + 5 * j + randrange(30))
            # a few pinned to the max_age_days edge and to the stale edge
            edge = rand()
            if edge < 0.002:
                day_off = -365 if edge < 0.001 else -366
            created = f"{day_str[day_off]} {hhmm[cmin]}"
            age = -day_off
            a = rand()
            if a < 0.25:
                activity = ""
            else:
                if a < 0.27:
                    idle = 13 if a < 0.26 else 14                  # stale edge
                    act_off = -idle if idle <= age else day_off
                else:
                    act_off = day_off + randrange(min(age, 180) + 1)
                if a < 0.6:
                    activity = day_str[act_off]                    # date only, like the demo
                else:
                    am = randrange(420, 1080)
                    if act_off == day_off and am < cmin:
                        am = cmin
                    activity = f"{day_str[act_off]} {hhmm[am]}"
            value_r = rand()
            if value_r < 0.03:
                value = ""
            elif value_r < 0.5:
                value = str(50 * (1 + randrange(200)))
            else:
                value = f"{randrange(50, 25000)}.{randrange(100):02d}"
            rec_by = "" if rand() < 0.35 else (tech if rand() < 0.9 else techs[randrange(n_tech)])
            quote = "" if status == "open" else f"Q-{quote_no}"
            if status != "open":
                quote_no += 1
            rec_buf.append(f"{rid},{wo_id},{site_ids[site_i]},{ASSETS[randrange(len(ASSETS))]},"
                           f"{descriptions[randrange(len(descriptions))]},{priority},{value},{status},"
                           f"{created},{activity},{rec_by},{owner_for(site_i)},{quote}")
            # will a later completed work order at this site carry it out?
            p = 0.85 if status == "completed" else 0.3 if status == "accepted" else \
                0.05 if status in ("open", "quoted") else 0.0
            if p and rand() < p:
                pending.setdefault(site_i, []).append(rid)
                if status in ("open", "quoted"):
                    stats["open_marked"] += 1
        stats["recs"] += k

    def flush(force=False):
        if force or len(wo_buf) >= FLUSH_ROWS:
            wo_f.write(nl.join(wo_buf) + nl)
            wo_buf.clear()
        if force or len(rec_buf) >= FLUSH_ROWS:
            rec_f.write(nl.join(rec_buf) + nl)
            rec_buf.clear()

    wo_no = 1000
    # ---------------------------------------------------------- past work orders, oldest first
    span = history_days * 1440
    for i in range(n_past):
        wo_no += 1
        wo_id = f"WO-{wo_no}"
        t = -span + (i * span) // n_past            # minutes from D 00:00, increasing
        day_off = t // 1440
        start = 420 + randrange(600)                # 07:00 .. 16:59
        site_i = randrange(n_sites)
        tech = site_tech[site_i] if rand() < 0.85 else techs[randrange(n_tech)]
        status = WO_STATUS_PAST[randrange(100)]
        resolves = ""
        waiting = pending.get(site_i)
        if status == "completed":
            done = start + 30 + randrange(240)
            completed = f"{day_str[day_off]} {hhmm[done]}"
            if waiting and rand() < 0.7:
                ids = list(waiting)
                waiting.clear()
                if rand() < 0.05:
                    ids.append(f"R-X{randrange(10**6)}")       # an id that does not exist
                resolves = ("; " if rand() < 0.1 else ";").join(ids)
                stats["resolved"] += len(ids)
            wo_buf.append(f"{wo_id},{site_prefix[site_i]}{tech},completed,{day_str[day_off]} {hhmm[start]},"
                          f"{completed},{q(resolves)}")
            if rand() < 0.2:
                emit_recs(wo_id, site_i, tech, day_off, done)
        else:
            if waiting and rand() < 0.2:
                resolves = ";".join(waiting)               # cancelled: must not close anything
            wo_buf.append(f"{wo_id},{site_prefix[site_i]}{tech},cancelled,{day_str[day_off]} {hhmm[start]},,"
                          f"{q(resolves)}")
        if len(wo_buf) >= FLUSH_ROWS or len(rec_buf) >= FLUSH_ROWS:
            flush()

    # ---------------------------------------------------------- scheduled: overdue, today, next 14 days
    for i in range(n_overdue + n_today + n_sched):
        wo_no += 1
        wo_id = f"WO-{wo_no}"
        site_i = randrange(n_sites)
        tech = site_tech[site_i] if rand() < 0.85 else techs[randrange(n_tech)]
        if i < n_overdue:
            day_off = -1 - randrange(30)
        elif i < n_overdue + n_today:
            day_off = 0
        else:
            day_off = 1 + randrange(14)
        start = 420 + randrange(600)
        if day_off == 1 and rand() < 0.01:
            start = 0 if rand() < 0.5 else 1439             # window edges
        waiting = pending.get(site_i)
        resolves = ";".join(waiting) if waiting and rand() < 0.1 else ""   # planned work: not done yet
        wo_buf.append(f"{wo_id},{site_prefix[site_i]}{tech},scheduled,{day_str[day_off]} {hhmm[start]},,"
                      f"{q(resolves)}")
        if len(wo_buf) >= FLUSH_ROWS:
            flush()

    flush(force=True)
    wo_f.close()
    rec_f.close()
    with open(ppl_path + ".tmp", "w", encoding="utf-8", newline="") as f:
        f.write(nl.join(people_rows) + nl)
    for path in (wo_path, rec_path, ppl_path):
        os.replace(path + ".tmp", path)
    sizes = {os.path.basename(p): os.path.getsize(p) for p in (wo_path, rec_path, ppl_path)}
    manifest = {"work_orders": n, "recommendations": stats["recs"], "people": len(people_rows) - 1,
                "sites": n_sites, "technicians": n_tech, "sales": n_sales, "managers": n_mgr,
                "years": args.years, "seed": args.seed, "as_of": args.as_of, "crlf": args.crlf, "bytes": sizes}
    # written last: its presence marks a complete set (scripts/bench.sh caches on it)
    with open(os.path.join(args.out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")

    if not args.quiet:
        total = sum(sizes.values())
        rows = n + stats["recs"] + len(people_rows) - 1
        print(f"generated {n} work orders, {stats['recs']} recommendations, {len(people_rows) - 1} people "
              f"({n_tech} technicians, {n_sales} sales, {n_mgr} managers), {n_sites} sites; "
              f"{stats['resolved']} ids in resolves of completed work orders "
              f"({stats['open_marked']} open/quoted recommendations marked to be resolved); "
              f"{total / 1e6:.1f} MB, {total / rows:.0f} bytes/row, in {time.monotonic() - started:.1f} s",
              file=sys.stderr)


if __name__ == "__main__":
    main()
