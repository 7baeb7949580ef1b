"""The search-index ledger: which objects' documents must be rebuilt, recorded with each write."""
