"""GraphQL for search: the search field, its inputs and its hit types."""
