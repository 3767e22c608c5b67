"""The window's background work, each on its own thread or pool: `scan` (a scan),
`mutations` (moving files to the trash and putting them back), `report` (writing a report),
all on the small base in `base` (job ids, stale results dropped, the catch-all, and the one
registry of threads and pools that shutdown stops)."""
