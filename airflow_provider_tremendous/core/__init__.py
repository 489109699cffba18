"""The vendor-neutral core: transport, endpoint declarations, errors, models, checks, connections, money,
markers. It imports nothing else of the package (checked by ``make lint``)."""
