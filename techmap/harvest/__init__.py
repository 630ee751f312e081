"""`python -m techmap harvest contracts-finder|find-a-tender`: download OCDS release packages from
the national procurement services, page by page (following each page's `links.next`), keep the
London boroughs' technology contracts through the OCDS import (techmap.importers.ocds) and merge
them into a dataset folder.

- services.py: the two services' endpoints and query parameters (defaults: the official APIs)
- retries.py: rate limits and failures: Retry-After or exponential back-off (tenacity), bounded
- client.py: one page, fetched (httpx) and parsed, with the retries
- paging.py: the next page's URL, as the page gives it
- state.py: the resumable state file and the spool of kept releases beside the output
- fold.py: each page folded into the spool: releases the import would skip are set aside
- progress.py: progress on a terminal, plain lines otherwise
- command.py: the subcommand (add_parser / run) and the whole run (harvest)
- finish.py: the spool imported (techmap.importers), merged into the dataset and reported
"""
