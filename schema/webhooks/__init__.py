"""GraphQL for webhooks: subscriptions and their delivery log, for admins."""
