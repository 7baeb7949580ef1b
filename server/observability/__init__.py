"""What an operator sees of the running app: request ids, request logs and metrics."""
