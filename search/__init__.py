"""Full-text search over events, people and transcripts (embedded and Meilisearch backends)."""
