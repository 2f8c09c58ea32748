"""Accounts: users, roles and their division scope, password hashes, page sessions, API tokens, sign-in throttling."""
