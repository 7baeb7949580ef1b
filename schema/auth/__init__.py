"""GraphQL for API tokens: their type, the admins' query and mutations."""
