"""The database behind the app: published dataset versions (and, beside them, users, sessions,
tokens and the audit log). `techmap.store.db` is the foundation (engine, sessions, migrations);
the dataset folder stays the exchange format (`publish`, `export`)."""
