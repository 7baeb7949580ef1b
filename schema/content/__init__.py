"""GraphQL for events, people, committees, topics and organisations."""
