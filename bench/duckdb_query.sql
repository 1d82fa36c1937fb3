-- The work of `royalty run --period 2026-Q1` on the benchmark, in DuckDB.
-- bench/duckdb_run.py substitutes the names below (absolute paths):
--   __ROWS__    the statement lines: bench/duckdb_rows_<layout>.sql, a SELECT
--               of isrc, source, currency, amount (exact DECIMAL), units
--   __TRACKS__  agreement,isrc      (from the agreements' TOML files)
--   __RATES__   agreement,party,source,rate (exact: "4.8%" -> 0.048, a pool
--               of 12% split 50% -> 0.06)
-- Amounts are DECIMAL (exact, like royalty's), never DOUBLE.
-- Result rows: kind, agreement, party, value, all exact and unrounded (the
-- harness rounds as royalty's contract says, docs/arithmetic.md):
--   revenue   per agreement: sum of matched amounts
--   earned    per agreement and party: sum(amount x rate)
--   units     per agreement and source: sum of units
--   unmatched lines / amount of the lines no agreement covers
WITH lines AS (
    -- Sum by ISRC and source first (what royalty does while streaming).
    SELECT isrc, source, currency,
           sum(amount) AS amount, sum(units) AS units, count(*) AS n
    FROM (__ROWS__)
    GROUP BY isrc, source, currency
),
tracks AS (
    SELECT * FROM read_csv('__TRACKS__', header = true, auto_detect = false,
                           columns = {'agreement': 'VARCHAR', 'isrc': 'VARCHAR'})
),
rates AS (
    SELECT * FROM read_csv('__RATES__', header = true, auto_detect = false,
                           columns = {'agreement': 'VARCHAR', 'party': 'VARCHAR',
                                      'source': 'VARCHAR', 'rate': 'DECIMAL(18,9)'})
),
matched AS (
    -- Every benchmark agreement accounts in USD and so does every line: no fx.
    SELECT t.agreement, l.source, sum(l.amount) AS amount, sum(l.units) AS units
    FROM lines l JOIN tracks t USING (isrc)
    GROUP BY t.agreement, l.source
)
SELECT 'revenue' AS kind, agreement, '' AS party, CAST(sum(amount) AS VARCHAR) AS value
FROM matched GROUP BY agreement
UNION ALL
SELECT 'earned', m.agreement, r.party, CAST(sum(m.amount * r.rate) AS VARCHAR)
FROM matched m JOIN rates r ON r.agreement = m.agreement AND r.source = m.source
GROUP BY m.agreement, r.party
UNION ALL
SELECT 'units', agreement, source, CAST(units AS VARCHAR) FROM matched
UNION ALL
SELECT 'unmatched', '', 'lines', CAST(coalesce(sum(n), 0) AS VARCHAR)
FROM lines WHERE isrc NOT IN (SELECT isrc FROM tracks)
UNION ALL
SELECT 'unmatched', '', 'amount', CAST(coalesce(sum(amount), 0) AS VARCHAR)
FROM lines WHERE isrc NOT IN (SELECT isrc FROM tracks)
ORDER BY 1, 2, 3;
