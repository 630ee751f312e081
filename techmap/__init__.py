"""London Tech Map's domain layer: dataset format, loading and validation, filters, queries,
renewal planning, importers, calendar export and the CLI. No Dash imports here."""
