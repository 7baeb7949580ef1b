"""Events, people, committees and what hangs off them."""
