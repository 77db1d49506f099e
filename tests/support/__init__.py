"""Helpers the tests share: small real models built offline, in seconds."""
