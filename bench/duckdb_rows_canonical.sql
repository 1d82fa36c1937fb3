-- The lines of a canonical statement CSV (docs/formats.md), or of a folder of
-- them (__STATEMENT__ is then a glob): every column typed, no sniffing,
-- amounts as exact decimals.
SELECT isrc, source, currency, amount, units
FROM read_csv('__STATEMENT__',
              header = true, auto_detect = false, delim = ',', quote = '"',
              columns = {'period': 'VARCHAR', 'isrc': 'VARCHAR',
                         'source': 'VARCHAR', 'territory': 'VARCHAR',
                         'store': 'VARCHAR', 'units': 'BIGINT',
                         'amount': 'DECIMAL(18,6)', 'currency': 'VARCHAR'})
