"""Webhooks: admins' subscriptions, deliveries recorded with each content change, and the
worker that signs and POSTs them with retries."""
