"""Who is asking: viewers, their roles, and the API tokens that grant them."""
