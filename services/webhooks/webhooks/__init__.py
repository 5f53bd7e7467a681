"""The webhooks service: subscriptions for integrators, delivered as signed Standard Webhooks."""
