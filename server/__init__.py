"""The CMS runtime: settings, database, domain services, the app and the CLI."""
