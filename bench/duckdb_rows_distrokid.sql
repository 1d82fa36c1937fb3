-- The lines of a DistroKid TSV export, read as royalty's built-in profile
-- (profiles/distrokid.toml) reads them: the source from the Store (its two
-- rules, then streaming; its matches ignore ASCII case), USD, album rows
-- skipped. Keep the two in step.
SELECT "ISRC" AS isrc,
       CASE
           WHEN lower("Store") IN ('itunes', 'amazon', 'amazon mp3', 'google play',
                                   'beatport', 'juno download', '7digital') THEN 'download'
           WHEN contains(lower("Store"), 'youtube (ads)')
                OR contains(lower("Store"), 'youtube (contentid)')
                OR contains(lower("Store"), 'youtube content id')
                OR contains(lower("Store"), 'facebook') OR contains(lower("Store"), 'instagram')
                OR contains(lower("Store"), 'tiktok') OR contains(lower("Store"), 'snap') THEN 'video'
           ELSE 'streaming'
       END AS source,
       'USD' AS currency, "Earnings (USD)" AS amount, "Quantity" AS units
FROM read_csv('__STATEMENT__',
              header = true, auto_detect = false, delim = '\t', quote = '',
              columns = {'Reporting Date': 'VARCHAR', 'Sale Month': 'VARCHAR',
                         'Store': 'VARCHAR', 'Artist': 'VARCHAR', 'Title': 'VARCHAR',
                         'ISRC': 'VARCHAR', 'UPC': 'VARCHAR', 'Quantity': 'BIGINT',
                         'Team Percentage': 'VARCHAR', 'Song/Album': 'VARCHAR',
                         'Country of Sale': 'VARCHAR',
                         'Songwriter Royalties Withheld': 'VARCHAR',
                         'Earnings (USD)': 'DECIMAL(18,6)'})
WHERE "Song/Album" <> 'Album'
