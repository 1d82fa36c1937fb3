-- The work of `royalty run --period 2026-Q1` on the benchmark, in DuckDB.
-- bench/duckdb_run.py substitutes the three file names below (absolute paths):
--   __STATEMENT__  the canonical statement CSV (examples/gen_statement.rs)
--   __TRACKS__     agreement,isrc      (from bench/agreements/*.toml)
--   __RATES__      agreement,party,source,rate (rate as an exact decimal: "4.8%" -> 0.048)
-- Amounts are DECIMAL(18,6) (exact, like royalty's), never DOUBLE.
-- Result rows: kind, agreement, party, value
--   revenue   per agreement: sum of matched amounts, rounded to cents
--   earned    per agreement and party: sum(amount x rate), rounded to cents
--   units     per agreement and source: sum of units
--   unmatched lines / amount of lines no agreement covers
WITH lines AS (
    -- Sum by ISRC and source first (what royalty does while streaming).
    SELECT isrc, source, currency,
           sum(amount) AS amount, sum(units) AS units, count(*) AS n
    FROM read_csv('__STATEMENT__',
                  header = true, auto_detect = false, delim = ',', quote = '"',
                  columns = {'period': 'VARCHAR', 'isrc': 'VARCHAR',
                             'source': 'VARCHAR', 'territory': 'VARCHAR',
                             'store': 'VARCHAR', 'units': 'BIGINT',
                             'amount': 'DECIMAL(18,6)', 'currency': 'VARCHAR'})
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
SELECT 'revenue' AS kind, agreement, '' AS party,
       CAST(round(sum(amount), 2) AS VARCHAR) AS value
FROM matched GROUP BY agreement
UNION ALL
SELECT 'earned', m.agreement, r.party,
       CAST(round(sum(m.amount * r.rate), 2) AS VARCHAR)
FROM matched m JOIN rates r ON r.agreement = m.agreement AND r.source = m.source
GROUP BY m.agreement, r.party
UNION ALL
SELECT 'units', agreement, source, CAST(units AS VARCHAR) FROM matched
UNION ALL
SELECT 'unmatched', '', 'lines', CAST(coalesce(sum(n), 0) AS VARCHAR)
FROM lines WHERE isrc NOT IN (SELECT isrc FROM tracks)
ORDER BY 1, 2, 3;
