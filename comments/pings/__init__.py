"""Responses from other sites: Pingback 1.0 over the XML-RPC dispatcher, trackbacks, and the
safe fetcher that verifies sources and sends outgoing pings; `guard` turns floods away first."""
