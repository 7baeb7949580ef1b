"""Who is asking: viewers and, later, API tokens and roles."""
