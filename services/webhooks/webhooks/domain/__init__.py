"""Pure rules of the webhook dispatcher: the subscription aggregate (abonnement), who receives what (policy), what
the dispatcher learns from events (projection), the message and its signature (bericht), the retry schedule (retry),
the SSRF guard (adressen)."""
