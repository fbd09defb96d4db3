-- The FollowThrough rules as a data-savvy user would write them in DuckDB.
-- Run by scripts/bench_duckdb.py, which sets the variables:
--   data_dir (folder with the three exports), out_dir, as_of (DATE),
--   lookahead_days (1), stale_after_days (14), max_age_days (365).
-- Writes out_dir/pre_visit.csv (technician, work_order_id, recommendation_id; an empty
-- recommendation_id marks a visit whose site only has too-old open recommendations),
-- out_dir/stale.csv (owner, recommendation_id) and out_dir/stale_counts.csv (owner, listed, too_old).

CREATE TEMP TABLE work_orders AS
SELECT * FROM read_csv(getvariable('data_dir') || '/work_orders.csv',
    header = true, delim = ',', quote = '"', escape = '"',
    columns = {'work_order_id': 'VARCHAR', 'site_id': 'VARCHAR', 'site_name': 'VARCHAR',
               'customer_name': 'VARCHAR', 'site_address': 'VARCHAR', 'technician_id': 'VARCHAR',
               'status': 'VARCHAR', 'scheduled_start': 'TIMESTAMP', 'completed_at': 'TIMESTAMP',
               'resolves': 'VARCHAR'});

CREATE TEMP TABLE recommendations AS
SELECT * FROM read_csv(getvariable('data_dir') || '/recommendations.csv',
    header = true, delim = ',', quote = '"', escape = '"',
    columns = {'recommendation_id': 'VARCHAR', 'work_order_id': 'VARCHAR', 'site_id': 'VARCHAR',
               'asset': 'VARCHAR', 'description': 'VARCHAR', 'priority': 'VARCHAR',
               'estimated_value': 'DECIMAL(12,2)', 'status': 'VARCHAR', 'created_at': 'TIMESTAMP',
               'last_activity_at': 'TIMESTAMP', 'recommended_by': 'VARCHAR', 'sales_owner': 'VARCHAR',
               'quote_id': 'VARCHAR'});

CREATE TEMP TABLE people AS
SELECT * FROM read_csv(getvariable('data_dir') || '/people.csv',
    header = true, delim = ',', quote = '"', escape = '"',
    columns = {'person_id': 'VARCHAR', 'name': 'VARCHAR', 'email': 'VARCHAR', 'role': 'VARCHAR',
               'manager_id': 'VARCHAR'});

-- Open = open or quoted, and not carried out by a completed work order.
CREATE TEMP TABLE open_recs AS
WITH resolved AS (
    SELECT DISTINCT trim(id) AS id
    FROM (SELECT unnest(string_split(resolves, ';')) AS id
          FROM work_orders
          WHERE status = 'completed' AND resolves IS NOT NULL)
)
SELECT r.recommendation_id, r.site_id, r.sales_owner,
       getvariable('as_of') - CAST(r.created_at AS DATE) AS age_days,
       getvariable('as_of') - CAST(coalesce(r.last_activity_at, r.created_at) AS DATE) AS idle_days
FROM recommendations r
WHERE r.status IN ('open', 'quoted')
  AND r.recommendation_id NOT IN (SELECT id FROM resolved WHERE id <> '');

-- Pre-visit: scheduled visits in (as_of, as_of + lookahead], with the open recommendations at the site.
COPY (
    WITH visits AS (
        SELECT work_order_id, site_id, technician_id
        FROM work_orders
        WHERE status = 'scheduled'
          AND CAST(scheduled_start AS DATE) > getvariable('as_of')
          AND CAST(scheduled_start AS DATE) <= getvariable('as_of') + getvariable('lookahead_days')
    ),
    matched AS (
        SELECT v.technician_id AS technician, v.work_order_id, o.recommendation_id,
               o.age_days > getvariable('max_age_days') AS too_old
        FROM visits v JOIN open_recs o ON o.site_id = v.site_id
    )
    SELECT technician, work_order_id, recommendation_id FROM matched WHERE NOT too_old
    UNION ALL
    SELECT technician, work_order_id, NULL FROM matched
    GROUP BY technician, work_order_id HAVING bool_and(too_old)
    ORDER BY technician, work_order_id, recommendation_id
) TO (getvariable('out_dir') || '/pre_visit.csv') (HEADER, DELIMITER ',');

-- Stale leads, grouped by owner: the sales_owner if people.csv has them with an email, else '' (the inbox).
CREATE TEMP TABLE stale AS
SELECT CASE WHEN p.person_id IS NOT NULL AND coalesce(p.email, '') <> '' THEN o.sales_owner ELSE '' END AS owner,
       o.recommendation_id,
       o.age_days > getvariable('max_age_days') AS too_old
FROM open_recs o
LEFT JOIN people p ON p.person_id = o.sales_owner
WHERE o.idle_days >= getvariable('stale_after_days');

COPY (SELECT owner, recommendation_id FROM stale WHERE NOT too_old ORDER BY owner, recommendation_id)
TO (getvariable('out_dir') || '/stale.csv') (HEADER, DELIMITER ',');

COPY (SELECT owner, count(*) FILTER (WHERE NOT too_old) AS listed, count(*) FILTER (WHERE too_old) AS too_old
      FROM stale GROUP BY owner ORDER BY owner)
TO (getvariable('out_dir') || '/stale_counts.csv') (HEADER, DELIMITER ',');
